package admin_test

import (
	"strings"
	"testing"
	"time"
)

const titledRules = `
segments:
  - name: vip_active
    title: 活跃会员
    rule: user.subscribed
  - name: promo_clickers
    rule: user.subscribed
`

// TestSegmentNamesInChat: admins type a segment's name in any case or its
// display name, a typo gets the closest name, and replies show the
// display name next to the name.
func TestSegmentNamesInChat(t *testing.T) {
	t.Parallel()
	w := newWorldWith(t, titledRules, time.Time{}, nil)
	tests := []struct{ text, want string }{
		{"新建 VIP_Active 文本 你好", "已创建 #1（分群 vip_active「活跃会员」，文本）。下一步：预览 1"},
		{"新建 活跃会员 文本 你好", "已创建 #2（分群 vip_active「活跃会员」，文本）。下一步：预览 2"},
		{"新建 Promo_Clickers 文本 你好", "已创建 #3（分群 promo_clickers，文本）。下一步：预览 3"},
		{"人数 活跃会员", "vip_active「活跃会员」：4 人"},
		{"人数 PROMO_clickers", "promo_clickers：4 人"},
		{"人数 promo_clicker", "没有分群「promo_clicker」。你是不是要找「promo_clickers」？"},
		{"新建 promo_clicker 文本 你好", "没有分群「promo_clicker」。你是不是要找「promo_clickers」？"},
		{"新建 活跃会 文本 你好", "没有分群「活跃会」。你是不是要找「活跃会员」？"},
		{"人数 nothing_like_it", "没有分群「nothing_like_it」，发送「分群」查看可用分群"},
		{"分群", "vip_active「活跃会员」 4 人\npromo_clickers 4 人"},
	}
	for _, tt := range tests {
		if got := w.bot.Handle(w.Ctx, creator, tt.text); got != tt.want {
			t.Errorf("%s: %q\nwant %q", tt.text, got, tt.want)
		}
	}
	if b := w.Get(2); b.Segment != "vip_active" {
		t.Errorf("a broadcast created by the title keeps segment %q", b.Segment)
	}
	if got := w.bot.Handle(w.Ctx, creator, "详情 1"); !strings.Contains(got, "分群 vip_active「活跃会员」，文本：你好") {
		t.Errorf("show: %q", got)
	}
}
