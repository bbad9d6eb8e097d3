package admin

import (
	"context"
	"slices"

	"github.com/wxcast/wxcast/bot/broadcast"
)

// command is one row of the command table. The table drives parsing,
// permissions and help, so adding a command is adding a row.
type command struct {
	name    string // English word; also the command's label in English replies
	zh      string // Chinese word; also its label in Chinese replies
	aliases []string
	// roles lists the roles of which any one allows the command.
	roles []broadcast.Role
	// usage is the command's syntax, help a few words on what it does.
	usageZH, usageEN string
	helpZH, helpEN   string
	// slow commands can outlast WeChat's reply window (see slow.go).
	slow  bool
	parse func(b *Bot, rest string) (args, error)
	run   handler
}

// handler runs a parsed command. The broadcast it returns, if any, names
// the plan in the audit log.
type handler func(ctx context.Context, b *Bot, a broadcast.Admin, x args) (string, *broadcast.Broadcast, error)

// commands is the command table, in the order help lists it.
func commands() []command {
	// Any one of a row's roles allows the command.
	anyRole := []broadcast.Role{broadcast.RoleEditor, broadcast.RoleApprover, broadcast.RoleOwner}
	editor := []broadcast.Role{broadcast.RoleEditor}
	approver := []broadcast.Role{broadcast.RoleApprover}
	sender := []broadcast.Role{broadcast.RoleEditor, broadcast.RoleApprover}
	owner := []broadcast.Role{broadcast.RoleOwner}
	return []command{
		{name: "help", zh: "帮助", roles: anyRole,
			usageZH: "帮助", usageEN: "help",
			helpZH: "本说明", helpEN: "this list",
			parse: noArgs, run: runHelp},
		{name: "segments", zh: "分群", roles: anyRole,
			usageZH: "分群", usageEN: "segments",
			helpZH: "各分群的人数", helpEN: "segments with their sizes",
			slow: true, parse: noArgs, run: runSegments},
		{name: "count", zh: "人数", roles: anyRole,
			usageZH: "人数 <分群>", usageEN: "count <segment>",
			helpZH: "一个分群的人数", helpEN: "the size of one segment",
			slow: true, parse: segmentArg, run: runCount},
		{name: "new", zh: "新建", roles: editor,
			usageZH: "新建 <分群> 文本 <内容> | 新建 <分群> 图文|图片 <media_id>",
			usageEN: "new <segment> text <content> | new <segment> news|image <media_id>",
			helpZH:  "新建群发", helpEN: "create a broadcast",
			parse: newArgs, run: runNew},
		{name: "show", zh: "详情", roles: anyRole,
			usageZH: "详情 <编号>", usageEN: "show <id>",
			helpZH: "群发详情", helpEN: "a broadcast in full",
			parse: idArg, run: runShow},
		{name: "preview", zh: "预览", roles: []broadcast.Role{broadcast.RoleEditor, broadcast.RoleApprover},
			usageZH: "预览 <编号>", usageEN: "preview <id>",
			helpZH: "发预览到你的微信（创建者预览即冻结计划）", helpEN: "preview on your phone (the creator's preview freezes the plan)",
			slow: true, parse: idArg, run: runPreview},
		{name: "approve", zh: "批准", roles: approver,
			usageZH: "批准 <编号> [计划号]", usageEN: "approve <id> [plan]",
			helpZH: "批准预览过的计划（带计划号则只批准该计划）", helpEN: "approve the previewed plan (with its hash: only that plan)",
			parse: approveArgs, run: runApprove},
		{name: "reject", zh: "驳回", roles: approver,
			usageZH: "驳回 <编号> [理由]", usageEN: "reject <id> [reason]",
			helpZH: "驳回群发", helpEN: "reject a broadcast",
			parse: rejectArgs, run: runReject},
		{name: "send", zh: "发送", roles: sender,
			usageZH: "发送 <编号> [现在 | HH:MM | YYYY-MM-DD HH:MM]",
			usageEN: "send <id> [now | HH:MM | YYYY-MM-DD HH:MM]",
			helpZH:  "发送或排期已批准的群发", helpEN: "send or schedule an approved broadcast",
			parse: sendArgs, run: runSend},
		{name: "cancel", zh: "取消", roles: editor,
			usageZH: "取消 <编号>", usageEN: "cancel <id>",
			helpZH: "取消未发送的群发", helpEN: "cancel a broadcast not yet sent",
			parse: idArg, run: runCancel},
		{name: "status", zh: "状态", roles: anyRole,
			usageZH: "状态 <编号>", usageEN: "status <id>",
			helpZH: "发送进度与通知", helpEN: "progress and notices",
			parse: idArg, run: runShow},
		{name: "list", zh: "列表", roles: anyRole,
			usageZH: "列表", usageEN: "list",
			helpZH: "最近的群发与通知", helpEN: "recent broadcasts and notices",
			parse: noArgs, run: runList},
		{name: "retract", zh: "撤回", roles: owner,
			usageZH: "撤回 <编号>", usageEN: "retract <id>",
			helpZH: "删除已发送的图文", helpEN: "delete a sent news broadcast",
			parse: idArg, run: runRetract},
		{name: "pause", zh: "暂停", roles: owner,
			usageZH: "暂停", usageEN: "pause",
			helpZH: "暂停全部发送", helpEN: "pause all sending",
			parse: noArgs, run: runPause},
		{name: "resume", zh: "恢复", roles: owner,
			usageZH: "恢复", usageEN: "resume",
			helpZH: "恢复发送", helpEN: "resume sending",
			parse: noArgs, run: runResume},
		{name: "audit", zh: "审计", roles: owner,
			usageZH: "审计 [条数，最多 50]", usageEN: "audit [n, at most 50]",
			helpZH: "最近的操作记录", helpEN: "recent admin actions",
			parse: auditArgs, run: runAudit},
	}
}

// names are the words that select c, in any case.
func (c *command) names() []string {
	return append([]string{c.name, c.zh}, c.aliases...)
}

// allows reports whether a holds one of the roles c needs.
func (c *command) allows(a broadcast.Admin) bool {
	return slices.ContainsFunc(c.roles, a.Has)
}

// label is c's word in the bot's language.
func (b *Bot) label(c *command) string {
	if b.lang == "en" {
		return c.name
	}
	return c.zh
}

func (b *Bot) usage(c *command) string {
	if b.lang == "en" {
		return b.t(kUsage, c.usageEN)
	}
	return b.t(kUsage, c.usageZH)
}
