package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wxcast/wxcast/bot/segment"
	"github.com/wxcast/wxcast/internal/redistest"
	"github.com/wxcast/wxcast/internal/wxsim"
	"github.com/wxcast/wxcast/rules"
	"github.com/wxcast/wxcast/store"
)

const e2eRules = `
tags:
  - name: clicked_promo
    on: [click]
    when: event.key == "MENU_PROMO"
    ttl: 7d
segments:
  - name: promo_clickers
    rule: '"clicked_promo" in user.tags'
replies:
  - name: price
    when: event.type == "text" && event.content contains "价格"
    text: 价格请看菜单
`

// TestClicksTagFollowersAndSegmentsFollow drives the real server through
// the simulator: menu clicks tag followers, retries change nothing, the
// segment count follows, a reply rule answers, and an edited rules file is
// picked up without a restart.
func TestClicksTagFollowersAndSegmentsFollow(t *testing.T) {
	url, prefix := redistest.SharedURL(t), redistest.Prefix(t)
	rulesFile := filepath.Join(t.TempDir(), "rules.yaml")
	if err := os.WriteFile(rulesFile, []byte(e2eRules), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addr, done := startServe(t, ctx, []string{"WXCAST_REDIS_URL=" + url, "WXCAST_REDIS_KEY_PREFIX=" + prefix,
		"WXCAST_RULES_FILE=" + rulesFile})
	t.Cleanup(func() { cancel(); <-done })
	st := redistest.OpenAt(t, url, prefix)
	cal := store.Calendar{Loc: time.FixedZone("CST", 8*3600)}
	f := st.Followers(cal, store.Limits{})

	c, err := wxsim.NewClient(wxsim.ClientConfig{URL: "http://" + addr + "/wechat", Token: tToken,
		EncodingAESKey: tAESKey, AppID: tAppID, OriginalID: "gh_cmd", Mode: wxsim.ModeSafe})
	if err != nil {
		t.Fatal(err)
	}
	send := func(m wxsim.Message) *wxsim.Response {
		t.Helper()
		res, err := c.Send(ctx, m)
		if err != nil || res.Status != 200 {
			t.Fatalf("callback: %v %+v", err, res)
		}
		return res
	}
	now := time.Now().Unix()
	for i := range 5 {
		id := fmt.Sprintf("oE2E%02d", i)
		sub := wxsim.Subscribe(id, "")
		sub.CreateTime = now - 60
		send(sub)
		if i < 3 {
			click := wxsim.Click(id, "MENU_PROMO")
			click.CreateTime = now
			for range 3 { // WeChat's retries
				send(click)
			}
		}
	}
	count := func(rs *rules.Ruleset, name string) int {
		seg, ok := rs.Segment(name)
		if !ok {
			t.Fatalf("no segment %s", name)
		}
		tally, err := segment.Select(rs, seg, cal, time.Now()).Count(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		return tally.Matched
	}
	rs, err := rules.Load(rulesFile, rules.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if n := count(rs, "promo_clickers"); n != 3 {
		t.Fatalf("promo_clickers = %d, want 3", n)
	}
	h, _ := f.History(ctx, "oE2E00")
	added := 0
	for _, e := range h {
		if e.Kind == store.KindTagAdded && e.Key == "clicked_promo" {
			added++
		}
	}
	if added != 1 {
		t.Fatalf("three deliveries of one click recorded %d tag additions, want 1", added)
	}
	if p, _ := f.Profile(ctx, "oE2E00"); p.Counts()["click"] != 1 {
		t.Fatalf("three deliveries of one click were counted %d times, want 1", p.Counts()["click"])
	}

	// A reply rule answers, encrypted.
	q := wxsim.Text("oE2E04", "请问价格", 99)
	if res := send(q); !res.Encrypted || !containsContent(res.Plain, "价格请看菜单") {
		t.Fatalf("reply %q", res.Plain)
	}

	// Edit the rules: the watcher reloads them; /readyz shows the version.
	edited := strings.Replace(e2eRules, "segments:\n", "segments:\n  - name: everyone\n    rule: user.subscribed\n", 1)
	if err := os.WriteFile(rulesFile, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	rs2, err := rules.Parse(rulesFile, []byte(edited), rules.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(5 * time.Second); readyRules(t, addr) != rs2.Version; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("readyz shows rules %q, want %q", readyRules(t, addr), rs2.Version)
		}
	}
	if n := count(rs2, "everyone"); n != 5 {
		t.Fatalf("everyone = %d, want 5", n)
	}
}

func readyRules(t *testing.T, addr string) string {
	t.Helper()
	r, err := http.Get("http://" + addr + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	var body map[string]string
	_ = json.NewDecoder(r.Body).Decode(&body)
	return body["rules"]
}

func containsContent(plain []byte, s string) bool {
	return strings.Contains(string(plain), s)
}
