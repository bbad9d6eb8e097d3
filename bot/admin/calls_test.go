package admin

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wxcast/wxcast/bot/broadcast"
)

type fakeQuotas struct{ q broadcast.Quota }

var _ Quotas = (*fakeQuotas)(nil)

func (f *fakeQuotas) MassQuota(context.Context) broadcast.Quota { return f.q }

// previewing makes preview answer with b.
func previewing(f *fixture, b *broadcast.Broadcast) {
	f.approvals.PreviewFn = func(context.Context, broadcast.Admin, int64) (*broadcast.Broadcast, error) { return b, nil }
}

// The preview says how the plan sends, the calls it needs against what
// is left today, and when it would be delivered or what fits today.
func TestPreviewCallLines(t *testing.T) {
	day := func(f *fixture, d int) time.Time { return time.Date(2026, 11, 28+d, 0, 0, 0, 0, f.now.Location()) }
	tests := []struct {
		name  string
		lang  []option
		plan  func(f *fixture, p *broadcast.Plan)
		lines []string
	}{
		{"the outside report, no free tag", nil, func(f *fixture, p *broadcast.Plan) {
			p.Calls = &broadcast.Calls{Mass: broadcast.Quota{Need: 5, Left: 3, Limit: 100}, Short: true, Fit: 30,
				Done: day(f, 0), NoTag: &broadcast.NoTag{Reason: broadcast.NoTagTags, Need: 1, Have: 0}}
		}, []string{
			"发送方式：按 openid 分批群发",
			"未按标签群发：标签不足：需要 1 个，剩余 0 个",
			"群发接口：需 5 次，今日剩余 3/100 次",
			"今日剩余群发调用 3 次，此计划需要 5 次；今日可发约 30 人，其余需明日继续，预计 11-28 发完",
		}},
		{"by tag", nil, func(f *fixture, p *broadcast.Plan) {
			p.Channel = broadcast.ChannelTag
			q := func(n, left int) broadcast.Quota { return broadcast.Quota{Need: n, Left: left, Limit: 100000} }
			p.Calls = &broadcast.Calls{Mass: broadcast.Quota{Need: 2, Left: 97, Limit: 100}, AtMost: true,
				Upload: broadcast.Quota{Need: 1, Left: -1}, Tag: q(20000, 99000), Untag: q(20000, 100000),
				Create: q(1, 999), Delete: broadcast.Quota{Need: 1, Left: -1},
				Speed: 800000, Finish: f.now.Add(40 * time.Minute)}
		}, []string{
			"发送方式：按标签群发（每个版本一个临时标签）",
			"群发接口：最多 2 次（含已有 20 个标签者的 openid 批次），今日剩余 97/100 次",
			"图文上传（uploadnews）：需 1 次，今日剩余 未知",
			"标签接口：打标签 20,000 次（剩余 99,000/100,000 次），移除标签 20,000 次（剩余 100,000/100,000 次），建标签 1 次（剩余 999/100,000 次），删标签 1 次（剩余 未知）",
			"预计送达完成：2026-11-27 10:40（微信群发速度每分钟 800,000 人）",
		}},
		{"by tag tomorrow", nil, func(f *fixture, p *broadcast.Plan) {
			p.Channel = broadcast.ChannelTag
			p.Calls = &broadcast.Calls{Mass: broadcast.Quota{Need: 1, Left: 3, Limit: 100}, TagFrom: day(f, 0)}
		}, []string{
			"今日剩余时间不够打完标签，标签群发将于 11-28 开始",
			"微信群发速度未知，无法估计完成时间",
		}},
		{"a series, in English", []option{english}, func(f *fixture, p *broadcast.Plan) {
			p.Calls = &broadcast.Calls{Mass: broadcast.Quota{Need: 4, Left: -1}, Speed: 100000, Finish: f.now.Add(time.Hour),
				NoTag: &broadcast.NoTag{Reason: broadcast.NoTagSeries}}
		}, []string{
			"Sent by openid batches",
			"Not sent by tag: reminder series send by openid batches",
			"Mass-send API: 4 calls needed, unknown left today",
			"Delivered by about 2026-11-27 11:00 (WeChat delivers 100,000 followers a minute)",
		}},
		{"too late to tag", nil, func(f *fixture, p *broadcast.Plan) {
			p.Calls = &broadcast.Calls{Mass: broadcast.Quota{Need: 50, Left: 100, Limit: 100},
				NoTag: &broadcast.NoTag{Reason: broadcast.NoTagLate, Need: 34}}
		}, []string{"未按标签群发：打标签约需 34 分钟，今日剩余时间不够"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, tt.lang...)
			f.inMemory()
			b := f.draft(1, broadcast.StatePlanned, typeText)
			tt.plan(f, b.Plan)
			previewing(f, b)
			got := lines(f.bot.Handle(t.Context(), editor, "预览 1"))
			for _, want := range tt.lines {
				if !slices.Contains(got, want) {
					t.Errorf("no line %q in\n%s", want, strings.Join(got, "\n"))
				}
			}
		})
	}
}

// A plan made without quota readings shows none of it.
func TestPreviewWithoutCalls(t *testing.T) {
	f := newFixture(t)
	f.inMemory()
	previewing(f, f.draft(1, broadcast.StatePlanned, typeText))
	if got := f.bot.Handle(t.Context(), editor, "预览 1"); strings.Contains(got, "群发接口") || strings.Contains(got, "发送方式") {
		t.Errorf("preview %q speaks of calls the plan did not count", got)
	}
}

// Status and list end with today's remaining mass-send calls, or say they
// are unknown; without a quota reader they say nothing of them.
func TestStatusAndListShowTodaysMassCalls(t *testing.T) {
	for _, tt := range []struct {
		name   string
		quotas *fakeQuotas
		want   string
	}{
		{"read", &fakeQuotas{broadcast.Quota{Left: 97, Limit: 100}}, "今日群发接口剩余 97/100 次"},
		{"walled", &fakeQuotas{broadcast.Quota{Left: 0, Limit: 100}}, "今日群发接口剩余 0/100 次"},
		{"unknown", &fakeQuotas{broadcast.Quota{Left: -1}}, "今日群发接口剩余次数未知（未能读取微信额度）"},
		{"no reader", nil, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, func(o *Options) {
				if tt.quotas != nil {
					o.Quotas = tt.quotas
				}
			})
			m := f.inMemory()
			m.put(f.draft(1, broadcast.StateApproved, typeText))
			for _, cmd := range []string{"状态 1", "列表"} {
				got := lines(f.bot.Handle(t.Context(), editor, cmd))
				last := got[len(got)-1]
				if tt.want == "" {
					if strings.Contains(last, "群发接口") {
						t.Errorf("%s ends %q without a quota reader", cmd, last)
					}
					continue
				}
				if last != tt.want {
					t.Errorf("%s ends %q, want %q", cmd, last, tt.want)
				}
			}
		})
	}
}
