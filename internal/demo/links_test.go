package demo

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap/zaptest"

	"github.com/wxcast/wxcast/bot/broadcast"
	"github.com/wxcast/wxcast/bot/links"
	"github.com/wxcast/wxcast/bot/wxapi"
	"github.com/wxcast/wxcast/handlers"
	"github.com/wxcast/wxcast/internal/redistest"
	"github.com/wxcast/wxcast/store"
)

type clickLog struct {
	mu     sync.Mutex
	clicks []links.Click
}

func (c *clickLog) RecordClick(_ context.Context, k links.Click) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.clicks = append(c.clicks, k)
	return nil
}

func (c *clickLog) all() []links.Click {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]links.Click(nil), c.clicks...)
}

// A simulated follower's tap goes through wxcast's real link and
// authorization routes and the simulator's authorization page, stops
// before the target (beyond this machine), and wxcast learns who tapped,
// on which phone.
func TestTapGoesThroughAuthorization(t *testing.T) {
	ctx := context.Background()
	var b [6]byte
	_, _ = rand.Read(b[:])
	appID, secret := "wxd"+hex.EncodeToString(b[:]), "s"+hex.EncodeToString(b[:])
	sim.AddApp(appID, secret)
	sim.SetOAuthDomain(appID, "127.0.0.1")
	st := redistest.Open(t)
	log := zaptest.NewLogger(t)

	// A broadcast whose batch 0 reached the follower.
	const who = "oDemoTapper00000000000000001"
	records := broadcast.NewRecords(st.Broadcasts(), nil)
	bc := &broadcast.Broadcast{Batches: []broadcast.Batch{{Size: 2, State: broadcast.BatchSent}}, Arms: []int{2, 0}}
	if err := records.Create(ctx, bc); err != nil {
		t.Fatal(err)
	}
	if err := st.Broadcasts().WriteMembers(ctx, bc.ID, []string{who}, []string{broadcast.BatchMember(0).Encode()}, time.Hour); err != nil {
		t.Fatal(err)
	}
	code := "D" + hex.EncodeToString(b[:]) + "tapcode0"
	const target = "https://shop.example.com/sale?from=wx"
	if err := st.Links().Freeze(ctx, []string{code}, []store.LinkTarget{{Broadcast: bc.ID, URL: target}}); err != nil {
		t.Fatal(err)
	}

	// wxcast's link service behind its HTTP routes.
	var h http.Handler
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	defer srv.Close()
	tokens := wxapi.NewTokens(st.Tokens(appID), wxapi.StableFetcher(appID, secret), nil, log)
	wx := wxapi.New(wxapi.Config{AppID: appID, AppSecret: secret}, tokens, st.SDKCache())
	rec := &clickLog{}
	svc := links.New(links.Config{BaseURL: srv.URL, OAuthBaseURL: simURL, AppID: appID, StateKey: links.StateKey(secret, "token"),
		Workers: 2, Queue: 10}, links.Deps{Targets: st.Links(), Clicks: st.Links(),
		Receipts: links.NewReceipts(st.Broadcasts(), records, nil), Exchanger: wx, Recorder: rec, Log: log})
	bg, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	svc.Start(bg, &wg)
	defer func() { stop(); wg.Wait() }()
	hs, err := handlers.NewServer(handlers.Config{AppID: appID, Token: "token", Links: svc}, nil, nil, prometheus.NewRegistry(), log)
	if err != nil {
		t.Fatal(err)
	}
	h = hs.Handler()

	l := newLinkOpener(srv.URL, simURL)
	text := "周末特惠 " + srv.URL + "/l/" + code + " 满199减30，详见 " + srv.URL + "/l/" + code
	found := l.linksIn(text)
	if len(found) != 1 || found[0] != srv.URL+"/l/"+code {
		t.Fatalf("links in %q: %v", text, found)
	}
	ua := wechatAgents()[2] // an Android phone
	got, err := l.open(ctx, found[0], who, ua)
	if err != nil || got != target {
		t.Fatalf("tap: %q %v, want the target %q", got, err, target)
	}
	deadline := time.Now().Add(10 * time.Second)
	for len(rec.all()) == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	clicks := rec.all()
	if len(clicks) != 1 || clicks[0].OpenID != who || clicks[0].Broadcast != bc.ID || clicks[0].UserAgent != ua {
		t.Fatalf("wxcast recorded %+v, want one click of %s on #%d with the Android UA", clicks, who, bc.ID)
	}
	counts, err := st.Links().ClickCounts(ctx, bc.ID, 1)
	if err != nil || counts.Clickers[0] != 1 {
		t.Fatalf("clickers %+v %v, want 1", counts, err)
	}
	// The simulator's other pages and wxcast's other paths are targets,
	// never requested.
	for _, u := range []string{simURL + "/cgi-bin/token", srv.URL + "/api/followers/x/attributes", srv.URL + "/"} {
		if l.ours(u) {
			t.Errorf("%s counts as a hop of a tap", u)
		}
	}
	// A link of another origin is not one of ours: never requested.
	if l.ours("https://shop.example.com/l/" + code) {
		t.Error("a link of another host counts as wxcast's")
	}
	if got, err := l.open(ctx, "https://shop.example.com/l/"+code, who, ua); err != nil || !strings.HasPrefix(got, "https://shop.example.com/") {
		t.Errorf("a foreign link: %q %v, want it returned unrequested", got, err)
	}
}

// The crowd taps a share of the receivers, at exponential delays, in
// time order, and buys after a share of the taps.
func TestTapperPlansInTimeOrder(t *testing.T) {
	tp := newTapper(1, 20*time.Millisecond)
	people := newCrowd(400, 3)
	now := time.Now()
	n := tp.received(people, []string{"http://127.0.0.1:1/l/abc", "http://127.0.0.1:1/l/def"}, now)
	if n < 80 || n > 160 {
		t.Fatalf("%d of 400 receivers plan a tap, want about 30%%", n)
	}
	if tp.received(people, nil, now) != 0 {
		t.Fatal("a broadcast without tracked links planned taps")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var last time.Time
	taps, buys := 0, 0
	tapped := map[*person]bool{}
	for {
		short, cancelShort := context.WithTimeout(ctx, 300*time.Millisecond)
		x, ok := tp.next(short)
		cancelShort()
		if !ok {
			break
		}
		if x.at.Before(last) {
			t.Fatalf("%+v came after %v", x, last)
		}
		last = x.at
		if x.link == "" {
			if !tapped[x.p] {
				t.Fatalf("%s buys without a tap", x.p.label)
			}
			buys++
			continue
		}
		if x.at.After(now.Add(7*20*time.Millisecond)) || !strings.Contains(x.ua, "MicroMessenger") {
			t.Fatalf("tap %+v", x)
		}
		taps++
		tapped[x.p] = true
		tp.later(x.p, x.at)
	}
	if taps != n {
		t.Fatalf("%d taps came of %d planned", taps, n)
	}
	if buys < n/5 || buys > n/2 {
		t.Fatalf("%d purchases after %d taps, want about 35%%", buys, n)
	}
}
