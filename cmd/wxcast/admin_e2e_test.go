package main

import (
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wxcast/wxcast/internal/redistest"
	"github.com/wxcast/wxcast/internal/wxsim"
)

const adminRules = `
tags:
  - name: clicked_promo
    on: [click]
    when: event.key == "MENU_PROMO"
segments:
  - name: promo_clickers
    rule: '"clicked_promo" in user.tags'
`

// chat is one person talking to the account through the simulator.
type chat struct {
	t     *testing.T
	c     *wxsim.Client
	msgID int64
}

// say sends text as openid and returns the passive reply's content.
func (ch *chat) say(ctx context.Context, openid, text string) string {
	ch.t.Helper()
	ch.msgID++
	res, err := ch.c.Send(ctx, wxsim.Text(openid, text, ch.msgID))
	if err != nil || res.Status != 200 {
		ch.t.Fatalf("%s says %q: %v %+v", openid, text, err, res)
	}
	var r struct{ Content string }
	_ = xml.Unmarshal(res.Plain, &r)
	return r.Content
}

// TestBroadcastEndToEnd drives the real server and the simulated WeChat:
// followers click a menu, which tags them; an editor creates a broadcast
// to the segment of clickers and previews it; an approver approves; the
// editor sends; the simulator receives exactly the clickers, once; job
// reports come back and the creator is told.
func TestBroadcastEndToEnd(t *testing.T) {
	sim, simURL := sharedSim()
	appID := newApp(t)

	url, prefix := redistest.SharedURL(t), redistest.Prefix(t)
	rulesFile := filepath.Join(t.TempDir(), "rules.yaml")
	if err := os.WriteFile(rulesFile, []byte(adminRules), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addr, done := startServe(t, ctx, []string{"WXCAST_REDIS_URL=" + url, "WXCAST_REDIS_KEY_PREFIX=" + prefix,
		"WXCAST_RULES_FILE=" + rulesFile, "WXCAST_WECHAT_APP_ID=" + appID, "WXCAST_WECHAT_APP_SECRET=" + tSecret, "WXCAST_WECHAT_API_BASE_URL=" + simURL,
		"WXCAST_BROADCAST_BATCH_INTERVAL=0s", "WXCAST_BROADCAST_BATCH_SIZE=4",
		"WXCAST_BROADCAST_QUIET_HOURS=", // the test runs at any hour
		`WXCAST_ADMINS=[{"openid":"oEditor","name":"小李","roles":["editor"]},{"openid":"oApprover","name":"老王","roles":["approver"]},{"openid":"oOwner","name":"老板","roles":["owner"]}]`})
	t.Cleanup(func() { cancel(); <-done })
	st := redistest.OpenAt(t, url, prefix)

	c, err := wxsim.NewClient(wxsim.ClientConfig{URL: "http://" + addr + "/wechat", Token: tToken,
		EncodingAESKey: tAESKey, AppID: appID, OriginalID: "gh_cmd", Mode: wxsim.ModeSafe, Platform: sim})
	if err != nil {
		t.Fatal(err)
	}
	sim.SetPush(appID, c, 50*time.Millisecond)
	ch := &chat{t: t, c: c}

	// Nine followers; six click the promo menu; one of those unsubscribes
	// after the preview, so five must receive the broadcast.
	var clickers []string
	for i := range 9 {
		id := fmt.Sprintf("oFan%02d", i)
		if _, err := c.Send(ctx, wxsim.Subscribe(id, "")); err != nil {
			t.Fatal(err)
		}
		if i%3 != 2 {
			if _, err := c.Send(ctx, wxsim.Click(id, "MENU_PROMO")); err != nil {
				t.Fatal(err)
			}
			clickers = append(clickers, id)
		}
	}

	// A follower who types a command is just a follower.
	if r := ch.say(ctx, "oFan00", "帮助"); r != "" {
		t.Fatalf("a follower got a command reply %q", r)
	}
	if r := ch.say(ctx, "oEditor", "人数 promo_clickers"); !strings.Contains(r, "6") {
		t.Fatalf("count reply %q, want 6", r)
	}
	r := ch.say(ctx, "oEditor", "新建 promo_clickers 文本 双十一限时优惠\n今晚八点开始")
	m := regexp.MustCompile(`#(\d+)`).FindStringSubmatch(r)
	if m == nil {
		t.Fatalf("new: reply %q has no id", r)
	}
	id := m[1]
	// The approver cannot approve before a preview froze a plan.
	if r := ch.say(ctx, "oApprover", "批准 "+id); !strings.Contains(r, "预览") {
		t.Fatalf("approve before preview: %q", r)
	}
	r = ch.say(ctx, "oEditor", "预览 "+id)
	plan := regexp.MustCompile(`计划 ([0-9a-f]{8})`).FindStringSubmatch(r)
	if !strings.Contains(r, "受众 6 人") || plan == nil {
		t.Fatalf("preview reply %q, want the audience of 6 and the plan", r)
	}
	if p := sim.Previews(appID); len(p) != 1 || p[0].To != "oEditor" {
		t.Fatalf("previews %+v, want one to the editor", p)
	}
	// The editor may not approve (no role), nor send before approval.
	if r := ch.say(ctx, "oEditor", "批准 "+id); !strings.Contains(r, "权限") {
		t.Fatalf("editor approves: %q", r)
	}
	if r := ch.say(ctx, "oEditor", "发送 "+id); !strings.Contains(r, "批准") {
		t.Fatalf("send before approval: %q", r)
	}
	// The approver looks at it on their phone first; the plan stays.
	if r := ch.say(ctx, "oApprover", "预览 "+id); !strings.Contains(r, "仅查看") || !strings.Contains(r, plan[1]) {
		t.Fatalf("approver's preview: %q", r)
	}
	if p := sim.Previews(appID); len(p) != 2 || p[1].To != "oApprover" {
		t.Fatalf("previews %+v, want the approver's second", p)
	}
	if r := ch.say(ctx, "oApprover", "批准 "+id+" "+plan[1]); !strings.Contains(r, "1/1") {
		t.Fatalf("approve: %q", r)
	}
	if _, err := c.Send(ctx, wxsim.Unsubscribe(clickers[5])); err != nil {
		t.Fatal(err)
	}
	sim.Unfollow(appID, clickers[5])
	// WeChat delivers the send command three times (retries): one send.
	ch.msgID++
	sendCmd := wxsim.Text("oEditor", "发送 "+id, ch.msgID)
	for range 3 {
		if _, err := c.Send(ctx, sendCmd); err != nil {
			t.Fatal(err)
		}
	}

	want := clickers[:5]
	waitFor(t, 20*time.Second, "the broadcast to be delivered and reported", func() bool {
		return strings.Contains(ch.say(ctx, "oEditor", "状态 "+id), "已发送") && len(sim.CustomMessages(appID)) > 0
	})
	got := sim.Deliveries(appID)
	var who []string
	for o, n := range got {
		if n != 1 {
			t.Errorf("%s received %d times", o, n)
		}
		who = append(who, o)
	}
	slices.Sort(who)
	if !slices.Equal(who, want) {
		t.Fatalf("delivered to %v, want %v", who, want)
	}
	// Five recipients in batches of at most four, never one: 3 + 2.
	var sizes []int
	for _, j := range sim.Jobs(appID) {
		sizes = append(sizes, len(j.ToUser))
	}
	slices.Sort(sizes)
	if !slices.Equal(sizes, []int{2, 3}) {
		t.Fatalf("batch sizes %v, want [2 3]", sizes)
	}
	metrics := httpGet(t, "http://"+addr+"/metrics")
	for _, want := range []string{`wxcast_broadcast_batch_calls_total{outcome="sent"} 2`, "wxcast_broadcast_recipients_total 5",
		`wxcast_admin_notices_total{via="custom"}`} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	cm := sim.CustomMessages(appID)
	if cm[0].To != "oEditor" || !strings.Contains(cm[0].Content, "完成") {
		t.Fatalf("finish notice %+v", cm[0])
	}
	// Text cannot be retracted; the owner-only audit is refused to the editor.
	if r := ch.say(ctx, "oEditor", "撤回 "+id); !strings.Contains(r, "权限") {
		t.Fatalf("editor retracts: %q", r)
	}
	if r := ch.say(ctx, "oEditor", "列表"); !strings.Contains(r, "#"+id) {
		t.Fatalf("list: %q", r)
	}
	entries, err := st.Broadcasts().Audit(ctx, 50)
	if err != nil || len(entries) < 8 {
		t.Fatalf("audit has %d entries (%v)", len(entries), err)
	}

	// A rules file with an error is refused; the owner hears about it.
	if r := ch.say(ctx, "oOwner", "帮助"); !strings.Contains(r, "审计") {
		t.Fatalf("owner's help: %q", r)
	}
	if err := os.WriteFile(rulesFile, []byte(adminRules+"  - name: broken\n    rule: user.nosuchfield\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 15*time.Second, "the owner's rules alert", func() bool {
		for _, m := range sim.CustomMessages(appID) {
			if m.To == "oOwner" && strings.Contains(m.Content, "规则文件") && strings.Contains(m.Content, "nosuchfield") {
				return true
			}
		}
		return false
	})
}

func waitFor(t *testing.T, d time.Duration, what string, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(d); !ok(); time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

func httpGet(t *testing.T, url string) string {
	t.Helper()
	r, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	b, err := io.ReadAll(r.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
