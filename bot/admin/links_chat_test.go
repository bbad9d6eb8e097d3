package admin_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/wxcast/wxcast/bot/broadcast"
	"github.com/wxcast/wxcast/store"
)

// keptCodes stands for the link store: it keeps every code it is given.
type keptCodes struct{}

func (keptCodes) Freeze(context.Context, []string, []store.LinkTarget) error { return nil }

func withLinks(o *broadcast.Options) { o.LinkBase, o.Links = "https://wx.example.com", keptCodes{} }

// TestPreviewSaysHowManyLinksAreTracked: the reply to 预览 counts the
// links the plan rewrote, and a text too long once rewritten is refused
// in Chinese with the numbers.
func TestPreviewSaysHowManyLinksAreTracked(t *testing.T) {
	t.Parallel()
	w := newWorld(t, time.Time{}, withLinks)
	got := w.bot.Handle(w.Ctx, creator, "新建 everyone 文本 详见https://a.cn/x，地图https://b.cn/y。")
	if !strings.Contains(got, "#1") {
		t.Fatalf("new: %q", got)
	}
	got = w.bot.Handle(w.Ctx, creator, "预览 1")
	if !strings.Contains(got, "已替换 2 个链接为跟踪链接") {
		t.Errorf("preview reply %q does not count the tracked links", got)
	}
	// An approver's look says it too.
	if got = w.bot.Handle(w.Ctx, approver, "预览 1"); !strings.Contains(got, "已替换 2 个链接为跟踪链接") {
		t.Errorf("an approver's preview reply %q", got)
	}

	long := strings.Repeat("好", 1980) + "http://a.cn"
	if got = w.bot.Handle(w.Ctx, creator, "新建 everyone 文本 "+long); !strings.Contains(got, "#2") {
		t.Fatalf("new: %q", got)
	}
	got = w.bot.Handle(w.Ctx, creator, "预览 2")
	if want := "内容有误：链接替换为跟踪链接后文本有 2021 字，最多 2000 字，请删减后重试"; got != want {
		t.Errorf("reply %q, want %q", got, want)
	}
}

// TestPreviewWithoutLinksSaysNothingOfThem: no base URL, no line.
func TestPreviewWithoutLinksSaysNothingOfThem(t *testing.T) {
	t.Parallel()
	w := newWorld(t, time.Time{}, nil)
	w.bot.Handle(w.Ctx, creator, "新建 everyone 文本 详见https://a.cn/x")
	if got := w.bot.Handle(w.Ctx, creator, "预览 1"); strings.Contains(got, "跟踪链接") || !strings.Contains(got, "已发送预览") {
		t.Errorf("preview reply %q", got)
	}
}
