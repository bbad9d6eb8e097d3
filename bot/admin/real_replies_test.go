package admin_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/wxcast/wxcast/bot/broadcast"
)

// How the outcomes of real_service_test.go read in the chat: each
// command as an admin types it, and a distinctive part of each reply.

// command is a command as an admin types it (in Chinese, the default
// language), with a distinctive part of its success reply.
type command struct {
	name string
	text func(id int64) string
	ok   func(b *broadcast.Broadcast) string
}

func typed(word string) func(int64) string { return func(int64) string { return word } }

func withID(word string) func(int64) string {
	return func(id int64) string { return fmt.Sprintf("%s %d", word, id) }
}

// says is a success reply naming the broadcast: format with its id.
func says(format string) func(*broadcast.Broadcast) string {
	return func(b *broadcast.Broadcast) string { return fmt.Sprintf(format, b.ID) }
}

func fixed(s string) func(*broadcast.Broadcast) string {
	return func(*broadcast.Broadcast) string { return s }
}

func detail(b *broadcast.Broadcast) string {
	return fmt.Sprintf("#%d %s\n分群 everyone，%s：", b.ID, stateWords[b.State], typeWords[b.Content.Type])
}

var commands = []command{
	{"show", withID("详情"), detail},
	{"status", withID("状态"), detail},
	{"preview", withID("预览"), says("已发送预览到你的微信。#%d 计划")},
	{"approve", withID("批准"), says("已批准 #%d（计划")},
	{"reject", withID("驳回"), says("已驳回 #%d")},
	{"send", withID("发送"), says("#%d 开始发送")},
	{"cancel", withID("取消"), says("已取消 #%d")},
	{"retract", withID("撤回"), says("#%d 已撤回")},
	{"pause", typed("暂停"), fixed("已暂停全部发送")},
	{"resume", typed("恢复"), fixed("已恢复发送")},
	{"audit", typed("审计"), fixed("还没有审计记录")}, // setup went through the service, not the bot
	{"list", typed("列表"), func(b *broadcast.Broadcast) string {
		return fmt.Sprintf("#%d everyone %s %s", b.ID, typeWords[b.Content.Type], stateWords[b.State])
	}},
	{"segments", typed("分群"), fixed("everyone 4 人")},
	{"count", typed("人数 everyone"), fixed("everyone：4 人")},
	{"help", typed("帮助"), fixed("发送「帮助 命令」看用法和例子")},
	{"new", typed("新建 everyone 文本 你好"), func(b *broadcast.Broadcast) string {
		return fmt.Sprintf("已创建 #%d（分群 everyone，文本）", b.ID+1)
	}},
}

var stateWords = map[broadcast.State]string{
	broadcast.StateDraft: "草稿", broadcast.StatePlanned: "已预览", broadcast.StateApproved: "已批准",
	broadcast.StateScheduled: "已排期", broadcast.StateSending: "发送中", broadcast.StateSent: "已发送",
	broadcast.StatePartiallyFailed: "部分失败", broadcast.StateRejected: "已驳回",
	broadcast.StateCancelled: "已取消", broadcast.StateRetracted: "已撤回",
}

var typeWords = map[string]string{"news": "图文", "text": "文本"}

// refusals are a distinctive part of each refusal's reply, given the
// broadcast and the command word.
var refusals = map[string]func(b *broadcast.Broadcast, word string) string{
	denied: func(_ *broadcast.Broadcast, word string) string { return "你没有权限执行「" + word + "」" },
	state: func(b *broadcast.Broadcast, word string) string {
		return fmt.Sprintf("#%d 当前状态为「%s」，不能%s", b.ID, stateWords[b.State], word)
	},
	yours: func(b *broadcast.Broadcast, _ string) string { return fmt.Sprintf("#%d 不是你创建的", b.ID) },
	self: func(b *broadcast.Broadcast, _ string) string {
		return fmt.Sprintf("#%d 是你创建的，不能自己批准", b.ID)
	},
	again:  func(b *broadcast.Broadcast, _ string) string { return fmt.Sprintf("你已批准过 #%d", b.ID) },
	noPlan: func(b *broadcast.Broadcast, _ string) string { return fmt.Sprintf("#%d 还没有预览", b.ID) },
	unapproved: func(b *broadcast.Broadcast, _ string) string {
		return fmt.Sprintf("#%d 还需要 1 位审批人批准", b.ID)
	},
	newsOnly: func(*broadcast.Broadcast, string) string { return "只能撤回图文" },
	view: func(b *broadcast.Broadcast, _ string) string {
		return fmt.Sprintf("已发送预览到你的微信（仅查看，计划不变）。#%d 计划 %s", b.ID, b.Plan.Hash)
	},
}

// marker is a distinctive part of the reply for outcome want.
func marker(t *testing.T, c command, want string, b *broadcast.Broadcast, text string) string {
	t.Helper()
	if want == ok {
		return c.ok(b)
	}
	m, found := refusals[want]
	if !found {
		t.Fatalf("no expected outcome for %s", t.Name())
	}
	return m(b, strings.Fields(text)[0])
}
