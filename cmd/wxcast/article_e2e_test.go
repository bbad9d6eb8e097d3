package main

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/wxcast/wxcast/internal/wxsim"
)

// TestArticleBroadcastEndToEnd drives the server as editors use it on
// today's WeChat: the article is written in the draft box, the editor
// lists the drafts from chat and creates the broadcast from one, the
// preview shows the article and its body is checked, an approver
// approves, and every batch goes out with the approved words, although
// this WeChat takes a draft's id only once.
func TestArticleBroadcastEndToEnd(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var fans []string
	for i := range 7 {
		fans = append(fans, fmt.Sprintf("oFan%02d", i))
	}
	srv := startChatServer(t, ctx, safetyRules, fans, "WXCAST_BROADCAST_BATCH_SIZE=3", "WXCAST_BROADCAST_QUIET_HOURS=")
	sim, appID, ch := srv.sim, srv.appID, srv.ch
	sim.SetDraftMode(appID, wxsim.DraftIDsOnce)
	draft := sim.AddDraft(appID, wxsim.DraftArticle{Title: "城南新店本周六开业", Author: "门店运营部",
		Digest: "开业当天全场八折", Content: "<p>城南新店将于本周六开业，<b>欢迎</b>到店。</p>"})

	if r := ch.say(ctx, "oEditor", "新建 everyone 草稿"); !strings.Contains(r, draft) || !strings.Contains(r, "城南新店本周六开业") {
		t.Fatalf("draft list %q, want the draft's title and id", r)
	}
	r := ch.say(ctx, "oEditor", "新建 everyone 图文 "+draft)
	m := regexp.MustCompile(`#(\d+)`).FindStringSubmatch(r)
	if m == nil {
		t.Fatalf("new: %q", r)
	}
	id := m[1]
	r = ch.say(ctx, "oEditor", "预览 "+id)
	plan := regexp.MustCompile(`计划 ([0-9a-f]{8})`).FindStringSubmatch(r)
	if plan == nil || !strings.Contains(r, "《城南新店本周六开业》 作者：门店运营部") || !strings.Contains(r, "摘要：开业当天全场八折") {
		t.Fatalf("preview reply %q, want the plan and the article", r)
	}
	if p := sim.Previews(appID); len(p) != 1 || p[0].MediaID != draft || len(p[0].Articles) != 1 {
		t.Fatalf("previews %+v, want the draft on the editor's phone", p)
	}
	if r := ch.say(ctx, "oApprover", "批准 "+id+" "+plan[1]); !strings.Contains(r, "1/1") {
		t.Fatalf("approve: %q", r)
	}
	ch.say(ctx, "oEditor", "发送 "+id)
	waitFor(t, 30*time.Second, "the article to be delivered", func() bool {
		return strings.Contains(ch.say(ctx, "oEditor", "状态 "+id), "已发送")
	})
	for o, n := range sim.Deliveries(appID) {
		if n != 1 {
			t.Errorf("%s received %d times", o, n)
		}
	}
	if n := len(sim.Deliveries(appID)); n != 7 {
		t.Fatalf("%d followers reached, want 7", n)
	}
	jobs := sim.Jobs(appID)
	if len(jobs) != 3 {
		t.Fatalf("%d batches, want 3", len(jobs))
	}
	for _, j := range jobs {
		if j.MediaID == draft || j.MediaID != jobs[0].MediaID || len(j.Articles) != 1 || j.Articles[0].Content != "<p>城南新店将于本周六开业，<b>欢迎</b>到店。</p>" {
			t.Errorf("batch %d sent %q with %+v", j.MsgID, j.MediaID, j.Articles)
		}
	}
	if n := sim.QuotaUsed(appID, "/cgi-bin/media/uploadnews"); n != 1 {
		t.Errorf("%d uploads, want 1", n)
	}
}
