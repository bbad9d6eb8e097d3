package admin

import (
	"context"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/wxcast/wxcast/bot/audit"
	"github.com/wxcast/wxcast/bot/broadcast"
)

func TestAuditOutcomes(t *testing.T) {
	tests := []struct {
		name  string
		admin broadcast.Admin
		text  string
		fail  error // from Get
		want  audit.Entry
	}{
		{"ok with plan", approver, "批准 #1", nil,
			audit.Entry{By: "o_ap", Name: "老李", Command: "批准 #1", ID: 1, Plan: "3f2a9c1d", Outcome: "ok", OutcomeZH: "成功"}},
		{"ok without broadcast", owner, "暂停", nil,
			audit.Entry{By: "o_ow", Name: "老板", Command: "暂停", Outcome: "ok", OutcomeZH: "成功"}},
		{"refusal keeps the plan", editor, "发送 1", nil,
			audit.Entry{By: "o_ed", Name: "小王", Command: "发送 1", ID: 1, Plan: "3f2a9c1d", Outcome: "not_approved", OutcomeZH: "批准不足"}},
		{"refusal without broadcast", approver, "批准 2", nil,
			audit.Entry{By: "o_ap", Name: "老李", Command: "批准 2", ID: 2, Outcome: "no_plan", OutcomeZH: "还没有预览"}},
		{"refusal detail", editor, "新建 nope 文本 hi", nil,
			audit.Entry{By: "o_ed", Name: "小王", Command: "新建 nope 文本 hi", Outcome: "unknown_segment", OutcomeZH: "没有该分群", Detail: "nope"}},
		{"denied", editor, "批准 1", nil,
			audit.Entry{By: "o_ed", Name: "小王", Command: "批准 1", Outcome: "denied", OutcomeZH: "无权限"}},
		{"usage", owner, "预览 abc", nil,
			audit.Entry{By: "o_ow", Name: "老板", Command: "预览 abc", Outcome: "usage", OutcomeZH: "用法有误"}},
		{"unknown", nobody, "你好", nil,
			audit.Entry{By: "o_no", Name: "无名", Command: "你好", Outcome: "usage", OutcomeZH: "用法有误"}},
		{"error", approver, "详情 1", errors.New("redis down"),
			audit.Entry{By: "o_ap", Name: "老李", Command: "详情 1", ID: 1, Outcome: "error", OutcomeZH: "出错"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			m := f.inMemory()
			m.put(f.draft(1, broadcast.StatePlanned, typeText))
			m.put(f.draft(2, broadcast.StateDraft, typeText))
			if tt.fail != nil {
				f.drafts.GetFn = func(context.Context, int64) (*broadcast.Broadcast, error) { return nil, tt.fail }
			}
			f.bot.Handle(t.Context(), tt.admin, tt.text)
			got := f.log.all()
			if len(got) != 1 {
				t.Fatalf("%d audit entries, want 1: %+v", len(got), got)
			}
			tt.want.At = f.now
			if got[0] != tt.want {
				t.Errorf("audit\n%+v\nwant\n%+v", got[0], tt.want)
			}
		})
	}
}

func TestAuditTruncates(t *testing.T) {
	f := newFixture(t)
	m := f.inMemory()
	long := "新建 vip 文本 " + strings.Repeat("长", 300)
	f.bot.Handle(t.Context(), editor, long)
	a := f.log.all()
	if n := utf8.RuneCountInString(a[0].Command); n != 200 || !strings.HasPrefix(long, a[0].Command) {
		t.Errorf("command of %d runes %q, want the first 200", n, a[0].Command)
	}
	b, _ := m.Get(t.Context(), 1)
	if utf8.RuneCountInString(b.Content.Text) != 300 {
		t.Errorf("the broadcast text was cut too: %d runes", utf8.RuneCountInString(b.Content.Text))
	}
}

func TestAuditFailureHidden(t *testing.T) {
	f := newFixture(t)
	f.audit.RecordFn = func(context.Context, audit.Entry) error { return errors.New("redis down") }
	f.send.SetPausedFn = func(context.Context, broadcast.Admin, bool) error { return nil }
	if got := f.bot.Handle(t.Context(), owner, "暂停"); got != "已暂停全部发送（当前批次完成后停止）" {
		t.Errorf("reply %q", got)
	}
	if n := f.logs.FilterMessage("admin: record audit").Len(); n != 1 {
		t.Errorf("%d audit failures logged, want 1", n)
	}
}

func TestAuditCommand(t *testing.T) {
	f := newFixture(t)
	f.inMemory().put(f.draft(1, broadcast.StatePlanned, typeText))
	f.bot.Handle(t.Context(), approver, "批准 1")
	f.bot.Handle(t.Context(), editor, "暂停")
	want := "11-27 10:00 小王「暂停」无权限\n11-27 10:00 老李「批准 1」成功"
	if got := f.bot.Handle(t.Context(), owner, "审计"); got != want {
		t.Errorf("audit\n%s\nwant\n%s", got, want)
	}
	if got := f.bot.Handle(t.Context(), owner, "审计 1"); got != "11-27 10:00 老板「审计」成功" {
		t.Errorf("audit 1: %q", got)
	}
	empty := newFixture(t)
	empty.audit.RecordFn = func(context.Context, audit.Entry) error { return errors.New("not kept") }
	if got := empty.bot.Handle(t.Context(), owner, "audit"); got != "还没有审计记录" {
		t.Errorf("empty audit %q", got)
	}
}
