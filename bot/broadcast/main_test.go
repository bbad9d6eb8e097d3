package broadcast

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"

	"github.com/wxcast/wxcast/bot/wxapi"
	"github.com/wxcast/wxcast/internal/redistest"
	"github.com/wxcast/wxcast/internal/wxsim"
	"github.com/wxcast/wxcast/rules"
	"github.com/wxcast/wxcast/store"
)

// The SDK sends every call through one process-global HTTP client, so the
// package shares one simulator; each test registers an app of its own.
var sim *wxsim.Server

func TestMain(m *testing.M) {
	sim = wxsim.NewServer(wxsim.WithMassRetryGap(300 * time.Millisecond))
	hs := httptest.NewServer(sim)
	if err := wxapi.RouteSDK(hs.URL); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	sim.Close()
	hs.Close()
	os.Exit(code)
}

// clock is a settable clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

var (
	editor   = Admin{OpenID: "oEditor", Name: "小李", Roles: []Role{RoleEditor}}
	editor2  = Admin{OpenID: "oEditor2", Name: "小张", Roles: []Role{RoleEditor}}
	approver = Admin{OpenID: "oApprover", Name: "老王", Roles: []Role{RoleApprover}}
	owner    = Admin{OpenID: "oOwner", Name: "老板", Roles: []Role{RoleOwner}}
)

const testRules = `
segments:
  - name: everyone
    rule: user.subscribed
  - name: vip
    rule: '"vip" in user.tags'
`

// env is one test's world: its own app in the simulator, its own key
// prefix in Redis, followers, and a Service on top.
type env struct {
	t     *testing.T
	ctx   context.Context
	appID string
	st    *store.Store
	f     *store.Followers
	rs    *rules.Ruleset
	clock *clock
	svc   *Service
	opts  Options
	mu    sync.Mutex
}

func newEnv(t *testing.T, followers int, tweak func(*Options)) *env {
	t.Helper()
	var b [5]byte
	_, _ = rand.Read(b[:])
	appID := "wx_" + strings.ReplaceAll(t.Name(), "/", "_") + hex.EncodeToString(b[:])
	secret := "s" + hex.EncodeToString(b[:])
	sim.AddApp(appID, secret)
	sim.AddMedia(appID, "news1", "news")
	sim.AddTemplate(appID, "tpl1")
	st := redistest.Open(t)
	ctx := context.Background()
	e := &env{t: t, ctx: ctx, appID: appID, st: st, clock: &clock{t: time.Now()}}
	e.f = st.Followers(store.Calendar{Loc: time.UTC}, store.Limits{DedupTTL: time.Minute, HistoryMax: 5, HistoryDays: 1})
	for i := range followers {
		e.follow(fmt.Sprintf("oF%04d", i))
	}
	rs, err := rules.Parse("rules.yaml", []byte(testRules), rules.Options{})
	if err != nil {
		t.Fatal(err)
	}
	e.rs = rs
	tokens := wxapi.NewTokens(st.Tokens(appID), wxapi.StableFetcher(appID, secret), nil, zaptest.NewLogger(t))
	api := wxapi.New(wxapi.Config{AppID: appID, AppSecret: secret, Token: "tok"}, tokens, st.SDKCache())
	e.opts = Options{
		Store: st.Broadcasts(), Profiles: e.f, Calendar: store.Calendar{Loc: time.UTC},
		Rules: func() *rules.Ruleset { e.mu.Lock(); defer e.mu.Unlock(); return e.rs },
		API:   api, NotifyAPI: api, Admins: []Admin{editor, editor2, approver, owner},
		ApprovalsRequired: 1, ApprovalTTL: 24 * time.Hour, BatchSize: 3, RetryGap: 500 * time.Millisecond,
		AlertFailureRate: 0.05, Owner: "test-" + t.Name(), Now: e.clock.Now, Log: zaptest.NewLogger(t),
		Caps: st.Caps(), Histories: e.f, News: api,
	}
	if tweak != nil {
		tweak(&e.opts)
	}
	e.svc = New(e.opts)
	return e
}

// follow subscribes openid.
func (e *env) follow(openid string) {
	e.t.Helper()
	ev := store.Event{OpenID: openid, DedupID: "s" + randomHex(4), At: time.Now(), Kind: "subscribe",
		Class: store.ClassEvent, Sub: store.SubSubscribe}
	if _, err := e.f.Record(e.ctx, ev, time.Now(), store.MarkFinal); err != nil {
		e.t.Fatal(err)
	}
}

// unfollow unsubscribes openid, in wxcast and at WeChat.
func (e *env) unfollow(openid string) {
	e.t.Helper()
	ev := store.Event{OpenID: openid, DedupID: "u" + randomHex(4), At: time.Now().Add(time.Second), Kind: "unsubscribe",
		Class: store.ClassPassive, Sub: store.SubUnsubscribe}
	if _, err := e.f.Record(e.ctx, ev, time.Now(), store.MarkFinal); err != nil {
		e.t.Fatal(err)
	}
	sim.Unfollow(e.appID, openid)
}

// act records a text message from openid at at, and adds tag to them
// when tag is set (as a tag rule would).
func (e *env) act(openid string, at time.Time, tag string) {
	e.t.Helper()
	id := "m" + randomHex(4)
	ev := store.Event{OpenID: openid, DedupID: id, At: at, Kind: "text", Class: store.ClassMessage, Content: "好"}
	if _, err := e.f.Record(e.ctx, ev, at, store.MarkPending); err != nil {
		e.t.Fatal(err)
	}
	var changes []store.TagChange
	if tag != "" {
		changes = []store.TagChange{{Tag: tag, Rule: tag}}
	}
	if _, err := e.f.Finish(e.ctx, openid, id, "", changes, at); err != nil {
		e.t.Fatal(err)
	}
}

// run starts the sender until the test ends.
func (e *env) run() {
	ctx, cancel := context.WithCancel(e.ctx)
	done := make(chan struct{})
	go func() { e.svc.Run(ctx); close(done) }()
	e.t.Cleanup(func() { cancel(); <-done })
}

// approved creates, previews and approves a text broadcast to segment.
func (e *env) approved(segment string) *Broadcast {
	e.t.Helper()
	b, err := e.svc.New(e.ctx, editor, segment, Content{Type: "text", Text: "hello"})
	if err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.svc.Preview(e.ctx, editor, b.ID); err != nil {
		e.t.Fatal(err)
	}
	b, err = e.svc.Approve(e.ctx, approver, b.ID, "", "")
	if err != nil || b.State != StateApproved {
		e.t.Fatalf("approve: %v %+v", err, b)
	}
	return b
}

// wait polls broadcast id until ok holds.
func (e *env) wait(id int64, what string, ok func(*Broadcast) bool) *Broadcast {
	e.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		b, err := e.svc.Get(e.ctx, id)
		if err == nil && ok(b) {
			return b
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("timed out waiting for %s: %+v (%v)", what, b, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// refusal asserts err is a refusal with code.
func refusal(t *testing.T, err error, code Code) *Refusal {
	t.Helper()
	r, ok := err.(*Refusal)
	if !ok || r.Code != code {
		t.Fatalf("got %v, want refusal %s", err, code)
	}
	return r
}

func storeChange() store.Change { return store.Change{} }

func contextWithCancel(e *env) (context.Context, context.CancelFunc) {
	return context.WithCancel(e.ctx)
}
