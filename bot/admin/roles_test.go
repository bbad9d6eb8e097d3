package admin

import (
	"slices"
	"strings"
	"testing"

	"github.com/wxcast/wxcast/bot/broadcast"
)

func TestPermissions(t *testing.T) {
	// Who may run what, written out here rather than read from the table,
	// so a wrong row in the table fails.
	all := []broadcast.Admin{editor, approver, owner}
	tests := []struct {
		text    string
		allowed []broadcast.Admin
		denied  string // the permission reply for the others
	}{
		{"帮助", all, "你没有权限执行「帮助」（需要：编辑、审批人或所有者）"},
		{"分群", all, "你没有权限执行「分群」（需要：编辑、审批人或所有者）"},
		{"人数 vip", all, "你没有权限执行「人数」（需要：编辑、审批人或所有者）"},
		{"新建 vip 文本 你好", []broadcast.Admin{editor, owner}, "你没有权限执行「新建」（需要：编辑）"},
		{"详情 1", all, "你没有权限执行「详情」（需要：编辑、审批人或所有者）"},
		{"预览 1", []broadcast.Admin{editor, approver, owner}, "你没有权限执行「预览」（需要：编辑或审批人）"},
		{"批准 1", []broadcast.Admin{approver, owner}, "你没有权限执行「批准」（需要：审批人）"},
		{"驳回 1", []broadcast.Admin{approver, owner}, "你没有权限执行「驳回」（需要：审批人）"},
		{"发送 1", all, "你没有权限执行「发送」（需要：编辑或审批人）"},
		{"取消 1", []broadcast.Admin{editor, owner}, "你没有权限执行「取消」（需要：编辑）"},
		{"状态 1", all, "你没有权限执行「状态」（需要：编辑、审批人或所有者）"},
		{"列表", all, "你没有权限执行「列表」（需要：编辑、审批人或所有者）"},
		{"撤回 1", []broadcast.Admin{owner}, "你没有权限执行「撤回」（需要：所有者）"},
		{"暂停", []broadcast.Admin{owner}, "你没有权限执行「暂停」（需要：所有者）"},
		{"恢复", []broadcast.Admin{owner}, "你没有权限执行「恢复」（需要：所有者）"},
		{"审计", []broadcast.Admin{owner}, "你没有权限执行「审计」（需要：所有者）"},
	}
	for _, tt := range tests {
		for _, a := range []broadcast.Admin{editor, approver, owner, nobody} {
			t.Run(tt.text+"/"+a.OpenID, func(t *testing.T) {
				f := newFixture(t)
				f.inMemory().put(f.draft(1, broadcast.StatePlanned, typeText))
				got := f.bot.Handle(t.Context(), a, tt.text)
				allowed := false
				for _, x := range tt.allowed {
					allowed = allowed || x.OpenID == a.OpenID
				}
				switch {
				case allowed && strings.HasPrefix(got, "你没有权限"):
					t.Errorf("%s was refused: %q", a.Name, got)
				case !allowed && got != tt.denied:
					t.Errorf("%s got %q, want %q", a.Name, got, tt.denied)
				}
			})
		}
	}
}

func TestPermissionEnglish(t *testing.T) {
	f := newFixture(t, english)
	if got, want := f.bot.Handle(t.Context(), editor, "approve 1"), `You may not run "approve" (needs: approver)`; got != want {
		t.Errorf("reply %q, want %q", got, want)
	}
	if got, want := f.bot.Handle(t.Context(), nobody, "list"), `You may not run "list" (needs: editor, approver or owner)`; got != want {
		t.Errorf("reply %q, want %q", got, want)
	}
}

func TestHelp(t *testing.T) {
	f := newFixture(t)
	both := broadcast.Admin{OpenID: "o_ea", Name: "两者", Roles: []broadcast.Role{broadcast.RoleEditor, broadcast.RoleApprover}}
	tests := []struct {
		admin  broadcast.Admin
		common []string // the usage lines shown first
		words  string   // the grouped commands
	}{
		{editor, []string{"新建 <分群> 文本 <内容>", "预览 <编号>", "发送 <编号>"},
			"新建 预览 发送 变体 对照组 提醒 取消 分群 人数 详情 状态 列表"},
		{approver, []string{"预览 <编号>", "批准 <编号>", "发送 <编号>"},
			"预览 批准 驳回 发送 分群 人数 详情 状态 列表"},
		{owner, []string{"新建 <分群> 文本 <内容>", "预览 <编号>", "批准 <编号>"},
			"新建 预览 批准 驳回 发送 变体 对照组 提醒 取消 分群 人数 详情 状态 列表 撤回 暂停 恢复 审计"},
		{both, []string{"新建 <分群> 文本 <内容>", "预览 <编号>", "批准 <编号>"},
			"新建 预览 批准 驳回 发送 变体 对照组 提醒 取消 分群 人数 详情 状态 列表"},
	}
	for _, tt := range tests {
		t.Run(tt.admin.Name, func(t *testing.T) {
			help := f.bot.Help(tt.admin)
			ls := lines(help)
			// A phone shows about ten short lines without scrolling.
			if len(ls) > 8 {
				t.Errorf("%d lines:\n%s", len(ls), help)
			}
			if ls[0] != "常用：" || !slices.Equal(ls[1:4], []string{"· " + tt.common[0], "· " + tt.common[1], "· " + tt.common[2]}) {
				t.Errorf("common commands:\n%s", help)
			}
			var words []string
			for _, l := range ls[4 : len(ls)-1] {
				group, list, ok := strings.Cut(l, "：")
				if !ok || !slices.Contains([]string{"创建与发送", "跟进", "管理"}, group) {
					t.Errorf("group line %q", l)
				}
				words = append(words, strings.Fields(list)...)
			}
			if got := strings.Join(words, " "); got != tt.words {
				t.Errorf("commands %q, want %q", got, tt.words)
			}
			if ls[len(ls)-1] != "发送「帮助 命令」看用法和例子，如「帮助 预览」" {
				t.Errorf("last line %q", ls[len(ls)-1])
			}
		})
	}
	if got := f.bot.Handle(t.Context(), approver, "帮助"); got != f.bot.Help(approver) {
		t.Errorf("帮助 replies %q, want Help", got)
	}
	if h := f.bot.Help(nobody); h != "你还没有可用的命令，请所有者为你分配角色" {
		t.Errorf("help for no role %q", h)
	}

	en := newFixture(t, english)
	want := "Common:\n· preview <id>\n· approve <id>\n· send <id>\n" +
		"Create and send: preview, approve, reject, send\nFollow up: segments, count, show, status, list\n" +
		`Send "help <command>" for its usage and an example, e.g. "help preview"`
	if got := en.bot.Help(approver); got != want {
		t.Errorf("en help\n%s\nwant\n%s", got, want)
	}
}

func TestHelpOnOneCommand(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		admin      broadcast.Admin
		text, want string
	}{
		{approver, "帮助 预览", "预览 <编号> [重新]\n" +
			"发预览到你的微信（创建者预览即冻结计划；其他人只查看已冻结的计划，加「重新」才按当前受众冻结新计划，旧计划的批准作废）\n例：预览 12"},
		{approver, "帮助 PREVIEW", "预览 <编号> [重新]\n" +
			"发预览到你的微信（创建者预览即冻结计划；其他人只查看已冻结的计划，加「重新」才按当前受众冻结新计划，旧计划的批准作废）\n例：预览 12"},
		{editor, "帮助 撤回", "撤回 <编号>\n删除已发送的图文\n例：撤回 12\n需要：所有者"},
		{editor, "帮助 预揽", "没有命令「预揽」。你是不是要看「帮助 预览」？"},
		{editor, "帮助 对照", "没有命令「对照」。你是不是要看「帮助 对照组」？"},
		{editor, "帮助 xyz", "没有命令「xyz」。\n" + f.bot.Help(editor)},
		{editor, "帮助 预览 批准", "用法：帮助 [命令]"},
	}
	for _, tt := range tests {
		if got := f.bot.Handle(t.Context(), tt.admin, tt.text); got != tt.want {
			t.Errorf("%s: %q\nwant %q", tt.text, got, tt.want)
		}
	}
	en := newFixture(t, english)
	if got, want := en.bot.Handle(t.Context(), approver, "help preview"), "preview <id> [again]\n"+
		"preview on your phone (the creator's preview freezes the plan; anyone else only sees the frozen plan, unless they add \"again\" to freeze a new one, which voids the old plan's approvals)\n"+
		"Example: preview 12"; got != want {
		t.Errorf("help preview: %q\nwant %q", got, want)
	}
}

// TestEveryCommandHasAnExample: help explains each command with an
// example in both languages, and the example is a command its parser
// takes as it stands.
func TestEveryCommandHasAnExample(t *testing.T) {
	for _, lang := range []string{"zh", "en"} {
		b := New(Options{Language: lang})
		for i := range b.cmds {
			c := &b.cmds[i]
			example := c.exampleZH
			if lang == "en" {
				example = c.exampleEN
			}
			if example == "" {
				t.Errorf("%s: %s has no example", lang, c.name)
				continue
			}
			got, _, rest := b.split(example)
			if got != c {
				t.Errorf("%s: the example %q of %s is not that command", lang, example, c.name)
				continue
			}
			if _, err := c.parse(b, rest); err != nil {
				t.Errorf("%s: the example %q of %s does not parse: %v", lang, example, c.name, err)
			}
			if h := b.helpOn(owner, b.label(c)); !strings.Contains(h, example) {
				t.Errorf("%s: help on %s lacks its example:\n%s", lang, c.name, h)
			}
		}
	}
}
