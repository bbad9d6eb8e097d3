package admin_test

import (
	"strings"
	"testing"
	"time"

	"github.com/wxcast/wxcast/bot/broadcast"
	"github.com/wxcast/wxcast/configs"
	"github.com/wxcast/wxcast/rules/words"
)

// TestSendSafetyInChat runs the send-safety commands as admins type them,
// on the real service, and checks what they are told.
func TestSendSafetyInChat(t *testing.T) {
	list, err := words.Parse(map[string][]byte{"absolute.txt": []byte("最佳\n")})
	if err != nil {
		t.Fatal(err)
	}
	w := newWorld(t, time.Date(2026, 11, 27, 23, 0, 0, 0, time.UTC), func(o *broadcast.Options) {
		o.Words = func() *words.List { return list }
		o.Windows = broadcast.Windows{Loc: time.UTC, Quiet: configs.ClockRange{From: 22*60 + 30, To: 7*60 + 30},
			Best: configs.ClockRanges{{From: 7 * 60, To: 8*60 + 30}, {From: 20 * 60, To: 22 * 60}}}
	})
	say := func(a broadcast.Admin, text string, want ...string) {
		t.Helper()
		got := w.bot.Handle(w.Ctx, a, text)
		for _, s := range want {
			if !strings.Contains(got, s) {
				t.Errorf("%s「%s」:\n%s\nlacks %q", a.Name, text, got, s)
			}
		}
	}
	say(creator, "新建 everyone 文本 本店最佳咖啡", "已创建 #1")
	say(creator, "对照组 1 10%", "#1 对照组 10%")
	say(creator, "对照组 1 80%", "对照组比例须在 0% 到 50% 之间，收到 80%")
	say(creator, "变体 1 文本 本店咖啡", "#1 已加版本 B（文本），共 2 个版本")
	say(creator, "预览 1", "受众 4 人", "A/B 测试：2 个版本", "对照组：10% 的受众不发送",
		"内容检查：发现 1 处敏感词", "· 版本 A 正文第 3 字「最佳」（广告法极限词）",
		"须修改内容后重新预览，或由所有者「批准 1 强制 <理由>」",
		"发送保护：现在处于免打扰时段（22:30-07:30），最早 2026-11-28 07:30 可发送；「发送 1 最佳」将在 2026-11-28 07:30 发送")
	say(approver, "批准 1", "#1 的内容检查发现 1 处敏感词（广告法极限词 等），不能批准")
	say(approver, "批准 1 强制 客户坚持", "只有所有者可以强制放行")
	say(owner, "批准 1 强制", "用法：批准 <编号> [计划号] [强制 <理由>]")
	say(owner, "批准 1 强制 品牌名含「最佳」二字", "所有者已强制批准 #1", "理由：品牌名含「最佳」二字", "可以发送")
	say(creator, "详情 1", "已由所有者 老板 强制放行，理由：品牌名含「最佳」二字")

	say(creator, "发送 1", "免打扰时段（22:30-07:30）内不能开始发送，最早 2026-11-28 07:30 可发送")
	say(creator, "发送 1 6:00", "最早 2026-11-28 07:30 可发送")
	say(creator, "发送 1 最佳", "#1 已排期：2026-11-28 07:30 发送（下一个推荐时段）")
	say(creator, "暂停 1", "你没有权限")
	say(owner, "暂停 1", "已暂停 #1 的剩余发送")
	say(creator, "状态 1", "#1 已暂停", "所有者手动暂停")
	say(owner, "恢复 1", "已恢复 #1")
	say(owner, "恢复 1", "#1 没有暂停")
	say(owner, "审计 20", "「批准 1 强制 品牌名含「最佳」二字」成功，理由：品牌名含「最佳」二字")

	say(creator, "新建 everyone 文本 周末活动", "已创建 #2")
	say(creator, "提醒 2 2026-11-28 20:00 3h,1h clicked_promo", "没有标签「clicked_promo」")
	say(creator, "提醒 2 2026-11-28 20:00 3h,1h 点击", "提前 3小时、1小时 各发一次（共 2 次），之后的提醒跳过已点过链接的粉丝")
	say(creator, "预览 2", "之后的提醒跳过已点过链接的粉丝")
	say(creator, "提醒 2 2026-11-28 20:00 3小时，1小时", "#2 已改为提醒系列：截止 2026-11-28 20:00，提前 3小时、1小时 各发一次（共 2 次）")
	say(creator, "提醒 2 2026-11-28 20:00 5m,3m", "提醒设置有误：两次提醒相隔 2 分钟，至少需要 5 分钟")
	say(creator, "提醒 2 2026-11-27 23:30 1h", "#2 的第 1 次提醒时间 2026-11-27 22:30 已过")
	say(creator, "预览 2", "提醒系列：截止 2026-11-28 20:00", "内容检查：未发现敏感词")
	say(approver, "批准 2", "可以发送")
	say(creator, "发送 2 12:00", "#2 是提醒系列，按系列时间发送")
	say(creator, "发送 2", "#2 提醒系列已排期：共 2 次，第 1 次 2026-11-28 17:00")
	if got := w.bot.Handle(w.Ctx, owner, "发送 2 强制 停电通知"); strings.Contains(got, "免打扰") {
		t.Errorf("an override no send needed is reported: %s", got)
	}
	w.Clock.Add(24 * time.Hour) // 2026-11-28 23:00
	say(creator, "新建 everyone 文本 停电通知", "已创建 #3")
	say(creator, "预览 3", "受众 4 人")
	say(approver, "批准 3", "可以发送")
	say(owner, "发送 3 强制 今晚停电，必须马上通知", "#3 开始发送", "免打扰时段由所有者强制放行，理由：今晚停电，必须马上通知")

	entries, err := w.Audit.Newest(w.Ctx, 50)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range entries {
		if e.Command == "批准 1 强制 品牌名含「最佳」二字" && e.Outcome == "ok" && e.Detail == "override: 品牌名含「最佳」二字" {
			found = true
		}
	}
	if !found {
		t.Errorf("the override is not in the audit log: %+v", entries)
	}
}

// TestSendNowEstimatesWithAHoldout: before the audience is split, 发送
// leaves the holdout's share out of the count, cuts each version into
// batches of its own, and says the figure is an estimate.
func TestSendNowEstimatesWithAHoldout(t *testing.T) {
	w := newWorld(t, time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC), nil)
	say := func(a broadcast.Admin, text string, want ...string) {
		t.Helper()
		got := w.bot.Handle(w.Ctx, a, text)
		for _, s := range want {
			if !strings.Contains(got, s) {
				t.Errorf("%s「%s」:\n%s\nlacks %q", a.Name, text, got, s)
			}
		}
	}
	say(creator, "新建 everyone 文本 周末活动", "已创建 #1")
	say(creator, "对照组 1 50%", "#1 对照组 50%")
	say(creator, "变体 1 文本 周末活动 B", "共 2 个版本")
	say(creator, "预览 1", "受众 4 人")
	say(approver, "批准 1", "可以发送")
	say(creator, "发送 1", "#1 开始发送：约 2 人，分 2 批")

	say(creator, "新建 everyone 文本 停电通知", "已创建 #2")
	say(creator, "预览 2", "受众 4 人")
	say(approver, "批准 2", "可以发送")
	say(creator, "发送 2", "#2 开始发送：4 人，分 ")
}
