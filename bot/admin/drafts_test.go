package admin

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/wxcast/wxcast/bot/broadcast"
)

// 新建 <分群> 草稿 (or 图文 without an id) lists the draft box instead
// of creating a broadcast; with an id, 草稿 creates a news broadcast.
func TestNewFromDrafts(t *testing.T) {
	f := newFixture(t)
	at := time.Date(2026, 12, 7, 6, 30, 0, 0, time.UTC) // 14:30 in Shanghai
	listed := 0
	f.drafts.DraftsFn = func(context.Context, broadcast.Admin) ([]broadcast.DraftInfo, int, error) {
		listed++
		return []broadcast.DraftInfo{
			{MediaID: "DRAFT_NEW", Updated: at, Titles: []string{"城南新店本周六开业", "店内实拍"}},
			{MediaID: "DRAFT_OLD", Updated: at.Add(-24 * time.Hour), Titles: []string{""}},
		}, 7, nil
	}
	created := broadcast.Content{}
	f.drafts.CreateFn = func(_ context.Context, _ broadcast.Admin, seg string, c broadcast.Content) (*broadcast.Broadcast, error) {
		created = c
		return &broadcast.Broadcast{ID: 9, Segment: seg, Content: c}, nil
	}
	want := "草稿箱最新 2 篇（共 7 篇）：\n" +
		"1. 城南新店本周六开业 等 2 篇（12-07 14:30 更新）\n   DRAFT_NEW\n" +
		"2. （无标题）（12-06 14:30 更新）\n   DRAFT_OLD\n" +
		"选一篇创建群发：新建 vip 图文 <media_id>"
	for _, text := range []string{"新建 vip 草稿", "新建 vip 图文"} {
		if got := f.bot.Handle(t.Context(), editor, text); got != want {
			t.Errorf("%s: %q\nwant %q", text, got, want)
		}
	}
	if listed != 2 || created.Type != "" {
		t.Fatalf("listed %d times, created %+v", listed, created)
	}
	if got, want := f.bot.Handle(t.Context(), editor, "新建 vip 草稿 DRAFT_NEW"), "已创建 #9（分群 vip，图文）。下一步：预览 9"; got != want {
		t.Errorf("create from a draft: %q, want %q", got, want)
	}
	if created != (broadcast.Content{Type: "news", MediaID: "DRAFT_NEW"}) {
		t.Errorf("created %+v", created)
	}
	f.drafts.DraftsFn = func(context.Context, broadcast.Admin) ([]broadcast.DraftInfo, int, error) { return nil, 0, nil }
	if got, want := f.bot.Handle(t.Context(), editor, "新建 vip 草稿"), "草稿箱是空的：请先在公众号后台「草稿箱」写好图文"; got != want {
		t.Errorf("empty box: %q", got)
	}
}

// The preview reply shows each frozen article's title, author and digest.
func TestPreviewShowsArticles(t *testing.T) {
	f := newFixture(t)
	b := f.draft(3, broadcast.StatePlanned, typeNews)
	b.Plan.News = []broadcast.News{{Draft: "D", Articles: []broadcast.Article{
		{Title: "城南新店本周六开业", Author: "门店运营部", Digest: "开业当天全场八折"},
		{Title: "店内实拍"},
	}}}
	f.approvals.PreviewFn = func(context.Context, broadcast.Admin, int64) (*broadcast.Broadcast, error) { return b, nil }
	f.send.PolicyFn = func(time.Time) broadcast.Policy { return broadcast.Policy{} }
	got := f.bot.Handle(t.Context(), editor, "预览 3")
	for _, want := range []string{"图文第 1 篇《城南新店本周六开业》 作者：门店运营部\n  摘要：开业当天全场八折", "图文第 2 篇《店内实拍》"} {
		if !strings.Contains(got, want) {
			t.Errorf("preview reply %q lacks %q", got, want)
		}
	}
}
