package main

import (
	"context"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/wxcast/wxcast/internal/wxsim"
)

// walkRules drive the two walks of docs/architecture.md: a text that a
// tag rule and a reply rule act on, and a segment of menu clickers.
const walkRules = `
tags:
  - name: asked_price
    on: [text]
    when: event.content contains "价格"
  - name: clicked_promo
    on: [click]
    when: event.key == "MENU_PROMO"
segments:
  - name: promo_clickers
    rule: '"clicked_promo" in user.tags'
replies:
  - name: price
    when: event.type == "text" && event.content contains "价格"
    text: 价目表见菜单
`

// TestWalks runs the two walks of docs/architecture.md on the real server
// and the simulated WeChat: one follower callback answered by a reply
// rule, and one broadcast from 新建 to the notice that follows WeChat's
// job reports.
//
// WXCAST_WALK=none|callback stops it after the set-up or after the first
// walk; the document's "Measuring a walk" compares coverage profiles of
// such runs to count the files each walk touches.
func TestWalks(t *testing.T) {
	stop := os.Getenv("WXCAST_WALK")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	fans := []string{"oFan00", "oFan01", "oFan02"}
	s := startChatServer(t, ctx, walkRules, fans, "WXCAST_BROADCAST_BATCH_SIZE=4",
		"WXCAST_BROADCAST_QUIET_HOURS=", "WXCAST_SYNC_MIRROR_EVERY=1m")
	sim, appID, ch := s.sim, s.appID, s.ch
	for _, id := range fans {
		if _, err := s.c.Send(ctx, wxsim.Click(id, "MENU_PROMO")); err != nil {
			t.Fatal(err)
		}
	}
	// Each path once before the walks, so that they measure the walk and
	// not what is set up on first use.
	ch.say(ctx, "oFan01", "价格")
	ch.say(ctx, "oEditor", "帮助")
	sim.Interact(appID, "oEditor", "message", time.Now())
	if stop == "none" {
		return
	}

	if r := ch.say(ctx, "oFan00", "价格多少"); r != "价目表见菜单" {
		t.Fatalf("walk 1: reply %q", r)
	}
	if stop == "callback" {
		return
	}

	r := ch.say(ctx, "oEditor", "新建 promo_clickers 文本 双十一")
	m := regexp.MustCompile(`#(\d+)`).FindStringSubmatch(r)
	if m == nil {
		t.Fatalf("walk 2: 新建 replied %q", r)
	}
	ch.say(ctx, "oEditor", "预览 "+m[1])
	waitFor(t, 10*time.Second, "the preview", func() bool { return len(sim.Previews(appID)) == 1 })
	if r := ch.say(ctx, "oApprover", "批准 "+m[1]); !strings.Contains(r, "1/1") {
		t.Fatalf("walk 2: 批准 replied %q", r)
	}
	if r := ch.say(ctx, "oEditor", "发送 "+m[1]); r == "" {
		t.Fatal("walk 2: 发送 got no reply")
	}
	waitFor(t, 20*time.Second, "the finish notice after the job reports", func() bool {
		for _, n := range sim.CustomMessages(appID) {
			if n.To == "oEditor" && strings.Contains(n.Content, "发送完成") && strings.Contains(n.Content, "微信送达 3") {
				return true
			}
		}
		return false
	})
}
