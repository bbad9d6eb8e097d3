package demo

import (
	"container/heap"
	"context"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"sync"
	"time"

	"go.uber.org/zap"
)

// How the crowd answers a text broadcast with tracked links: a share of
// its receivers tap a link, most within the first minutes (exponential
// delays of mean TapDelay), and a share of those who tapped buy
// something one to three such means later, which the order system writes
// through the attributes API.
const (
	tapShare = 0.3
	// DefaultTapDelay is the mean time a receiver takes to tap (Options.TapDelay).
	DefaultTapDelay = 90 * time.Second
	buyShare        = 0.35
	// tapWorkers bounds the taps and purchases in flight.
	tapWorkers = 4
	// tapsPerBroadcast bounds the taps planned for one broadcast, so a
	// demo of a million followers does not hold a million timers.
	tapsPerBroadcast = 20000
)

// planned is something a follower will do at a time: tap link, or buy.
type planned struct {
	at   time.Time
	p    *person
	link string // "" for a purchase
	ua   string
}

// plans is a heap of planned actions, soonest first.
type plans []planned

func (h plans) Len() int           { return len(h) }
func (h plans) Less(i, j int) bool { return h[i].at.Before(h[j].at) }
func (h plans) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *plans) Push(x any)        { *h = append(*h, x.(planned)) }
func (h *plans) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// tapper plans and carries out the crowd's taps and purchases.
type tapper struct {
	mean  time.Duration // a receiver's mean time to tap
	mu    sync.Mutex
	queue plans
	rng   *rand.Rand
	wake  chan struct{}
}

func newTapper(seed uint64, mean time.Duration) *tapper {
	return &tapper{mean: mean, rng: rand.New(rand.NewPCG(seed, 3)), wake: make(chan struct{}, 1)}
}

// received plans what the followers in to do about a broadcast of text
// whose tracked links are links.
func (t *tapper) received(to []*person, links []string, now time.Time) int {
	if len(links) == 0 {
		return 0
	}
	agents := wechatAgents()
	t.mu.Lock()
	n := 0
	for _, p := range to {
		if n >= tapsPerBroadcast || t.rng.Float64() >= tapShare {
			continue
		}
		// Exponential, cut at 7 means: most tap within minutes, few later.
		delay := time.Duration(min(t.rng.ExpFloat64(), 7) * float64(t.mean))
		heap.Push(&t.queue, planned{at: now.Add(delay), p: p, link: links[t.rng.IntN(len(links))],
			ua: agents[deviceOf(p.openid, len(agents))]})
		n++
	}
	t.mu.Unlock()
	t.poke()
	return n
}

// later plans p's purchase after a tap, for a share of tappers.
func (t *tapper) later(p *person, now time.Time) {
	t.mu.Lock()
	buy := t.rng.Float64() < buyShare
	delay := t.mean + time.Duration(t.rng.Int64N(int64(2*t.mean)+1)) // one to three means after the tap
	if buy {
		heap.Push(&t.queue, planned{at: now.Add(delay), p: p})
	}
	t.mu.Unlock()
	if buy {
		t.poke()
	}
}

func (t *tapper) poke() {
	select {
	case t.wake <- struct{}{}:
	default:
	}
}

// next waits for the soonest planned action and takes it; false when ctx
// ends first.
func (t *tapper) next(ctx context.Context) (planned, bool) {
	for {
		t.mu.Lock()
		wait := time.Hour
		if len(t.queue) > 0 {
			wait = time.Until(t.queue[0].at)
			if wait <= 0 {
				x := heap.Pop(&t.queue).(planned)
				t.mu.Unlock()
				return x, true
			}
		}
		t.mu.Unlock()
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return planned{}, false
		case <-t.wake:
		case <-timer.C:
		}
		timer.Stop()
	}
}

// runTaps carries out the planned taps and purchases until ctx ends.
func (d *Demo) runTaps(ctx context.Context) {
	if d.links == nil {
		return
	}
	work := make(chan planned)
	var wg sync.WaitGroup
	for range tapWorkers {
		wg.Go(func() {
			for x := range work {
				if x.link == "" {
					d.buy(ctx, x.p)
				} else {
					d.tap(ctx, x.p, x.link, x.ua)
				}
			}
		})
	}
	defer func() { close(work); wg.Wait() }()
	for {
		x, ok := d.taps.next(ctx)
		if !ok {
			return
		}
		select {
		case work <- x:
		case <-ctx.Done():
			return
		}
	}
}

// tap opens link on p's phone and shows it in the event stream.
func (d *Demo) tap(ctx context.Context, p *person, link, ua string) {
	target, err := d.links.open(ctx, link, p.openid, ua)
	e := Entry{At: time.Now(), OpenID: p.openid, Label: p.label, Action: "点击群发消息中的链接 " + link}
	if err != nil {
		e.Error = err.Error()
		d.o.Log.Warn("a simulated tap on a tracked link failed", zap.String("link", link), zap.Error(err))
	} else {
		e.Reply = "跳转到 " + target
		d.taps.later(p, time.Now())
	}
	d.feed.add(e)
}

// buy is p's purchase after a tap: the order system writes the time of
// their newest order, one of results.conversion_attributes.
func (d *Demo) buy(ctx context.Context, p *person) {
	p.mu.Lock()
	followed := p.followed
	p.mu.Unlock()
	if !followed {
		return
	}
	at := time.Now().In(d.o.Location)
	attrs := map[string]any{"last_order_at": at.Format(time.RFC3339)}
	err := d.putAttributes(ctx, p.openid, attrs)
	e := Entry{At: time.Now(), OpenID: p.openid, Label: p.label, Action: fmt.Sprintf("下单（订单系统写入 last_order_at=%s）", at.Format("15:04:05"))}
	if err != nil {
		e.Error = err.Error()
		d.o.Log.Warn("a simulated purchase failed", zap.Error(err))
	}
	d.feed.add(e)
}

// deviceOf picks a follower's phone among n, the same one every time.
func deviceOf(openid string, n int) int {
	h := fnv.New32a()
	_, _ = h.Write([]byte(openid))
	return int(h.Sum32() % uint32(n))
}
