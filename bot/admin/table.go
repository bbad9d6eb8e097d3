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
	// group is the heading help lists the command under (kGroup + group);
	// example is one command as an admin would type it.
	group                string
	exampleZH, exampleEN string
	// slow commands can outlast WeChat's reply window (see slow.go).
	slow  bool
	parse func(b *Bot, rest string) (args, error)
	run   handler
}

// handler runs a parsed command. The broadcast it returns, if any, names
// the plan in the audit log.
type handler func(ctx context.Context, b *Bot, a broadcast.Admin, x args) (string, *broadcast.Broadcast, error)

// The groups help lists the commands under; groupNone is help itself,
// which the list's last line explains.
const (
	groupNone    = ""
	groupCreate  = "create"
	groupFollow  = "follow"
	groupAccount = "account"
)

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
			usageZH: "帮助 [命令]", usageEN: "help [command]",
			helpZH: "常用命令与分组；带命令名则讲解该命令并举例", helpEN: "the common commands and the groups; with a command, that command explained with an example",
			group: groupNone, exampleZH: "帮助 预览", exampleEN: "help preview",
			parse: helpArgs, run: runHelp},
		{name: "segments", zh: "分群", roles: anyRole,
			usageZH: "分群", usageEN: "segments",
			helpZH: "各分群的人数", helpEN: "segments with their sizes",
			group: groupFollow, exampleZH: "分群", exampleEN: "segments",
			slow: true, parse: noArgs, run: runSegments},
		{name: "count", zh: "人数", roles: anyRole,
			usageZH: "人数 <分群>", usageEN: "count <segment>",
			helpZH: "一个分群的人数", helpEN: "the size of one segment",
			group: groupFollow, exampleZH: "人数 vip_active", exampleEN: "count vip_active",
			slow: true, parse: segmentArg, run: runCount},
		{name: "new", zh: "新建", roles: editor,
			usageZH: "新建 <分群> 文本 <内容> | 新建 <分群> 图文|图片 <media_id> | 新建 <分群> 草稿",
			usageEN: "new <segment> text <content> | new <segment> news|image <media_id> | new <segment> drafts",
			helpZH:  "新建群发（图文用草稿箱里草稿的 media_id；「新建 <分群> 草稿」列出最新草稿）",
			helpEN:  "create a broadcast (news takes a draft's media_id; \"new <segment> drafts\" lists the newest drafts)",
			group:   groupCreate, exampleZH: "新建 vip_active 文本 周末特惠：满199减30", exampleEN: "new vip_active text Weekend sale: 30 off 199",
			parse: newArgs, run: runNew},
		{name: "show", zh: "详情", roles: anyRole,
			usageZH: "详情 <编号>", usageEN: "show <id>",
			helpZH: "群发详情", helpEN: "a broadcast in full",
			group: groupFollow, exampleZH: "详情 12", exampleEN: "show 12",
			parse: idArg, run: runShow},
		{name: "preview", zh: "预览", roles: []broadcast.Role{broadcast.RoleEditor, broadcast.RoleApprover},
			usageZH: "预览 <编号> [重新]", usageEN: "preview <id> [again]",
			helpZH: "发预览到你的微信（创建者预览即冻结计划；其他人只查看已冻结的计划，加「重新」才按当前受众冻结新计划，旧计划的批准作废）",
			helpEN: "preview on your phone (the creator's preview freezes the plan; anyone else only sees the frozen plan, unless they add \"again\" to freeze a new one, which voids the old plan's approvals)",
			slow:   true, group: groupCreate, exampleZH: "预览 12", exampleEN: "preview 12",
			parse: previewArgs, run: runPreview},
		{name: "approve", zh: "批准", roles: approver,
			usageZH: "批准 <编号> [计划号] [强制 <理由>]", usageEN: "approve <id> [plan] [override <reason>]",
			helpZH: "批准预览过的计划（带计划号则只批准该计划；内容检查有命中时须所有者强制并写明理由）",
			helpEN: "approve the previewed plan (with its hash: only that plan; a plan with content-check hits needs an owner's override with a reason)",
			group:  groupCreate, exampleZH: "批准 12 3f2a9c1d", exampleEN: "approve 12 3f2a9c1d",
			parse: approveOverrideArgs, run: runApprove},
		{name: "reject", zh: "驳回", roles: approver,
			usageZH: "驳回 <编号> [理由]", usageEN: "reject <id> [reason]",
			helpZH: "驳回群发", helpEN: "reject a broadcast",
			group: groupCreate, exampleZH: "驳回 12 标题有错别字", exampleEN: "reject 12 typo in the title",
			parse: rejectArgs, run: runReject},
		{name: "send", zh: "发送", roles: sender,
			usageZH: "发送 <编号> [现在 | 最佳 | HH:MM | YYYY-MM-DD HH:MM] [强制 <理由>]",
			usageEN: "send <id> [now | best | HH:MM | YYYY-MM-DD HH:MM] [override <reason>]",
			helpZH:  "发送或排期已批准的群发（最佳：下一个推荐时段；免打扰时段须所有者强制）",
			helpEN:  "send or schedule an approved broadcast (best: the next best window; quiet hours need an owner's override)",
			group:   groupCreate, exampleZH: "发送 12 20:00", exampleEN: "send 12 20:00",
			parse: sendOverrideArgs, run: runSend},
		{name: "variant", zh: "变体", roles: editor,
			usageZH: "变体 <编号> 文本 <内容> | 变体 <编号> 图文|图片 <media_id>",
			usageEN: "variant <id> text <content> | variant <id> news|image <media_id>",
			helpZH:  "为 A/B 测试加一个版本（之后须重新预览）", helpEN: "add a version for an A/B test (preview again after)",
			group: groupCreate, exampleZH: "变体 12 文本 周末特惠，今晚截止", exampleEN: "variant 12 text Weekend sale, ends tonight",
			parse: variantArgs, run: runVariant},
		{name: "holdout", zh: "对照组", roles: editor,
			usageZH: "对照组 <编号> <百分比，如 10%>", usageEN: "holdout <id> <share, e.g. 10%>",
			helpZH: "留出不发送的对照组（0–50%，之后须重新预览）", helpEN: "keep a share of the audience unsent to compare (0-50%; preview again after)",
			group: groupCreate, exampleZH: "对照组 12 10%", exampleEN: "holdout 12 10%",
			parse: holdoutArgs, run: runHoldout},
		{name: "remind", zh: "提醒", roles: editor,
			usageZH: "提醒 <编号> <截止：HH:MM | YYYY-MM-DD HH:MM> <提前量，如 3h,1h,10m> [已行动标签 | 点击]",
			usageEN: "remind <id> <deadline: HH:MM | YYYY-MM-DD HH:MM> <offsets, e.g. 3h,1h,10m> [tag of those who acted | click]",
			helpZH:  "改为截止前的提醒系列，后续提醒跳过已有该标签的粉丝，或写「点击」跳过已点过链接的粉丝（之后须重新预览，批准一次）",
			helpEN:  "turn into a reminder series before a deadline, later reminders skipping followers with the tag, or with \"click\" those who clicked a link (preview again, approve once)",
			group:   groupCreate, exampleZH: "提醒 12 20:00 3h,1h clicked_promo", exampleEN: "remind 12 20:00 3h,1h clicked_promo",
			parse: remindArgs, run: runRemind},
		{name: "cancel", zh: "取消", roles: editor,
			usageZH: "取消 <编号>", usageEN: "cancel <id>",
			helpZH: "取消未发送的群发", helpEN: "cancel a broadcast not yet sent",
			group: groupCreate, exampleZH: "取消 12", exampleEN: "cancel 12",
			parse: idArg, run: runCancel},
		{name: "status", zh: "状态", roles: anyRole,
			usageZH: "状态 <编号> [统计时长 1h–168h，如 12h] [标签] [指标：点击 | 转化 | 回调]",
			usageEN: "status <id> [window 1h–168h, e.g. 12h] [tag] [metric: click | conversion | callback]",
			helpZH:  "发送进度、取关与效果：点击（逐人）、转化（对比对照组）或回调；不写指标时显示已有的点击和转化，都没有则显示回调",
			helpEN:  "progress, unsubscribes and results: clicks (per follower), conversions (against the holdout) or callbacks; without a metric, the clicks and conversions there are, else callbacks",
			group:   groupFollow, exampleZH: "状态 12 24h 点击", exampleEN: "status 12 24h click",
			slow: true, parse: statusArgs, run: runStatus},
		{name: "list", zh: "列表", roles: anyRole,
			usageZH: "列表", usageEN: "list",
			helpZH: "最近的群发与通知", helpEN: "recent broadcasts and notices",
			group: groupFollow, exampleZH: "列表", exampleEN: "list",
			parse: noArgs, run: runList},
		{name: "retract", zh: "撤回", roles: owner,
			usageZH: "撤回 <编号>", usageEN: "retract <id>",
			helpZH: "删除已发送的图文", helpEN: "delete a sent news broadcast",
			group: groupAccount, exampleZH: "撤回 12", exampleEN: "retract 12",
			parse: idArg, run: runRetract},
		{name: "pause", zh: "暂停", roles: owner,
			usageZH: "暂停 [编号]", usageEN: "pause [id]",
			helpZH: "暂停全部发送，或只暂停一个群发", helpEN: "pause all sending, or one broadcast",
			group: groupAccount, exampleZH: "暂停 12", exampleEN: "pause 12",
			parse: optionalID, run: runPause},
		{name: "resume", zh: "恢复", roles: owner,
			usageZH: "恢复 [编号 [强制 <理由>]]", usageEN: "resume [id [override <reason>]]",
			helpZH: "恢复全部发送，或恢复一个暂停的群发（免打扰时段须强制）", helpEN: "resume all sending, or one paused broadcast (in quiet hours with an override)",
			group: groupAccount, exampleZH: "恢复 12", exampleEN: "resume 12",
			parse: resumeArgs, run: runResume},
		{name: "audit", zh: "审计", roles: owner,
			usageZH: "审计 [条数，最多 50]", usageEN: "audit [n, at most 50]",
			helpZH: "最近的操作记录", helpEN: "recent admin actions",
			group: groupAccount, exampleZH: "审计 20", exampleEN: "audit 20",
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
