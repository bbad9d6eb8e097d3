package admin

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/wxcast/wxcast/bot/broadcast"
)

// TestLifecycle runs new → preview → approve → send → status in both
// languages and checks each reply word for word.
func TestLifecycle(t *testing.T) {
	tests := []struct {
		lang  []option
		steps []struct {
			admin      broadcast.Admin
			text, want string
		}
	}{
		{nil, []struct {
			admin      broadcast.Admin
			text, want string
		}{
			{editor, "新建 vip 文本 你好", "已创建 #1（分群 vip，文本）。下一步：预览 1"},
			{editor, "预览 1", "已发送预览到你的微信。#1 计划 3f2a9c01：受众 1,234 人，规则版本 abc123。请审批人发送「批准 1 3f2a9c01」"},
			{approver, "批准 1", "已批准 #1（计划 3f2a9c01），1/1，可以发送：发送 1"},
			{editor, "发送 1", "#1 开始发送：1,234 人，分 1 批。发送「状态 1」查看进度"},
			{editor, "新建 all 图文 MEDIA_9", "已创建 #2（分群 all，图文）。下一步：预览 2"},
			{owner, "预览 2", "#2 还没有预览：请创建者发送「预览 2」，或发送「预览 2 重新」冻结计划"},
			{owner, "预览 2 重新", "已发送预览到你的微信。#2 计划 3f2a9c02：受众 1,234,567 人，规则版本 abc123。请审批人发送「批准 2 3f2a9c02」"},
			{approver, "批准 2", "已批准 #2（计划 3f2a9c02），1/1，可以发送：发送 2"},
			{approver, "发送 2 现在", "#2 开始发送：1,234,567 人，分 124 批。发送「状态 2」查看进度"},
			{editor, "新建 vip 图片 IMG", "已创建 #3（分群 vip，图片）。下一步：预览 3"},
			{editor, "取消 3", "已取消 #3"},
			{editor, "新建 vip 文本 x", "已创建 #4（分群 vip，文本）。下一步：预览 4"},
			{approver, "驳回 4 错别字 太多", "已驳回 #4：错别字 太多"},
			{editor, "新建 vip 文本 y", "已创建 #5（分群 vip，文本）。下一步：预览 5"},
			{approver, "驳回 5", "已驳回 #5"},
			{owner, "暂停", "已暂停全部发送（当前批次完成后停止）"},
			{owner, "恢复", "已恢复发送"},
		}},
		{[]option{english}, []struct {
			admin      broadcast.Admin
			text, want string
		}{
			{editor, "new vip text hello", "Created #1 (segment vip, text). Next: preview 1"},
			{editor, "preview 1", `Preview sent to your WeChat. #1 plan 3f2a9c01: 1,234 followers, rules version abc123. An approver now sends "approve 1 3f2a9c01"`},
			{approver, "approve 1", "Approved #1 (plan 3f2a9c01), 1/1, ready: send 1"},
			{editor, "send 1", `#1 sending: 1,234 followers in 1 batches. Send "status 1" for progress`},
			{editor, "cancel 1", "Cancelled #1"},
			{owner, "pause", "All sending paused (stops after the current batch)"},
			{owner, "resume", "Sending resumed"},
			{approver, "reject 1 too late", "#1 is cancelled; cannot reject it now"},
		}},
	}
	for _, tt := range tests {
		f := newFixture(t, tt.lang...)
		f.inMemory()
		for _, s := range tt.steps {
			if got := f.bot.Handle(t.Context(), s.admin, s.text); got != s.want {
				t.Errorf("%s: %q\nwant %q", s.text, got, s.want)
			}
		}
	}
}

func TestSendBatches(t *testing.T) {
	f := newFixture(t, func(o *Options) { o.BatchSize = 500 })
	sending := func(b *broadcast.Broadcast) {
		f.send.SendFn = func(context.Context, broadcast.Admin, int64, time.Time, broadcast.SendOptions) (*broadcast.Broadcast, error) {
			return b, nil
		}
	}
	sending(f.draft(1, broadcast.StateSending, typeText))
	if got, want := f.bot.Handle(t.Context(), approver, "发送 1"), "#1 开始发送：1,234 人，分 3 批。发送「状态 1」查看进度"; got != want {
		t.Errorf("estimate %q, want %q", got, want)
	}
	// Once the service has split the audience, its batches count.
	b := f.draft(2, broadcast.StateSending, typeText)
	b.Batches = []broadcast.Batch{{Size: 600, State: broadcast.BatchPending}, {Size: 600, State: broadcast.BatchPending}}
	sending(b)
	if got, want := f.bot.Handle(t.Context(), approver, "发送 2"), "#2 开始发送：1,200 人，分 2 批。发送「状态 2」查看进度"; got != want {
		t.Errorf("batches %q, want %q", got, want)
	}
}

func TestApproveMore(t *testing.T) {
	f := newFixture(t)
	m := f.inMemory()
	m.required = 2
	m.put(f.draft(1, broadcast.StatePlanned, typeText))
	if got, want := f.bot.Handle(t.Context(), approver, "批准 1"), "已批准 #1（计划 3f2a9c1d），1/2，还需 1 位"; got != want {
		t.Errorf("%q, want %q", got, want)
	}
	if got, want := f.bot.Handle(t.Context(), owner, "批准 1"), "已批准 #1（计划 3f2a9c1d），2/2，可以发送：发送 1"; got != want {
		t.Errorf("%q, want %q", got, want)
	}
}

func TestRetract(t *testing.T) {
	f := newFixture(t)
	// Two batches went out and are deleted; the third had failed.
	b := f.draft(5, broadcast.StateRetracted, typeNews)
	b.Batches = []broadcast.Batch{{Size: 10000, State: broadcast.BatchSent, MsgID: 1},
		{Size: 10000, State: broadcast.BatchSent, MsgID: 2}, {Size: 5, State: broadcast.BatchFailed}}
	b.Retracted = []int64{1, 2}
	f.send.RetractFn = func(context.Context, broadcast.Admin, int64) (*broadcast.Broadcast, error) { return b, nil }
	if got, want := f.bot.Handle(t.Context(), owner, "撤回 5"), "#5 已撤回 2 批"; got != want {
		t.Errorf("%q, want %q", got, want)
	}
}

func TestSegmentsAndCount(t *testing.T) {
	f := newFixture(t)
	segs := []broadcast.SegmentCount{{Name: "vip", Count: 1234}, {Name: "all", Count: 1234567}, {Name: "lonely", Count: 1}}
	f.segments.SegmentsFn = func(context.Context) ([]broadcast.SegmentCount, error) { return segs, nil }
	f.segments.CountFn = func(_ context.Context, name string) (int, error) {
		if name != "all" {
			t.Errorf("counted %q, want all", name)
		}
		return 1234567, nil
	}
	if got, want := f.bot.Handle(t.Context(), editor, "segments"), "vip 1,234 人\nall 1,234,567 人\nlonely 1 人"; got != want {
		t.Errorf("segments %q, want %q", got, want)
	}
	if got, want := f.bot.Handle(t.Context(), editor, "人数 all"), "all：1,234,567 人"; got != want {
		t.Errorf("count %q, want %q", got, want)
	}
	segs = nil
	if got, want := f.bot.Handle(t.Context(), editor, "分群"), "还没有分群规则"; got != want {
		t.Errorf("no segments %q, want %q", got, want)
	}
}

func TestShow(t *testing.T) {
	f := newFixture(t)
	m := f.inMemory()
	b := f.draft(12, broadcast.StateSending, typeText)
	b.Approvals = []broadcast.Approval{
		{By: "o_old", Name: "旧人", PlanHash: "00000000"},
		{By: approver.OpenID, Name: approver.Name, PlanHash: "3f2a9c1d"},
	}
	b.SendAt = f.now
	b.Batches = []broadcast.Batch{
		{Size: 1000, State: broadcast.BatchSent, Reported: true, Sent: 990, Errors: 10},
		{Size: 234, State: broadcast.BatchPending},
	}
	b.Notices = []broadcast.Notice{
		{At: f.now.Add(-time.Hour), Via: "custom", Text: "旧通知"},
		{At: f.now, Via: "kept", Text: "#12 开始发送"},
	}
	m.put(b)
	m.paused = true
	want := strings.Join([]string{
		"#12 发送中",
		"分群 vip，文本：双十一会员专享：全场五折，今晚八点开抢！点击菜单「会员中心」…",
		"创建：小王，2026-11-27 09:00",
		"计划 3f2a9c1d，规则版本 abc123，受众 1,234 人",
		"批准 1/1：老李",
		"进度：1/2 批，1,234 人",
		"微信报告：已发 990，失败 10",
		"失败率 0.8%",
		"全部发送已暂停",
		"最近通知（11-27 10:00，未能送达）：#12 开始发送",
	}, "\n")
	// Status adds the unsubscribes once sending began.
	for cmd, want := range map[string]string{"详情 12": want, "状态 #12": want + "\n24 小时内取关：0 人（收件人的 0.0%）"} {
		if got := f.bot.Handle(t.Context(), approver, cmd); got != want {
			t.Errorf("%s:\n%s\nwant\n%s", cmd, got, want)
		}
	}

	s := f.draft(13, broadcast.StateScheduled, typeNews)
	s.SendAt = time.Date(2026, 11, 28, 9, 0, 0, 0, f.now.Location())
	m.put(s)
	m.put(f.draft(14, broadcast.StateDraft, typeImage))
	r := f.draft(15, broadcast.StatePartiallyFailed, typeText)
	r.Failure = "45028 has no masssend quota"
	r.Batches = []broadcast.Batch{{Size: 3, State: broadcast.BatchSent}, {Size: 2, State: broadcast.BatchFailed}}
	m.put(r)
	j := f.draft(16, broadcast.StateRejected, typeText)
	j.RejectedBy, j.RejectReason = approver.OpenID, "太长"
	m.put(j)
	tests := []struct{ id, want string }{
		{"13", "#13 已排期\n分群 vip，图文：MEDIA_1\n创建：小王，2026-11-27 09:00\n计划 3f2a9c1d，规则版本 abc123，受众 1,234 人\n批准 0/1\n排期：2026-11-28 09:00\n全部发送已暂停"},
		{"14", "#14 草稿\n分群 vip，图片：MEDIA_1\n创建：小王，2026-11-27 09:00\n尚未预览\n全部发送已暂停"},
		{"15", "#15 部分失败\n分群 vip，文本：双十一会员专享：全场五折，今晚八点开抢！点击菜单「会员中心」…\n创建：小王，2026-11-27 09:00\n计划 3f2a9c1d，规则版本 abc123，受众 1,234 人\n批准 0/1\n进度：1/2 批，5 人\n失败率 40.0%\n原因：微信拒绝了请求（错误码 45028）：本月群发次数已用完"},
		{"16", "#16 已驳回\n分群 vip，文本：双十一会员专享：全场五折，今晚八点开抢！点击菜单「会员中心」…\n创建：小王，2026-11-27 09:00\n计划 3f2a9c1d，规则版本 abc123，受众 1,234 人\n批准 0/1\n驳回：老李 太长"},
	}
	for _, tt := range tests {
		if got := f.bot.Handle(t.Context(), owner, "详情 "+tt.id); got != tt.want {
			t.Errorf("#%s:\n%s\nwant\n%s", tt.id, got, tt.want)
		}
	}

	en := newFixture(t, english)
	en.inMemory().put(b)
	wantEN := strings.Join([]string{
		"#12 sending",
		"segment vip, text: 双十一会员专享：全场五折，今晚八点开抢！点击菜单「会员中心」…",
		"created by 小王, 2026-11-27 09:00",
		"plan 3f2a9c1d, rules version abc123, 1,234 followers",
		"approvals 1/1: 老李",
		"progress: 1/2 batches, 1,234 followers",
		"WeChat reports: 990 sent, 10 failed",
		"failure rate 0.8%",
		"last notice (11-27 10:00, not delivered): #12 开始发送",
		"Unsubscribed within 24 h: 0 (0.0% of recipients)",
	}, "\n")
	if got := en.bot.Handle(t.Context(), approver, "status 12"); got != wantEN {
		t.Errorf("en status:\n%s\nwant\n%s", got, wantEN)
	}
}

func TestList(t *testing.T) {
	f := newFixture(t)
	m := f.inMemory()
	if got, want := f.bot.Handle(t.Context(), editor, "列表"), "还没有群发。新建：新建 <分群> 文本 <内容>"; got != want {
		t.Errorf("empty list %q, want %q", got, want)
	}
	for id := int64(1); id <= 12; id++ {
		m.put(f.draft(id, broadcast.StateApproved, typeText))
	}
	s := f.draft(13, broadcast.StateScheduled, typeNews)
	s.SendAt = time.Date(2026, 11, 28, 9, 0, 0, 0, f.now.Location())
	m.put(s)
	g := f.draft(14, broadcast.StateSending, typeImage)
	g.Batches = []broadcast.Batch{{Size: 2, State: broadcast.BatchSent}, {Size: 2, State: broadcast.BatchPending}}
	m.put(g)
	m.notices = []broadcast.Notice{
		{At: f.now, Text: "规则重载失败：segments.yaml:3:7 unknown field"},
		{At: f.now.Add(-time.Minute), Text: "二"},
		{At: f.now.Add(-2 * time.Minute), Text: "三"},
		{At: f.now.Add(-3 * time.Minute), Text: "四"},
	}
	m.paused = true
	want := strings.Join([]string{
		"全部发送已暂停",
		"#14 vip 图片 发送中 1/2",
		"#13 vip 图文 已排期 11-28 09:00",
		"#12 vip 文本 已批准", "#11 vip 文本 已批准", "#10 vip 文本 已批准", "#9 vip 文本 已批准",
		"#8 vip 文本 已批准", "#7 vip 文本 已批准", "#6 vip 文本 已批准", "#5 vip 文本 已批准",
		"通知：",
		"11-27 10:00 规则重载失败：segments.yaml:3:7 unknown field",
		"11-27 09:59 二",
		"11-27 09:58 三",
	}, "\n")
	if got := f.bot.Handle(t.Context(), editor, "list"); got != want {
		t.Errorf("list:\n%s\nwant\n%s", got, want)
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int]string{0: "0", 7: "7", 999: "999", 1000: "1,000", 1234: "1,234",
		123456: "123,456", 1234567: "1,234,567", -1234: "-1,234"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestShowLeftOut(t *testing.T) {
	f := newFixture(t)
	m := f.inMemory()
	b := f.draft(13, broadcast.StateSent, typeText)
	b.Batches = []broadcast.Batch{{Size: 3, State: broadcast.BatchSent}}
	b.Dropped = 1234
	m.put(b)
	if got := f.bot.Handle(t.Context(), editor, "状态 13"); !strings.Contains(got, "\n预览后取关、未发送：1,234 人") || strings.Contains(got, "只剩 1 人") {
		t.Errorf("status %q", got)
	}
	lone := f.draft(14, broadcast.StateSent, typeText)
	lone.Lone = 1
	m.put(lone)
	if got := f.bot.Handle(t.Context(), editor, "状态 14"); !strings.Contains(got, "\n只剩 1 人，群发至少需要 2 人，未能发送") {
		t.Errorf("status %q", got)
	}
}
