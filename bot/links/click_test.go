package links_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/wxcast/wxcast/bot/links"
	"github.com/wxcast/wxcast/internal/wxsim"
	"github.com/wxcast/wxcast/store"
)

// A receiver's taps inside WeChat pass through the simulator's
// authorization and land on the frozen target; the first counts them as
// a clicker, every tap counts, and each is recorded as behaviour once.
func TestReceiverClickThroughAuthorization(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOpts{})
	for i := range 3 {
		h := w.follow("/l/"+w.code0, wechatUA, follA, nil)
		if h.status != http.StatusFound {
			t.Fatalf("tap %d: %+v", i, h)
		}
		sameURL(t, h.location, targetA)
	}
	w.settle(3)
	c := w.counts()
	if c.Clickers[0] != 1 || c.Clickers[1] != 0 {
		t.Fatalf("clickers = %v, want [1 0]", c.Clickers)
	}
	if got := w.taps(store.TapReceiver, 0); got != 3 {
		t.Fatalf("receiver taps = %d, want 3", got)
	}
	clicks := w.rec.all()
	if len(clicks) != 3 {
		t.Fatalf("recorded %d clicks, want 3", len(clicks))
	}
	seen := map[string]bool{}
	for _, k := range clicks {
		if k.OpenID != follA || k.Broadcast != w.id || k.Version != 0 || k.Link != 0 || k.URL != targetA ||
			k.UserAgent != wechatUA || !strings.HasPrefix(k.DedupID, "l") || seen[k.DedupID] {
			t.Fatalf("click %+v", k)
		}
		seen[k.DedupID] = true
	}
	// Version 1's link, tapped by its receiver, counts for version 1.
	sameURL(t, w.follow("/l/"+w.code1, wechatUA, follB, nil).location, targetB)
	w.settle(4)
	if c := w.counts(); c.Clickers[1] != 1 {
		t.Fatalf("version 1 clickers = %d, want 1", c.Clickers[1])
	}
}

// Someone who did not receive the link's version (not in the audience, a
// receiver of another version, a follower whose batch failed) counts as
// another's tap, and nothing is recorded on a profile.
func TestForwardedLinkCountsAsOther(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOpts{})
	for _, who := range []string{follX, follB, follC} {
		sameURL(t, w.follow("/l/"+w.code0, wechatUA, who, nil).location, targetA)
	}
	w.settle(3)
	if got := w.taps(store.TapOther, 0); got != 3 {
		t.Fatalf("other taps = %d, want 3", got)
	}
	if c := w.counts(); c.Clickers[0] != 0 || len(w.rec.all()) != 0 {
		t.Fatalf("clickers %v, recorded %d: a forwarded link must count no clicker", c.Clickers, len(w.rec.all()))
	}
}

// Outside WeChat the first hop goes straight to the target and counts an
// anonymous tap; the simulator's page is never asked.
func TestOutsideWeChatRedirectsAtOnce(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOpts{})
	h := w.get("/l/"+w.code0, browserUA, "")
	if h.status != http.StatusFound {
		t.Fatalf("%+v", h)
	}
	sameURL(t, h.location, targetA)
	if got := w.taps(store.TapAnonymous, 0); got != 1 {
		t.Fatalf("anonymous taps = %d, want 1", got)
	}
	if n := len(sim.Calls(w.appID)); n != 0 {
		t.Fatalf("the simulator got %d API calls", n)
	}
}

// A follower who refuses authorization comes back without a code: the
// target at once, an anonymous tap.
func TestRefusedAuthorizationIsAnonymous(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOpts{})
	h := w.follow("/l/"+w.code0, wechatUA, follA, http.Header{wxsim.OAuthRefuseHeader: {"1"}})
	sameURL(t, h.location, targetA)
	if got := w.taps(store.TapAnonymous, 0); got != 1 {
		t.Fatalf("anonymous taps = %d, want 1", got)
	}
	if w.svc.Exchanged() != 0 || len(w.rec.all()) != 0 {
		t.Fatal("a refusal must not be exchanged")
	}
}

// WeChat refusing the code (40029 invalid, 40163 used: a reloaded return
// page) makes the tap anonymous; the redirect does not wait for it.
func TestRefusedCodesAreAnonymous(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOpts{})
	back := w.returnURL(w.code0, follA)
	sameURL(t, w.get(back, wechatUA, follA).location, targetA)
	w.settle(1)
	// The same return again (a reload): the code was used.
	sameURL(t, w.get(back, wechatUA, follA).location, targetA)
	w.settle(2)
	// A code WeChat does not know.
	bad := strings.Replace(back, "code=", "code=zz", 1)
	sameURL(t, w.get(bad, wechatUA, follA).location, targetA)
	w.settle(3)
	if got := w.taps(store.TapReceiver, 0); got != 1 {
		t.Fatalf("receiver taps = %d, want 1", got)
	}
	if got := w.taps(store.TapAnonymous, 0); got != 2 {
		t.Fatalf("anonymous taps = %d, want 2 (40163, 40029)", got)
	}
	codes := map[int]int{}
	for _, c := range sim.Calls(w.appID) {
		if c.Path == "/sns/oauth2/access_token" {
			codes[c.ErrCode]++
		}
	}
	if codes[0] != 1 || codes[wxsim.CodeOAuthCodeUsed] != 1 || codes[wxsim.CodeInvalidOAuthCode] != 1 {
		t.Fatalf("exchanges by errcode = %v", codes)
	}
}

// Many taps of one follower at once count one clicker and every tap.
func TestConcurrentTapsCountOneClicker(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOpts{})
	const n = 24
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			if h := w.follow("/l/"+w.code0, wechatUA, follA, nil); h.location != targetA {
				t.Errorf("redirected to %q", h.location)
			}
		})
	}
	wg.Wait()
	w.settle(n)
	if c := w.counts(); c.Clickers[0] != 1 {
		t.Fatalf("clickers = %d, want 1", c.Clickers[0])
	}
	if got := w.taps(store.TapReceiver, 0); got != n {
		t.Fatalf("receiver taps = %d, want %d", got, n)
	}
}

// Without an AppSecret there is no exchange: inside WeChat too, the link
// goes straight to its target and counts an anonymous tap.
func TestNoSecretNoAuthorization(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOpts{})
	svc := links.New(links.Config{BaseURL: w.srv.URL, OAuthBaseURL: simURL, AppID: w.appID, StateKey: []byte("k")},
		links.Deps{Targets: w.st.Links(), Clicks: w.st.Links(), Receipts: nil})
	to, err := svc.Open(context.Background(), w.code0, wechatUA)
	if err != nil || to != targetA {
		t.Fatalf("Open = %q, %v; want the target", to, err)
	}
	if got := w.taps(store.TapAnonymous, 0); got != 1 {
		t.Fatalf("anonymous taps = %d, want 1", got)
	}
}
