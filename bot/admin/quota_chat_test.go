package admin_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/wxcast/wxcast/bot/admin"
	"github.com/wxcast/wxcast/bot/broadcast"
	"github.com/wxcast/wxcast/bot/wxapi"
	"github.com/wxcast/wxcast/internal/bctest"
	"github.com/wxcast/wxcast/store"
)

// The outside report, in the chat: a 50-follower broadcast in batches of
// 10 with 3 mass-send calls left today. With every tag of the account
// taken, the preview says the plan does not fit and what does, and status
// and list show the calls left; with a free tag it sends by tag.
func TestChatFiftyFollowersThreeCallsLeft(t *testing.T) {
	t.Parallel()
	morning := time.Date(2026, 12, 7, 2, 0, 0, 0, time.UTC) // 10:00 in Beijing
	beijing := time.FixedZone("Asia/Shanghai", 8*3600)
	for _, tt := range []struct {
		name    string
		fill    bool
		want    []string
		channel string
	}{
		{"no free tag", true, []string{
			"发送方式：按 openid 分批群发",
			"未按标签群发：标签不足：需要 1 个，剩余 0 个",
			"群发接口：需 5 次，今日剩余 3/100 次",
			"今日剩余群发调用 3 次，此计划需要 5 次；今日可发约 30 人，其余需明日继续，预计 12-08 发完",
		}, ""},
		{"a free tag", false, []string{
			"发送方式：按标签群发（每个版本一个临时标签）",
			"群发接口：需 1 次，今日剩余 3/100 次",
		}, broadcast.ChannelTag},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := bctest.New(t, sim, bctest.Config{Followers: 50, BatchSize: 10, Start: morning, Admins: []broadcast.Admin{bctest.Editor, bctest.Approver}})
			if tt.fill {
				w.FillTags()
			}
			if err := w.Store.QuotaCounts(w.AppID).Put(w.Ctx, wxapi.PathMassSend, store.QuotaReading{Limit: 100, Remain: 3}, time.Hour); err != nil {
				t.Fatal(err)
			}
			bot := admin.New(admin.Options{
				Drafts: w.Lifecycle, Approvals: w.Lifecycle, SendControl: w.Lifecycle, Segments: w.Lifecycle,
				Results: w.Results, Audit: w.Audit, Notices: w.Notify, Notifier: w.Notify, Quotas: w.Lifecycle,
				Admins: []broadcast.Admin{bctest.Editor, bctest.Approver}, Location: beijing, Now: w.Clock.Now,
				SlowAfter: time.Minute, BatchSize: 10, Log: zaptest.NewLogger(t, zaptest.Level(zap.WarnLevel)),
			})
			t.Cleanup(func() { _ = bot.Close(context.Background()) })
			if got := bot.Handle(w.Ctx, bctest.Editor, "新建 everyone 文本 你好"); !strings.Contains(got, "已创建 #") {
				t.Fatal(got)
			}
			list, err := w.Lifecycle.List(w.Ctx, 1)
			if err != nil {
				t.Fatal(err)
			}
			id := list[0].ID
			got := bot.Handle(w.Ctx, bctest.Editor, fmt.Sprintf("预览 %d", id))
			for _, want := range tt.want {
				if !strings.Contains(got, "\n"+want+"\n") && !strings.HasSuffix(got, "\n"+want) {
					t.Errorf("preview lacks the line %q:\n%s", want, got)
				}
			}
			if b := w.Get(id); b.Plan.Channel != tt.channel {
				t.Errorf("plan channel %q, want %q", b.Plan.Channel, tt.channel)
			}
			for _, cmd := range []string{fmt.Sprintf("状态 %d", id), "列表"} {
				if got := bot.Handle(w.Ctx, bctest.Editor, cmd); !strings.HasSuffix(got, "\n今日群发接口剩余 3/100 次") {
					t.Errorf("%s:\n%s\nwant it to end with the calls left today", cmd, got)
				}
			}
		})
	}
}
