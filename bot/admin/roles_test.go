package admin

import (
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
	tests := []struct {
		admin broadcast.Admin
		words string
	}{
		{editor, "帮助 分群 人数 新建 详情 预览 发送 变体 对照组 提醒 取消 状态 列表"},
		{approver, "帮助 分群 人数 详情 预览 批准 驳回 发送 状态 列表"},
		{owner, "帮助 分群 人数 新建 详情 预览 批准 驳回 发送 变体 对照组 提醒 取消 状态 列表 撤回 暂停 恢复 审计"},
		{broadcast.Admin{OpenID: "o_ea", Name: "两者", Roles: []broadcast.Role{broadcast.RoleEditor, broadcast.RoleApprover}},
			"帮助 分群 人数 新建 详情 预览 批准 驳回 发送 变体 对照组 提醒 取消 状态 列表"},
	}
	for _, tt := range tests {
		t.Run(tt.admin.Name, func(t *testing.T) {
			help := f.bot.Help(tt.admin)
			ls := lines(help)
			if ls[0] != "可用命令（编号前的 # 可省略）：" {
				t.Errorf("header %q", ls[0])
			}
			var words []string
			for _, l := range ls[1:] {
				words = append(words, strings.FieldsFunc(l, func(r rune) bool { return r == ' ' || r == '：' })[0])
			}
			if got := strings.Join(words, " "); got != tt.words {
				t.Errorf("commands %q, want %q", got, tt.words)
			}
		})
	}
	if got := f.bot.Handle(t.Context(), approver, "帮助"); got != f.bot.Help(approver) {
		t.Errorf("帮助 replies %q, want Help", got)
	}
	if !strings.Contains(f.bot.Help(owner), "\n发送 <编号> [现在 | 最佳 | HH:MM | YYYY-MM-DD HH:MM] [强制 <理由>]：发送或排期已批准的群发（最佳：下一个推荐时段；免打扰时段须所有者强制）\n") {
		t.Errorf("help lacks the send line:\n%s", f.bot.Help(owner))
	}
	if h := f.bot.Help(nobody); h != "可用命令（编号前的 # 可省略）：" {
		t.Errorf("help for no role %q", h)
	}

	en := newFixture(t, english)
	want := "Commands (the # before an id is optional):\nhelp: this list\nsegments: segments with their sizes\n" +
		"count <segment>: the size of one segment\nshow <id>: a broadcast in full\npreview <id> [again]: preview on your phone (the creator's preview freezes the plan; anyone else only sees the frozen plan, unless they add \"again\" to freeze a new one, which voids the old plan's approvals)\napprove <id> [plan] [override <reason>]: approve the previewed plan (with its hash: only that plan; a plan with content-check hits needs an owner's override with a reason)\n" +
		"reject <id> [reason]: reject a broadcast\nsend <id> [now | best | HH:MM | YYYY-MM-DD HH:MM] [override <reason>]: send or schedule an approved broadcast (best: the next best window; quiet hours need an owner's override)\n" +
		"status <id> [window, e.g. 12h] [tag]: progress, unsubscribes, holdout and variant results\nlist: recent broadcasts and notices"
	if got := en.bot.Help(approver); got != want {
		t.Errorf("en help\n%s\nwant\n%s", got, want)
	}
}
