package admin_test

import (
	"strings"
	"testing"
	"time"

	"github.com/wxcast/wxcast/bot/broadcast"
	"github.com/wxcast/wxcast/internal/bctest"
)

// TestStatusNamesMetricAndWindow: on the real services, 状态 shows the
// clicks and conversions a broadcast has, each headed by the metric and
// its window, per version n, share and 95% interval; a metric named
// shows that one alone.
func TestStatusNamesMetricAndWindow(t *testing.T) {
	w := newWorld(t, time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC), nil)
	say := func(text string, want []string, not ...string) {
		t.Helper()
		got := w.bot.Handle(w.Ctx, creator, text)
		for _, s := range want {
			if !strings.Contains(got, s) {
				t.Errorf("「%s」:\n%s\nlacks %q", text, got, s)
			}
		}
		for _, s := range not {
			if strings.Contains(got, s) {
				t.Errorf("「%s」:\n%s\nhas %q", text, got, s)
			}
		}
	}
	var sentText stage
	for _, s := range stages {
		if s.name == "sent_text" {
			sentText = s
		}
	}
	b := w.bring(sentText, creator)
	say("状态 1", nil, "指标")
	say("状态 1 回调", []string{"指标：回调——暂无结果"})

	at := w.Clock.Now()
	for _, o := range []string{bctest.FollowerID(0), bctest.FollowerID(1)} {
		if _, err := w.Store.Links().RecordClick(w.Ctx, b.ID, 0, 0, o, at); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Results.Converted(w.Ctx, bctest.FollowerID(2), []string{"last_order_at"}, at); err != nil {
		t.Fatal(err)
	}
	click := "指标：点击（批次送达后 24小时内点过链接的比例，逐人统计）：\nA：50.0%（95% 区间 15.0%–85.0%），2/4 人，该组共 4 人"
	conv := "指标：转化（批次送达后 24小时内转化的比例，逐人统计）：\nA：25.0%（95% 区间 4.6%–69.9%），1/4 人，该组共 4 人"
	say("状态 1", []string{click, conv})
	say("状态 1 12h 点击", []string{"指标：点击（批次送达后 12小时内", "注：同一人多次点击只算一次"}, "指标：转化")
	say("状态 1 转化", []string{conv, "送达前的不计入"}, "指标：点击", "对照组从首批")
	say("状态 1 vip_buyers 转化", []string{"用法：状态 <编号> [统计时长 1h–168h，如 12h] [标签] [指标：点击 | 转化 | 回调]"})
	if b.State != broadcast.StateSent {
		t.Fatalf("state %s", b.State)
	}
}
