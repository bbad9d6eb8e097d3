package demo

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"go.uber.org/zap"

	"github.com/wxcast/wxcast/bot/broadcast"
	"github.com/wxcast/wxcast/internal/wxsim"
	"github.com/wxcast/wxcast/store"
)

// Broadcasts is what the page reads of the admin bot's broadcast service.
type Broadcasts interface {
	Segments(ctx context.Context) ([]broadcast.SegmentCount, error)
	List(ctx context.Context, n int) ([]*broadcast.Broadcast, error)
}

// Profiles is what the page reads of follower profiles.
type Profiles interface {
	Profile(ctx context.Context, openid string) (*store.Profile, error)
	History(ctx context.Context, openid string) ([]store.HistoryEntry, error)
}

// Admin is an admin the page can chat as.
type Admin struct {
	OpenID string
	Name   string
	Roles  string // as the page shows them, e.g. "编辑"
}

// Options wires a Demo to a running wxcast and the simulator.
type Options struct {
	Sim   *wxsim.Server
	AppID string
	// Client pushes callbacks to wxcast's callback URL; its Platform is
	// Sim, so followers who act open customer-service windows.
	Client     *wxsim.Client
	Profiles   Profiles
	Broadcasts Broadcasts
	Admins     []Admin

	// AttributesURL and APIToken reach wxcast's attributes API
	// (PUT AttributesURL/{openid}/attributes), through which members'
	// data arrives as an order system would send it.
	AttributesURL string
	APIToken      string

	// Followers is how many simulated followers there are; they all
	// follow within JoinIn, then do Rate things a second between them.
	Followers int
	JoinIn    time.Duration
	Rate      float64
	Seed      uint64

	// CLI are the shell lines the page shows for trying the command line
	// on the demo's data while it runs.
	CLI []string
	// Refusals, if set, lists the files wxcast refused and still holds
	// (the rules file, the word lists), for the page's banner.
	Refusals func() []Refusal

	Log *zap.Logger
}

// Demo runs the simulated followers and serves the page.
type Demo struct {
	o      Options
	people []*person
	byID   map[string]*person
	chats  *chats
	feed   *feed
	out    *outbox
	msgID  atomic.Int64
	http   *http.Client

	// segments caches the last count, so that many open pages do not
	// each scan every profile.
	segMu   sync.Mutex
	segAt   time.Time
	segLast []segmentView
	joined  atomic.Int64
}

// New prepares a demo; Run starts it.
func New(o Options) *Demo {
	if o.Log == nil {
		o.Log = zap.NewNop()
	}
	if o.JoinIn <= 0 {
		o.JoinIn = 30 * time.Second
	}
	if o.Rate <= 0 {
		o.Rate = 3
	}
	d := &Demo{
		o:     o,
		byID:  make(map[string]*person),
		chats: newChats(),
		feed:  &feed{},
		http:  &http.Client{Timeout: 5 * time.Second},
	}
	// Message ids continue across runs of the demo, so a restarted demo
	// on a kept store is not taken for WeChat's retries.
	d.msgID.Store(time.Now().Unix() * 1_000_000)
	d.out = &outbox{sim: o.Sim, appID: o.AppID, chats: d.chats}
	for _, a := range o.Admins {
		p := &person{openid: a.OpenID, label: a.Name, admin: true}
		d.people = append(d.people, p)
		d.byID[p.openid] = p
	}
	for _, p := range newCrowd(o.Followers, o.Seed) {
		d.people = append(d.people, p)
		d.byID[p.openid] = p
	}
	return d
}

// Run plays the followers and follows the account's messages until ctx
// ends.
func (d *Demo) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	wg.Go(func() { d.out.watch(ctx, 250*time.Millisecond) })
	// Admins follow first: previews and notices go to followers only.
	for _, p := range d.people {
		if p.admin {
			d.do(ctx, p, actSubscribe)
		}
	}
	wg.Go(func() { d.crowd(ctx) })
	wg.Wait()
	return nil
}

// person finds who openid is; nil if the demo does not play them.
func (d *Demo) person(openid string) *person { return d.byID[openid] }

// nextMsgID numbers a text or location message; WeChat's MsgId is
// unique, and wxcast deduplicates on it.
func (d *Demo) nextMsgID() int64 { return d.msgID.Add(1) }
