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

// Outcomes reads what a broadcast's card shows once it has begun
// sending, besides its batches.
type Outcomes interface {
	Outcome(ctx context.Context, b *broadcast.Broadcast) (Outcome, error)
}

// Outcome is a broadcast's clicks, conversions and article reads so far.
type Outcome struct {
	// Clickers are the receivers who tapped a tracked link (once each per
	// version); Taps every tap, the receivers' and the others'.
	Clickers int64 `json:"clickers"`
	Taps     int64 `json:"taps"`
	// Conversions are the followers who converted after it reached them.
	Conversions int64 `json:"conversions"`
	// Article: it sent articles, whose reads WeChat reports the day
	// after; Reads are the reads reported so far, nil before a report.
	Article bool   `json:"article,omitempty"`
	Reads   *int64 `json:"reads,omitempty"`
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
	// Outcomes, if set, fills the cards' clicks, conversions and reads.
	Outcomes Outcomes
	Admins   []Admin

	// AttributesURL and APIToken reach wxcast's attributes API
	// (PUT AttributesURL/{openid}/attributes), through which members'
	// data arrives as an order system would send it.
	AttributesURL string
	APIToken      string
	// LinksBase is wxcast's links.base_url and OAuthBase its
	// wechat.oauth_base_url (the simulator): followers who receive a text
	// broadcast tap its tracked links through both, and some buy (see
	// taps.go). Empty LinksBase: nobody taps.
	LinksBase, OAuthBase string
	// TapDelay is the mean time a receiver takes to tap a link
	// (DefaultTapDelay when 0).
	TapDelay time.Duration

	// Followers is how many simulated followers there are; they all
	// follow within JoinIn, then do Rate things a second between them.
	Followers int
	JoinIn    time.Duration
	Rate      float64
	Seed      uint64

	// Location is the account's timezone, in which the page shows every
	// time (Asia/Shanghai when nil).
	Location *time.Location
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

	links *linkOpener // nil without tracked links
	taps  *tapper
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
	if o.Location == nil {
		o.Location = defaultZone()
	}
	if o.TapDelay <= 0 {
		o.TapDelay = DefaultTapDelay
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
	d.links, d.taps = newLinkOpener(o.LinksBase, o.OAuthBase), newTapper(o.Seed, o.TapDelay)
	d.out = &outbox{sim: o.Sim, appID: o.AppID, chats: d.chats, received: d.received}
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
	wg.Go(func() { d.runTaps(ctx) })
	wg.Wait()
	return nil
}

// person finds who openid is; nil if the demo does not play them.
func (d *Demo) person(openid string) *person { return d.byID[openid] }

// nextMsgID numbers a text or location message; WeChat's MsgId is
// unique, and wxcast deduplicates on it.
func (d *Demo) nextMsgID() int64 { return d.msgID.Add(1) }

// received learns that a text broadcast reached the followers to: those
// the demo plays may tap its tracked links.
func (d *Demo) received(to []string, text string) {
	links := d.links.linksIn(text)
	if len(links) == 0 {
		return
	}
	var people []*person
	for _, o := range to {
		if p := d.person(o); p != nil && !p.admin {
			people = append(people, p)
		}
	}
	d.taps.received(people, links, time.Now())
}
