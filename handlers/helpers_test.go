package handlers_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/wxcast/wxcast/bot"
	"github.com/wxcast/wxcast/bot/attrs"
	"github.com/wxcast/wxcast/handlers"
	"github.com/wxcast/wxcast/internal/redistest"
	"github.com/wxcast/wxcast/internal/wxsim"
	"github.com/wxcast/wxcast/rules"
	"github.com/wxcast/wxcast/store"
)

const (
	appID    = "wx5f2e1a0b9c8d7e6f"
	token    = "cbToken2026"
	aesKey   = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
	oldKey   = "ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut"
	original = "gh_0123456789ab"
)

var cst = time.FixedZone("CST", 8*3600)

// env is one wxcast HTTP surface on a fresh key prefix.
type env struct {
	t         *testing.T
	url       string
	store     *store.Store
	followers *store.Followers
	reg       *prometheus.Registry
	handler   http.Handler
}

type envOpts struct {
	decider bot.Decider
	keys    []string
	// followers replaces the store (to simulate a failing Redis).
	followers bot.Followers
	ready     handlers.Pinger
	// watch, when set, wraps the followers the bot uses, so a test can
	// see what the bot asks of them.
	watch func(bot.Followers) bot.Followers
	// strict refuses plaintext callbacks, as a deployment with an AES key
	// does by default; tests that post plaintext leave it off.
	strict bool
	// apiToken turns the API on; attributes serves it, by default an
	// attrs.Service over the store and rules.
	apiToken   string
	rules      func() *rules.Ruleset
	attributes handlers.AttrSetter
	// log replaces the test logger (to see what is logged).
	log *zap.Logger
	// now replaces the server's clock.
	now func() time.Time
}

func newEnv(t *testing.T, o envOpts) *env {
	t.Helper()
	s := redistest.Open(t)
	f := s.Followers(store.Calendar{Loc: cst}, store.Limits{DedupTTL: time.Minute, HistoryMax: 50, HistoryDays: 8})
	var bf bot.Followers = f
	if o.followers != nil {
		bf = o.followers
	}
	if o.watch != nil {
		bf = o.watch(bf)
	}
	if o.keys == nil {
		o.keys = []string{aesKey}
	}
	var ready handlers.Pinger = s
	if o.ready != nil {
		ready = o.ready
	}
	log := zaptest.NewLogger(t)
	if o.log != nil {
		log = o.log
	}
	var as handlers.AttrSetter = attrs.NewService(f, o.rules, log)
	if o.attributes != nil {
		as = o.attributes
	}
	b := bot.New(bot.Options{Followers: bf, Rules: o.decider, ReplyWait: 2 * time.Second, Log: log})
	reg := prometheus.NewRegistry()
	srv, err := handlers.NewServer(handlers.Config{
		AppID: appID, Token: token, AESKeys: o.keys, AllowPlaintext: !o.strict, CallbackPath: "/wechat",
		TimestampTolerance: 300 * time.Second, MaxBodyBytes: 64 << 10,
		APIToken: o.apiToken, Attributes: as, Now: o.now,
	}, b, ready, reg, log)
	if err != nil {
		t.Fatal(err)
	}
	h := srv.Handler()
	hs := httptest.NewServer(h)
	t.Cleanup(hs.Close)
	return &env{t: t, url: hs.URL, store: s, followers: f, reg: reg, handler: h}
}

func (e *env) client(mode wxsim.Mode, tweak ...func(*wxsim.ClientConfig)) *wxsim.Client {
	e.t.Helper()
	cfg := wxsim.ClientConfig{URL: e.url + "/wechat", Token: token, EncodingAESKey: aesKey, AppID: appID,
		OriginalID: original, Mode: mode}
	for _, f := range tweak {
		f(&cfg)
	}
	c, err := wxsim.NewClient(cfg)
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// keyCount counts the keys under this test's prefix.
func (e *env) keyCount() int {
	e.t.Helper()
	n := 0
	iter := e.store.Redis().Scan(context.Background(), 0, e.store.KeyPrefix()+"*", 1000).Iterator()
	for iter.Next(context.Background()) {
		n++
	}
	if err := iter.Err(); err != nil {
		e.t.Fatal(err)
	}
	return n
}

func (e *env) counter(name string, labels ...string) float64 {
	e.t.Helper()
	mfs, err := e.reg.Gather()
	if err != nil {
		e.t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	next:
		for _, m := range mf.GetMetric() {
			for i := 0; i+1 < len(labels); i += 2 {
				found := false
				for _, lp := range m.GetLabel() {
					if lp.GetName() == labels[i] && lp.GetValue() == labels[i+1] {
						found = true
					}
				}
				if !found {
					continue next
				}
			}
			return m.GetCounter().GetValue()
		}
	}
	return 0
}

// countingReplier answers every text with "reply #n", n counting calls, and
// can hold the first call until released (a slow first delivery). It is
// a bot.Decider standing in for the rules engine.
type countingReplier struct {
	mu      sync.Mutex
	n       int
	hold    chan struct{}
	entered chan struct{}
}

func (r *countingReplier) Plan() bot.Plan { return r }
func (r *countingReplier) Replies() bool  { return true }
func (r *countingReplier) Tags() bool     { return false }

func (r *countingReplier) Decide(_ context.Context, _ *store.Profile, ev *store.Event, _ time.Time) bot.Decision {
	r.mu.Lock()
	r.n++
	n := r.n
	r.mu.Unlock()
	if r.hold != nil && n == 1 {
		close(r.entered)
		<-r.hold
	}
	if ev.Kind != "text" {
		return bot.Decision{}
	}
	return bot.Decision{Reply: bot.Reply{Type: "text", Content: "reply #" + string(rune('0'+n)) + " to " + ev.Content}}
}

func (r *countingReplier) calls() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.n
}

// pendingSeen is bot.Followers that reports each delivery the store found
// to be a duplicate of one still without its answer: from there on, that
// delivery waits for the first one's answer.
type pendingSeen struct {
	bot.Followers
	seen chan struct{}
}

func (p *pendingSeen) Record(ctx context.Context, ev store.Event, now time.Time, mark store.Mark) (store.Outcome, error) {
	out, err := p.Followers.Record(ctx, ev, now, mark)
	if err == nil && out.Duplicate && !out.Answered {
		select {
		case p.seen <- struct{}{}:
		default:
		}
	}
	return out, err
}

type nopCloser struct{ *bytes.Reader }

func (nopCloser) Close() error { return nil }

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }

func readAll(t testing.TB, r *http.Request) []byte {
	t.Helper()
	b, err := io.ReadAll(r.Body)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
