package admin

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/wxcast/wxcast/bot/broadcast"
)

func TestRefusalWording(t *testing.T) {
	loc := shanghai(t)
	past := time.Date(2026, 11, 27, 9, 0, 0, 0, loc)
	tests := []struct {
		cmd    string
		r      broadcast.Refusal
		zh, en string
	}{
		{"show", broadcast.Refusal{Code: broadcast.CodeNotFound, ID: 12},
			"找不到 #12，发送「列表」查看最近的群发", `No broadcast #12; send "list" for recent ones`},
		{"preview", broadcast.Refusal{Code: broadcast.CodeWrongState, ID: 12, State: broadcast.StateApproved},
			"#12 当前状态为「已批准」，不能预览", "#12 is approved; cannot preview it now"},
		{"cancel", broadcast.Refusal{Code: broadcast.CodeNotYours, ID: 12},
			"#12 不是你创建的群发", "#12 is not your broadcast"},
		{"approve", broadcast.Refusal{Code: broadcast.CodeSelfApproval, ID: 12},
			"#12 是你创建的，不能自己批准，请另一位审批人批准", "#12 is yours; another approver must approve it"},
		{"approve", broadcast.Refusal{Code: broadcast.CodeAlreadyApproved, ID: 12},
			"你已批准过 #12 的当前计划，还需另一位审批人批准", "You already approved the current plan of #12; another approver is needed"},
		{"approve", broadcast.Refusal{Code: broadcast.CodeNoPlan, ID: 12},
			"#12 还没有预览：请创建者发送「预览 12」，或发送「预览 12 重新」冻结计划", `#12 has no plan yet: its creator sends "preview 12", or send "preview 12 again" to freeze one`},
		{"send", broadcast.Refusal{Code: broadcast.CodePlanVoided, ID: 12, Detail: "abc"},
			"规则已更新（版本 abc），#12 的计划与批准已作废，请重新「预览 12」",
			`The rules changed (version abc): the plan and approvals of #12 are void; send "preview 12" again`},
		{"send", broadcast.Refusal{Code: broadcast.CodeNotApproved, ID: 12, N: 0, Need: 1},
			"#12 还需要 1 位审批人批准（已有 0/1）", "#12 needs 1 more approvals (0/1 so far)"},
		{"send", broadcast.Refusal{Code: broadcast.CodeNotApproved, ID: 12, N: 1, Need: 3},
			"#12 还需要 2 位审批人批准（已有 1/3）", "#12 needs 2 more approvals (1/3 so far)"},
		{"new", broadcast.Refusal{Code: broadcast.CodeUnknownSegment, Detail: "vipp"},
			"没有分群「vipp」，发送「分群」查看可用分群", `No segment "vipp"; send "segments" for the list`},
		{"new", broadcast.Refusal{Code: broadcast.CodeNoRules},
			"服务器没有加载分群规则，暂时不能群发", "The server has no segment rules loaded; broadcasts are not possible now"},
		{"preview", broadcast.Refusal{Code: broadcast.CodeSmallAudience, ID: 12, N: 1},
			"分群只有 1 人，群发至少需要 2 人", "The segment has only 1 followers; a broadcast needs at least 2"},
		{"preview", broadcast.Refusal{Code: broadcast.CodeNoAPI, ID: 12},
			"服务器未开通微信接口，不能预览或发送，请联系运维", "The WeChat API is not configured on the server; ask the operators"},
		{"send", broadcast.Refusal{Code: broadcast.CodePastTime, ID: 12, At: past.UTC()},
			"发送时间 2026-11-27 09:00 已过，请换一个将来的时间", "2026-11-27 09:00 has passed; pick a time in the future"},
		{"retract", broadcast.Refusal{Code: broadcast.CodeCannotRetract, ID: 12, Detail: "text"},
			"文本/图片群发微信无法删除，只能撤回图文", "WeChat cannot delete text or image broadcasts, only news"},
		{"new", broadcast.Refusal{Code: broadcast.CodeBadContent, Detail: broadcast.BadLongText, N: 2300, Need: 2000},
			"内容有误：文本有 2300 字，最多 2000 字，请删减后重试", "Bad content: the text has 2300 characters, at most 2000"},
		{"new", broadcast.Refusal{Code: broadcast.CodeBadContent, Detail: broadcast.BadEmptyText},
			"内容有误：文本是空的", "Bad content: the text is empty"},
		{"preview", broadcast.Refusal{Code: broadcast.CodeWeChat, ID: 12, N: 45009, Detail: "45009 reach max api daily quota limit"},
			"微信拒绝了请求（错误码 45009）：今日接口调用次数已用完", "WeChat refused (errcode 45009): today's API quota is spent"},
		{"preview", broadcast.Refusal{Code: broadcast.CodeWeChat, ID: 12, N: 45999, Detail: "45999 something new"},
			"微信拒绝了请求（错误码 45999）", "WeChat refused (errcode 45999)"},
		{"preview", broadcast.Refusal{Code: "brand_new", ID: 12},
			"操作被拒绝（brand_new）", "Refused (brand_new)"},
	}
	zh, en := newFixture(t), newFixture(t, english)
	for _, tt := range tests {
		t.Run(string(tt.r.Code), func(t *testing.T) {
			for _, c := range []struct {
				f    *fixture
				want string
			}{{zh, tt.zh}, {en, tt.en}} {
				cmd := c.f.bot.byName[tt.cmd]
				if got := c.f.bot.refusal(&tt.r, cmd, args{}); got != c.want {
					t.Errorf("%s: %q, want %q", c.f.bot.lang, got, c.want)
				}
			}
		})
	}
}

// TestRefusalCodesCovered fails when broadcast gains a code this package
// words only generically.
func TestRefusalCodesCovered(t *testing.T) {
	codes := []broadcast.Code{
		broadcast.CodeNotFound, broadcast.CodeWrongState, broadcast.CodeNotYours, broadcast.CodeSelfApproval,
		broadcast.CodeAlreadyApproved, broadcast.CodeNoPlan, broadcast.CodePlanVoided, broadcast.CodeNotApproved,
		broadcast.CodeUnknownSegment, broadcast.CodeNoRules, broadcast.CodeSmallAudience, broadcast.CodeNoAPI,
		broadcast.CodePastTime, broadcast.CodeCannotRetract, broadcast.CodeBadContent, broadcast.CodeWeChat,
	}
	for _, lang := range []string{"zh", "en"} {
		cat := catalogFor(lang)
		for _, c := range codes {
			if _, ok := cat[kRefuse+key(c)]; !ok {
				t.Errorf("%s: no wording for %s", lang, c)
			}
		}
	}
}

// TestRefusalThroughHandle checks that a refusal from the service reaches
// the admin worded, with the id from the command when the refusal has
// none, and that other errors stay inside.
func TestRefusalThroughHandle(t *testing.T) {
	tests := []struct {
		admin   broadcast.Admin
		text    string
		refusal broadcast.Refusal
		want    string
	}{
		{editor, "预览 12", broadcast.Refusal{Code: broadcast.CodeWrongState, ID: 12, State: broadcast.StateApproved},
			"#12 当前状态为「已批准」，不能预览"},
		{editor2, "预览 13", broadcast.Refusal{Code: broadcast.CodeNotYours}, "#13 不是你创建的群发"},
		{editor, "发送 13", broadcast.Refusal{Code: broadcast.CodeNotApproved, N: 0, Need: 1},
			"#13 还需要 1 位审批人批准（已有 0/1）"},
		{owner, "撤回 14", broadcast.Refusal{Code: broadcast.CodeCannotRetract, ID: 14, Detail: typeText},
			"文本/图片群发微信无法删除，只能撤回图文"},
		{approver, "详情 99", broadcast.Refusal{Code: broadcast.CodeNotFound}, "找不到 #99，发送「列表」查看最近的群发"},
		{editor, "新建 nope 文本 hi", broadcast.Refusal{Code: broadcast.CodeUnknownSegment, Detail: "nope"},
			"没有分群「nope」，发送「分群」查看可用分群"},
		{owner, "人数 nope", broadcast.Refusal{Code: broadcast.CodeUnknownSegment, Detail: "nope"},
			"没有分群「nope」，发送「分群」查看可用分群"},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			f := newFixture(t)
			// Whichever service the command calls refuses.
			r := &tt.refusal
			f.approvals.PreviewFn = func(context.Context, broadcast.Admin, int64) (*broadcast.Broadcast, error) { return nil, r }
			f.send.SendFn = func(context.Context, broadcast.Admin, int64, time.Time, broadcast.SendOptions) (*broadcast.Broadcast, error) {
				return nil, r
			}
			f.send.RetractFn = func(context.Context, broadcast.Admin, int64) (*broadcast.Broadcast, error) { return nil, r }
			f.drafts.GetFn = func(context.Context, int64) (*broadcast.Broadcast, error) { return nil, r }
			f.drafts.CreateFn = func(context.Context, broadcast.Admin, string, broadcast.Content) (*broadcast.Broadcast, error) {
				return nil, r
			}
			f.segments.CountFn = func(context.Context, string) (int, error) { return 0, r }
			if got := f.bot.Handle(t.Context(), tt.admin, tt.text); got != tt.want {
				t.Errorf("%q, want %q", got, tt.want)
			}
		})
	}

	f := newFixture(t)
	f.drafts.GetFn = func(context.Context, int64) (*broadcast.Broadcast, error) {
		return nil, errors.New("store: get broadcast 12: dial tcp 10.0.0.7:6379: connection refused")
	}
	got := f.bot.Handle(t.Context(), approver, "详情 12")
	if got != "出错了，请稍后再试" {
		t.Errorf("internal error shown as %q", got)
	}
	logged := f.logs.FilterMessage("admin: command failed").All()
	if len(logged) != 1 || !strings.Contains(logged[0].ContextMap()["error"].(string), "connection refused") {
		t.Errorf("internal error logged as %v", logged)
	}
	en := newFixture(t, english)
	en.drafts.ListFn = func(context.Context, int) ([]*broadcast.Broadcast, error) { return nil, errors.New("boom") }
	if got := en.bot.Handle(t.Context(), approver, "list"); got != "Something went wrong, please try again later" {
		t.Errorf("en internal error shown as %q", got)
	}
}
