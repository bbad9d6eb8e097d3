package links_test

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap/zaptest"

	"github.com/wxcast/wxcast/bot/broadcast"
	"github.com/wxcast/wxcast/bot/links"
	"github.com/wxcast/wxcast/bot/wxapi"
	"github.com/wxcast/wxcast/handlers"
	"github.com/wxcast/wxcast/internal/redistest"
	"github.com/wxcast/wxcast/internal/simtest"
	"github.com/wxcast/wxcast/internal/wxsim"
	"github.com/wxcast/wxcast/store"
)

var (
	sim    *wxsim.Server
	simURL string
)

func TestMain(m *testing.M) { os.Exit(simtest.RunURL(m, wxapi.RouteSDK, &sim, &simURL)) }

// Followers of the test broadcast: A received version 0 (batch 0), B
// version 1 (batch 1), C was in batch 2, which failed; X is not in its
// audience (a forwarded link).
const (
	follA = "oFollowerA_000000000000000001"
	follB = "oFollowerB_000000000000000002"
	follC = "oFollowerC_000000000000000003"
	follX = "oStranger_0000000000000000004"

	wechatUA  = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 MicroMessenger/8.0.47(0x18002f2c) NetType/WIFI Language/zh_CN"
	browserUA = "Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0"
	targetA   = "https://shop.example.com/a?x=1&y=%E4%B8%AD"
	targetB   = "https://shop.example.com/b"
)

// world is one wxcast (the link service behind its HTTP surface), on its
// own Redis prefix and its own app in the simulator.
type world struct {
	t        testing.TB
	handler  http.Handler
	st       *store.Store
	svc      *links.Service
	srv      *httptest.Server
	id       int64
	code0    string // version 0's link
	code1    string // version 1's link
	rec      *fakeRecorder
	appID    string
	clock    *clock
	exchange links.Exchanger
}

type clock struct{ ns atomic.Int64 }

func (c *clock) now() time.Time          { return time.Unix(0, c.ns.Load()) }
func (c *clock) advance(d time.Duration) { c.ns.Add(int64(d)) }

type fakeRecorder struct {
	mu     sync.Mutex
	clicks []links.Click
}

func (f *fakeRecorder) RecordClick(_ context.Context, c links.Click) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.clicks = append(f.clicks, c)
	return nil
}

func (f *fakeRecorder) all() []links.Click {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]links.Click(nil), f.clicks...)
}

type worldOpts struct {
	queue, workers int
	exchanger      func(wx *wxapi.Client) links.Exchanger
	verifyFile     handlers.VerifyFile
}

func newWorld(t testing.TB, o worldOpts) *world {
	t.Helper()
	ctx := context.Background()
	var b [6]byte
	_, _ = rand.Read(b[:])
	appID, secret := "wxl"+hex.EncodeToString(b[:]), "secret"+hex.EncodeToString(b[:])
	sim.AddApp(appID, secret)
	sim.SetOAuthDomain(appID, "127.0.0.1")
	st := redistest.Open(t)
	log := zaptest.NewLogger(t)
	w := &world{t: t, st: st, rec: &fakeRecorder{}, appID: appID, clock: &clock{}}
	w.clock.ns.Store(time.Now().UnixNano())

	records := broadcast.NewRecords(st.Broadcasts(), nil)
	bc := &broadcast.Broadcast{Batches: []broadcast.Batch{
		{Size: 1, State: broadcast.BatchSent, Variant: 0},
		{Size: 1, State: broadcast.BatchSent, Variant: 1},
		{Size: 1, State: broadcast.BatchFailed, Variant: 0},
	}}
	if err := records.Create(ctx, bc); err != nil {
		t.Fatal(err)
	}
	w.id = bc.ID
	if err := st.Broadcasts().WriteMembers(ctx, w.id, []string{follA, follB, follC},
		[]string{broadcast.BatchMember(0).Encode(), broadcast.BatchMember(1).Encode(), broadcast.BatchMember(2).Encode()}, time.Hour); err != nil {
		t.Fatal(err)
	}
	w.code0, w.code1 = "C0"+hex.EncodeToString(b[:])+"abcdefgh", "C1"+hex.EncodeToString(b[:])+"abcdefgh"
	if err := st.Links().Freeze(ctx, []string{w.code0, w.code1}, []store.LinkTarget{
		{Broadcast: w.id, Version: 0, Link: 0, URL: targetA}, {Broadcast: w.id, Version: 1, Link: 0, URL: targetB},
	}); err != nil {
		t.Fatal(err)
	}

	tokens := wxapi.NewTokens(st.Tokens(appID), wxapi.StableFetcher(appID, secret), nil, log)
	wx := wxapi.New(wxapi.Config{AppID: appID, AppSecret: secret}, tokens, st.SDKCache())
	w.exchange = wx
	if o.exchanger != nil {
		w.exchange = o.exchanger(wx)
	}
	var h http.Handler
	w.srv = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) { h.ServeHTTP(rw, r) }))
	t.Cleanup(w.srv.Close)
	w.svc = links.New(links.Config{
		BaseURL: w.srv.URL, OAuthBaseURL: simURL, AppID: appID, StateKey: links.StateKey(secret, "token"),
		Workers: cmp.Or(o.workers, 4), Queue: cmp.Or(o.queue, 100), Now: w.clock.now,
	}, links.Deps{
		Targets: st.Links(), Clicks: st.Links(), Receipts: links.NewReceipts(st.Broadcasts(), records, nil),
		Exchanger: w.exchange, Recorder: w.rec, Log: log,
	})
	bg, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	w.svc.Start(bg, &wg)
	t.Cleanup(func() { stop(); wg.Wait() })
	hs, err := handlers.NewServer(handlers.Config{AppID: appID, Token: "token", Links: w.svc, VerifyFile: o.verifyFile},
		nil, nil, prometheus.NewRegistry(), log)
	if err != nil {
		t.Fatal(err)
	}
	h = hs.Handler()
	w.handler = h
	return w
}

// hop is one answer a follower's browser got.
type hop struct {
	status   int
	location string
}

// follow opens path on wxcast as who with the User-Agent ua and follows
// redirects while they stay on this machine (wxcast, the simulator); it
// returns the last answer, whose Location is where the browser would go
// next. Extra headers go on every request.
func (w *world) follow(path, ua, who string, extra http.Header) hop {
	w.t.Helper()
	c := &http.Client{CheckRedirect: func(req *http.Request, _ []*http.Request) error {
		if req.URL.Hostname() != "127.0.0.1" {
			return http.ErrUseLastResponse
		}
		setHeaders(req, ua, who, extra)
		return nil
	}}
	req, err := http.NewRequest(http.MethodGet, w.srv.URL+path, nil)
	if err != nil {
		w.t.Fatal(err)
	}
	setHeaders(req, ua, who, extra)
	resp, err := c.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	_ = resp.Body.Close()
	return hop{resp.StatusCode, resp.Header.Get("Location")}
}

// get is one request, no redirect followed.
func (w *world) get(rawURL, ua, who string) hop {
	w.t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if strings.HasPrefix(rawURL, "/") {
		rawURL = w.srv.URL + rawURL
	}
	req, err := http.NewRequest(http.MethodGet, rawURL, nil)
	if err != nil {
		w.t.Fatal(err)
	}
	setHeaders(req, ua, who, nil)
	resp, err := c.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	_ = resp.Body.Close()
	return hop{resp.StatusCode, resp.Header.Get("Location")}
}

func setHeaders(req *http.Request, ua, who string, extra http.Header) {
	req.Header.Set("User-Agent", ua)
	if who != "" {
		req.Header.Set(wxsim.OAuthOpenIDHeader, who)
	}
	for k, v := range extra {
		req.Header[k] = v
	}
}

// returnURL runs the first hop and the simulator's page for who and
// returns the authorization's return URL (wxcast's /l/auth?code&state),
// not yet opened.
func (w *world) returnURL(code, who string) string {
	w.t.Helper()
	h := w.get("/l/"+code, wechatUA, who)
	if h.status != http.StatusFound || !strings.HasPrefix(h.location, simURL+"/connect/oauth2/authorize?") {
		w.t.Fatalf("first hop: %+v", h)
	}
	back := w.get(h.location, wechatUA, who)
	if back.status != http.StatusFound || !strings.HasPrefix(back.location, w.srv.URL+links.ReturnPath+"?") {
		w.t.Fatalf("authorization page: %+v", back)
	}
	return back.location
}

// settle waits until the background exchange has dealt with n codes.
func (w *world) settle(n int64) {
	w.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for w.svc.Exchanged() < n {
		if time.Now().After(deadline) {
			w.t.Fatalf("exchange: %d of %d codes done", w.svc.Exchanged(), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// counts reads the broadcast's click counts.
func (w *world) counts() store.ClickCounts {
	w.t.Helper()
	c, err := w.st.Links().ClickCounts(context.Background(), w.id, 2)
	if err != nil {
		w.t.Fatal(err)
	}
	return c
}

func (w *world) taps(kind string, version int) int64 {
	return w.counts().Taps[store.TapKey{Kind: kind, Version: version, Link: 0}]
}

// sameURL fails unless got is exactly the frozen target want.
func sameURL(t *testing.T, got, want string) {
	t.Helper()
	if got != want {
		t.Fatalf("redirected to %q, want the frozen target %q", got, want)
	}
	if _, err := url.Parse(got); err != nil {
		t.Fatal(err)
	}
}
