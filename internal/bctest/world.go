// Package bctest builds, for the tests of the broadcast packages, one
// replica's broadcast services wired as the server wires them — records,
// caps, notifier, results, lifecycle, sender and audit log — on a real
// store (see internal/redistest), a real WeChat client and an app of the
// test's own in the package's simulator, with a clock the test sets.
package bctest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"

	"github.com/wxcast/wxcast/bot/audit"
	"github.com/wxcast/wxcast/bot/broadcast"
	"github.com/wxcast/wxcast/bot/caps"
	"github.com/wxcast/wxcast/bot/notify"
	"github.com/wxcast/wxcast/bot/results"
	"github.com/wxcast/wxcast/bot/sender"
	"github.com/wxcast/wxcast/bot/wxapi"
	"github.com/wxcast/wxcast/internal/clocktest"
	"github.com/wxcast/wxcast/internal/redistest"
	"github.com/wxcast/wxcast/internal/simtest"
	"github.com/wxcast/wxcast/internal/wxsim"
	"github.com/wxcast/wxcast/rules"
	"github.com/wxcast/wxcast/store"
)

// The admins of every world.
var (
	Editor   = broadcast.Admin{OpenID: "oEditor", Name: "小李", Roles: []broadcast.Role{broadcast.RoleEditor}}
	Editor2  = broadcast.Admin{OpenID: "oEditor2", Name: "小张", Roles: []broadcast.Role{broadcast.RoleEditor}}
	Approver = broadcast.Admin{OpenID: "oApprover", Name: "老王", Roles: []broadcast.Role{broadcast.RoleApprover}}
	Owner    = broadcast.Admin{OpenID: "oOwner", Name: "老板", Roles: []broadcast.Role{broadcast.RoleOwner}}
)

// Rules are the rules of every world unless it sets others: two segments.
const Rules = `
segments:
  - name: everyone
    rule: user.subscribed
  - name: vip
    rule: '"vip" in user.tags'
`

// Config tweaks a world before it is built; the zero value is a world of
// no followers with the defaults below.
type Config struct {
	Followers int
	// Manual: the clock's tickers and timers fire only on Clock.Add (see
	// clocktest.NewManual); else they are real and only Now is set.
	Manual bool
	// Start is the clock's time at first (time.Now() when zero).
	Start time.Time
	// Rules is the rules file (Rules when empty).
	Rules string
	// BatchSize (3 when 0) and BatchInterval (0) are the sender's.
	BatchSize     int
	BatchInterval time.Duration
	// AlertFailureRate (0.05 when 0) and AlertUnsubscribeRate (0: off)
	// are the guardrails'.
	AlertFailureRate, AlertUnsubscribeRate float64
	MonthlyCap, DailyCap                   int
	TemplateID                             string
	// Admins are the admins the notifier knows (Editor, Editor2, Approver
	// and Owner when nil).
	Admins []broadcast.Admin
	// SimClock makes the simulator answer this world's app on the world's
	// clock: WeChat's minute between two sends with one clientmsgid, its
	// tokens' expiry and its daily quotas move with Clock.Add.
	SimClock bool
	// LinkBase is links.base_url: previews rewrite text links into
	// tracked links under it, kept in the world's store ("": off).
	LinkBase string
	// Per-service tweaks, applied last.
	Lifecycle func(*broadcast.Options)
	Sender    func(*sender.Options)
	Results   func(*results.Options)
}

// World is one test's broadcast services.
type World struct {
	T     *testing.T
	Ctx   context.Context
	Sim   *wxsim.Server
	AppID string
	Clock *clocktest.Clock

	Store     *store.Store
	Followers *store.Followers
	API       *wxapi.Client
	Records   *broadcast.Records
	Caps      *caps.Caps
	Wake      *broadcast.Wake
	Notify    *notify.Notifier
	Results   *results.Service
	Lifecycle *broadcast.Service
	Sender    *sender.Sender
	Audit     *audit.Log
	// SenderOptions built Sender and NotifyOptions Notify; a second
	// replica starts from them.
	SenderOptions sender.Options
	NotifyOptions notify.Options

	manual bool
	secret string
	mu     sync.Mutex
	rules  *rules.Ruleset
}

// New builds a world on sim, with c's followers subscribed.
func New(t *testing.T, sim *wxsim.Server, c Config) *World {
	t.Helper()
	appID, secret := "wx_"+strings.NewReplacer("/", "_", " ", "_").Replace(t.Name())+RandomHex(5), "s"+RandomHex(5)
	sim.AddApp(appID, secret)
	sim.AddMedia(appID, "news1", "news")
	sim.AddTemplate(appID, "tpl1")
	if c.Start.IsZero() {
		c.Start = time.Now()
	}
	w := &World{T: t, Ctx: context.Background(), Sim: sim, AppID: appID, Store: redistest.Open(t),
		Clock: clocktest.New(c.Start)}
	if c.Manual {
		w.Clock, w.manual = clocktest.NewManual(c.Start), true
	}
	if c.SimClock {
		sim.SetAppClock(appID, w.Clock.Now)
	}
	cal := store.Calendar{Loc: time.UTC}
	w.Followers = w.Store.Followers(cal, store.Limits{DedupTTL: time.Minute, HistoryMax: 5, HistoryDays: 1})
	for i := range c.Followers {
		w.Follow(FollowerID(i))
	}
	if c.Rules == "" {
		c.Rules = Rules
	}
	w.SetRules(c.Rules)
	w.secret = secret
	w.API = w.NewAPI()
	w.build(c, cal)
	return w
}

// NewAPI is a WeChat client of the world's account as another replica
// would build it: it shares only what lives in Redis (the token, the
// quota walls) with the world's.
func (w *World) NewAPI() *wxapi.Client {
	tokens := wxapi.NewTokens(w.Store.Tokens(w.AppID), wxapi.StableFetcher(w.AppID, w.secret), nil, zaptest.NewLogger(w.T))
	return wxapi.New(wxapi.Config{AppID: w.AppID, AppSecret: w.secret, Token: "tok"}, tokens, w.Store.SDKCache()).
		WithQuotaWalls(w.Store.QuotaWalls(w.AppID), w.Clock.Now).
		WithQuotaCounts(w.Store.QuotaCounts(w.AppID), 0)
}

// build wires the services.
func (w *World) build(c Config, cal store.Calendar) {
	log := zaptest.NewLogger(w.T)
	if c.BatchSize == 0 {
		c.BatchSize = 3
	}
	if c.AlertFailureRate == 0 {
		c.AlertFailureRate = 0.05
	}
	if c.Admins == nil {
		c.Admins = []broadcast.Admin{Editor, Editor2, Approver, Owner}
	}
	st := w.Store.Broadcasts()
	w.Records = broadcast.NewRecords(st, w.Clock.Now)
	w.Wake = broadcast.NewWake()
	w.Caps = caps.New(w.Store.Caps(), c.MonthlyCap, c.DailyCap, time.UTC)
	w.NotifyOptions = notify.Options{Records: w.Records, Store: st, API: w.API, TemplateID: c.TemplateID,
		Admins: c.Admins, Location: time.UTC, Now: w.Clock.Now, Log: log}
	w.Notify = notify.New(w.NotifyOptions)
	ro := results.Options{Records: w.Records, Store: st, Caps: w.Caps, Histories: w.Followers, Alerts: w.Notify,
		Conversions: w.Store.Conversions(), Clicks: w.Store.Links(),
		AlertFailureRate: c.AlertFailureRate, AlertUnsubscribeRate: c.AlertUnsubscribeRate, Wake: w.Wake, Now: w.Clock.Now, Log: log}
	if c.Results != nil {
		c.Results(&ro)
	}
	w.Results = results.New(ro)
	lo := broadcast.Options{Records: w.Records, Store: st, Profiles: w.Followers, Rules: w.Rules, Calendar: cal,
		API: w.API, News: w.API, Quotas: w.API, Caps: w.Caps, ApprovalsRequired: 1, ApprovalTTL: 24 * time.Hour,
		BatchSize: c.BatchSize, BatchInterval: c.BatchInterval, AlertFailureRate: c.AlertFailureRate,
		AlertUnsubscribeRate: c.AlertUnsubscribeRate, Wake: w.Wake, Now: w.Clock.Now, Log: log}
	if c.LinkBase != "" {
		lo.LinkBase, lo.Links = c.LinkBase, w.Store.Links()
	}
	if c.Lifecycle != nil {
		c.Lifecycle(&lo)
	}
	w.Lifecycle = broadcast.New(lo)
	so := sender.Options{Records: w.Records, Store: st, Profiles: w.Followers, Rules: w.Rules, API: w.API, News: w.API,
		Caps: w.Caps, Notices: w.Notify, Reports: w.Results, Clickers: w.Store.Links(), Wake: w.Wake, BatchSize: c.BatchSize,
		BatchInterval: c.BatchInterval, AlertFailureRate: c.AlertFailureRate, RetryGap: 500 * time.Millisecond,
		Owner: "test-" + w.T.Name(), Clock: w.Clock, Log: log}
	if c.Sender != nil {
		c.Sender(&so)
	}
	w.SenderOptions = so
	w.Sender = sender.New(so)
	w.Audit = audit.New(st)
}

// Rules returns the world's live rules.
func (w *World) Rules() *rules.Ruleset {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.rules
}

// SetRules makes src the live rules, as a reload would.
func (w *World) SetRules(src string) {
	w.T.Helper()
	rs, err := rules.Parse("rules.yaml", []byte(src), rules.Options{})
	if err != nil {
		w.T.Fatal(err)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.rules = rs
}

// Run starts the sender until the test ends or stop is called. Notices go
// out at once, in the goroutine that causes them (the notifier's queue is
// not running).
func (w *World) Run() (stop func()) {
	return w.RunSender(w.Sender)
}

// RunSender runs s until the test ends: a second replica, say. stop ends
// it sooner, as a replica that shuts down, and returns once s.Run has
// returned: nothing of s is sending any more. On a manual clock it
// returns once the sender waits for its first poll, so that the test's
// next move of the clock reaches it.
func (w *World) RunSender(s *sender.Sender) (stop func()) {
	ctx, cancel := context.WithCancel(w.Ctx)
	done := make(chan struct{})
	before := w.Clock.Waiting()
	go func() { s.Run(ctx); close(done) }()
	stop = sync.OnceFunc(func() { cancel(); <-done })
	w.T.Cleanup(stop)
	for deadline := time.Now().Add(10 * time.Second); w.manual && w.Clock.Waiting() <= before; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			w.T.Fatal("the sender did not start polling")
		}
	}
	return stop
}

// FollowerID is the openid of the world's follower i.
func FollowerID(i int) string { return fmt.Sprintf("oF%04d", i) }

// FollowerIDs are the openids of the world's first n followers.
func FollowerIDs(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = FollowerID(i)
	}
	return out
}

// RandomHex is n random bytes in hex.
func RandomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Main runs a test package of the broadcast services against a simulator
// of its own (see internal/simtest), stored in *sim. WeChat's minute
// between two sends with the same clientmsgid is shortened to 300 ms, so
// that tests of retries and resumed batches need not wait for it.
//
//	func TestMain(m *testing.M) { os.Exit(bctest.Main(m, &sim)) }
func Main(m *testing.M, sim **wxsim.Server) int {
	return simtest.Run(m, wxapi.RouteSDK, sim, wxsim.WithMassRetryGap(300*time.Millisecond))
}
