package demo

import (
	"context"
	"math/rand/v2"
	"sync"
	"time"

	"go.uber.org/zap"
)

// crowdWorkers is how many followers act at the same moment at most.
const crowdWorkers = 8

// keywords followers type; the example rules answer the first four.
func keywords() []string {
	return []string{"价格", "优惠", "教程", "多少钱", "你好", "请问门店几点开门？", "谢谢"}
}

// crowd plays the followers until ctx ends: first everyone follows,
// spread evenly over JoinIn, each doing a few things right after; then
// random followers do random things, Rate a second on average (Poisson
// arrivals, as independent people are).
func (d *Demo) crowd(ctx context.Context) {
	var followers []*person
	for _, p := range d.people {
		if !p.admin {
			followers = append(followers, p)
		}
	}
	rng := rand.New(rand.NewPCG(d.o.Seed+1, 7))
	work := make(chan func(), crowdWorkers)
	var wg sync.WaitGroup
	for range crowdWorkers {
		wg.Go(func() {
			for f := range work {
				f()
			}
		})
	}
	defer func() { close(work); wg.Wait() }()

	if len(followers) > 0 {
		every := d.o.JoinIn / time.Duration(len(followers))
		next := time.Now()
		for _, p := range followers {
			if !sleepUntil(ctx, next) {
				return
			}
			next = next.Add(every)
			seed := rng.Uint64()
			if !submit(ctx, work, func() { d.join(ctx, p, rand.New(rand.NewPCG(seed, 1))) }) {
				return
			}
		}
	}
	next := time.Now()
	for {
		// Exponential gaps, cut at a minute so a tiny rate still acts.
		next = next.Add(time.Duration(min(rng.ExpFloat64()/d.o.Rate, 60) * float64(time.Second)))
		if !sleepUntil(ctx, next) {
			return
		}
		if len(followers) == 0 {
			continue
		}
		p := followers[rng.IntN(len(followers))]
		seed := rng.Uint64()
		if !submit(ctx, work, func() { d.act(ctx, p, rand.New(rand.NewPCG(seed, 2))) }) {
			return
		}
	}
}

// join is a follower's first minute: they follow, the membership system
// may send their data, and they look around.
func (d *Demo) join(ctx context.Context, p *person, rng *rand.Rand) {
	if e, ok := d.do(ctx, p, actSubscribe); !ok || e.Error != "" {
		return // a failed follow is tried again later (see act)
	}
	if p.attrs != nil {
		if err := d.setAttributes(ctx, p); err != nil {
			d.o.Log.Warn("writing a member's attributes failed", zap.String("openid", p.openid), zap.Error(err))
		}
	}
	if p.place != "" {
		// Accounts that ask for it get a location report on follow.
		d.do(ctx, p, actReport)
	}
	switch r := rng.IntN(100); {
	case r < 35:
		d.do(ctx, p, actPromo)
	case r < 55:
		d.say(ctx, p, keywords()[rng.IntN(4)])
	case r < 65:
		d.do(ctx, p, actPrices)
	}
}

// act is one thing a random follower does later on.
func (d *Demo) act(ctx context.Context, p *person, rng *rand.Rand) {
	p.mu.Lock()
	followed := p.followed
	p.mu.Unlock()
	if !followed {
		// Some come back; the others stay away.
		if rng.IntN(100) < 30 {
			d.do(ctx, p, actSubscribe)
		}
		return
	}
	switch r := rng.IntN(100); {
	case r < 30:
		d.do(ctx, p, actPromo)
	case r < 55:
		kw := keywords()
		d.say(ctx, p, kw[rng.IntN(len(kw))])
	case r < 65:
		d.do(ctx, p, actPrices)
	case r < 78:
		if p.place != "" {
			d.do(ctx, p, actLocation)
		} else {
			d.do(ctx, p, actReport)
		}
	case r < 90:
		d.do(ctx, p, actScan)
	case r < 97:
		d.do(ctx, p, actReport)
	default:
		d.do(ctx, p, actUnsubscribe)
	}
}

// submit hands f to a worker unless ctx ends first.
func submit(ctx context.Context, work chan<- func(), f func()) bool {
	select {
	case work <- f:
		return true
	case <-ctx.Done():
		return false
	}
}

// sleepUntil waits for t; false if ctx ended first.
func sleepUntil(ctx context.Context, t time.Time) bool {
	d := time.Until(t)
	if d <= 0 {
		return ctx.Err() == nil
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-ctx.Done():
		return false
	}
}
