package main

import (
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/wxcast/wxcast/bot/broadcast"
	"github.com/wxcast/wxcast/internal/redistest"
	"github.com/wxcast/wxcast/internal/wxsim"
	"github.com/wxcast/wxcast/store"
)

// TestTrackedLinkEndToEnd runs `wxcast sim` and `wxcast serve` as their
// own processes, with links.base_url on the server and the simulator as
// WeChat's authorization page: a follower who received a broadcast taps
// its link in WeChat, passes through the authorization and lands on the
// target, and the click is counted.
func TestTrackedLinkEndToEnd(t *testing.T) {
	t.Parallel()
	simBase := startSimProcess(t)
	target, prefix := redistest.SharedURL(t), redistest.Prefix(t)
	st := redistest.OpenAt(t, target, prefix)
	ctx := context.Background()

	// A broadcast whose batch 0 reached the follower, and its frozen link.
	const (
		who  = "oE2EFollower_000000000000001"
		code = "E2ElinkCode0123456789ab"
		dest = "https://shop.example.com/sale?src=wx"
	)
	records := broadcast.NewRecords(st.Broadcasts(), nil)
	b := &broadcast.Broadcast{Batches: []broadcast.Batch{{Size: 1, State: broadcast.BatchSent}}}
	if err := records.Create(ctx, b); err != nil {
		t.Fatal(err)
	}
	if err := st.Broadcasts().WriteMembers(ctx, b.ID, []string{who}, []string{broadcast.BatchMember(0).Encode()}, time.Hour); err != nil {
		t.Fatal(err)
	}
	if err := st.Links().Freeze(ctx, []string{code}, []store.LinkTarget{{Broadcast: b.ID, URL: dest}}); err != nil {
		t.Fatal(err)
	}
	// The follower once wrote to the account, so wxcast has their profile.
	followers := st.Followers(store.Calendar{Loc: time.UTC}, store.Limits{DedupTTL: time.Hour, HistoryMax: 50, HistoryDays: 30})
	if _, err := followers.Record(ctx, store.Event{OpenID: who, DedupID: "m1", At: time.Now(), Kind: "text",
		Class: store.ClassMessage, Content: "hi"}, time.Now(), store.MarkFinal); err != nil {
		t.Fatal(err)
	}

	addr := freeAddr(t)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), mainProcessEnv+"=serve --config ../../configs/wxcast.example.yaml",
		"WXCAST_LISTEN="+addr, "WXCAST_LOG_LEVEL=warn",
		"WXCAST_REDIS_URL="+target, "WXCAST_REDIS_KEY_PREFIX="+prefix,
		"WXCAST_WECHAT_API_BASE_URL="+simBase, "WXCAST_WECHAT_OAUTH_BASE_URL="+simBase,
		"WXCAST_WECHAT_APP_SECRET="+demoSecret, "WXCAST_LINKS_BASE_URL=http://"+addr)
	lines := startLogged(t, cmd, func(c *exec.Cmd) (io.ReadCloser, error) { return c.StderrPipe() })
	go func() {
		for range lines {
		}
	}()
	waitFor(t, 20*time.Second, "wxcast serve to answer", func() bool {
		res, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			_ = res.Body.Close()
		}
		return err == nil && res.StatusCode == http.StatusOK
	})

	// The follower's WeChat browser: it follows redirects on this machine
	// (wxcast, the simulated authorization page) and stops before the shop.
	browser := &http.Client{CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if req.URL.Hostname() != "127.0.0.1" {
			return http.ErrUseLastResponse
		}
		req.Header.Set("User-Agent", via[0].UserAgent())
		req.Header.Set(wxsim.OAuthOpenIDHeader, who)
		return nil
	}}
	req, _ := http.NewRequest(http.MethodGet, "http://"+addr+"/l/"+code, nil)
	req.Header.Set("User-Agent", "Mozilla/5.0 (Linux; Android 14; Pixel 8) MicroMessenger/8.0.47.2560(0x28002F35) NetType/WIFI")
	req.Header.Set(wxsim.OAuthOpenIDHeader, who)
	res, err := browser.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = res.Body.Close()
	if res.StatusCode != http.StatusFound || res.Header.Get("Location") != dest {
		t.Fatalf("tap ended at %s: %d %q, want a redirect to %q", res.Request.URL, res.StatusCode, res.Header.Get("Location"), dest)
	}
	if hops := res.Request.URL.Path; hops != "/l/auth" {
		t.Fatalf("the last hop was %s, want the authorization's return", hops)
	}
	waitFor(t, 10*time.Second, "the click to be counted", func() bool {
		c, err := st.Links().ClickCounts(ctx, b.ID, 1)
		return err == nil && c.Clickers[0] == 1 && c.Taps[store.TapKey{Kind: store.TapReceiver}] == 1
	})
	// And the click is the follower's behaviour: a link_click on the profile.
	waitFor(t, 10*time.Second, "the link_click on the profile", func() bool {
		p, err := followers.Profile(ctx, who)
		return err == nil && p != nil && p.Counts()["link_click"] == 1
	})
}
