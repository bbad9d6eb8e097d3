package admin

import (
	"strings"
	"testing"
	"time"

	"github.com/wxcast/wxcast/bot/broadcast"
)

// Status accounts for the whole frozen audience: every part shown, adding
// up to it, with the unknown batch explained and the quota wait's end.
func TestStatusAccountsForTheWholeAudience(t *testing.T) {
	f := newFixture(t)
	m := f.inMemory()
	b := f.draft(1, broadcast.StateSending, typeText)
	b.Plan.Audience, b.BatchKey, b.Holdout = 1000, "k", 10
	b.Cut = &broadcast.Cut{Unsubscribed: 12, Capped: 30, Lone: 0, Holdout: 100}
	b.Batches = []broadcast.Batch{
		{Size: 400, State: broadcast.BatchSent, Capped: 8},
		{Size: 200, State: broadcast.BatchUnknown, Lone: 1},
		{Size: 150, State: broadcast.BatchFailed},
		{Size: 99, State: broadcast.BatchSending},
	}
	b.QuotaUntil = f.now.Add(14 * time.Hour)
	m.put(b)
	got := f.bot.Handle(t.Context(), editor, "状态 1")
	for _, want := range []string{
		"名单 1,000 人 = 已发 400 + 失败 150 + 未知 200 + 待发 99 + 发送时排除 51（退订 12、频次上限 38、不足两人 1、已有标签 0）+ 对照组 100",
		"未知 200 人：微信始终未确认是否发出，按未送达计，不会重发",
		"等待中：今日微信群发接口额度已用完，" + f.bot.short(b.QuotaUntil) + " 自动继续",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("status lacks %q:\n%s", want, got)
		}
	}
	if a, _ := b.Accounting(); a.Sum() != a.Audience {
		t.Errorf("parts %d, audience %d", a.Sum(), a.Audience)
	}
	// Once the wait is over, the line goes.
	f.now = b.QuotaUntil.Add(time.Minute)
	if got := f.bot.Handle(t.Context(), editor, "状态 1"); strings.Contains(got, "额度已用完") {
		t.Errorf("the quota wait is still shown after it ended:\n%s", got)
	}
}

// A broadcast that no longer sends shows its unsent batches as never
// sent, not as waiting.
func TestStatusOfAStoppedBroadcastSaysNeverSent(t *testing.T) {
	f := newFixture(t)
	m := f.inMemory()
	b := f.draft(1, broadcast.StateCancelled, typeText)
	b.Plan.Audience, b.BatchKey = 10, "k"
	b.Cut = &broadcast.Cut{Holdout: 1}
	b.Batches = []broadcast.Batch{{Size: 3, State: broadcast.BatchSent}, {Size: 3, State: broadcast.BatchPending}, {Size: 3, State: broadcast.BatchPending}}
	m.put(b)
	got := f.bot.Handle(t.Context(), editor, "状态 1")
	if want := "名单 10 人 = 已发 3 + 失败 0 + 未知 0 + 已停止未发 6 + 发送时排除 0"; !strings.Contains(got, want) || strings.Contains(got, "待发") {
		t.Errorf("status lacks %q (and must not say 待发):\n%s", want, got)
	}
}

// A tag send shows its tagging, the day it waits for, and its cleanup;
// followers on their way into the tag are waiting.
func TestStatusShowsTheTagging(t *testing.T) {
	f := newFixture(t)
	m := f.inMemory()
	b := f.draft(1, broadcast.StateSending, typeText)
	b.Plan.Audience, b.BatchKey = 25000, "k"
	b.Cut = &broadcast.Cut{Unsubscribed: 3}
	b.Batches = []broadcast.Batch{{Size: 2, State: broadcast.BatchPending}}
	b.TagSend = &broadcast.TagSend{Key: "t", Versions: []broadcast.TagVersion{{Name: "wxc-1-A-a1b2c3d4",
		Stage: broadcast.TagStageTag, Runs: 3, Done: 1, Members: 24995, Capped: 5, Tagged: 9990, Batch: -1}}}
	m.put(b)
	got := f.bot.Handle(t.Context(), editor, "状态 1")
	for _, want := range []string{
		"按标签发送：已打标签 9,990 人（1/3 组），临时标签「wxc-1-A-a1b2c3d4」",
		"待发 24,992",
		"频次上限 5",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("status lacks %q:\n%s", want, got)
		}
	}
	b.TagSend.NotBefore = f.now.Add(5 * time.Hour)
	m.put(b)
	if got := f.bot.Handle(t.Context(), editor, "状态 1"); !strings.Contains(got, f.bot.short(b.TagSend.NotBefore)+" 开始打标签") {
		t.Errorf("status lacks the day the tagging waits for:\n%s", got)
	}
	b.TagSend.NotBefore = time.Time{}
	b.TagSend.Versions[0].Stage = broadcast.TagStageCleanup
	b.Batches[0].State = broadcast.BatchSent
	m.put(b)
	if got := f.bot.Handle(t.Context(), editor, "状态 1"); !strings.Contains(got, "正在移除临时标签") {
		t.Errorf("status lacks the cleanup:\n%s", got)
	}
}
