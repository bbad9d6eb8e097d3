package admin

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/wxcast/wxcast/bot/broadcast"
	"github.com/wxcast/wxcast/bot/stats"
)

// fakeArticles answers every broadcast with report.
type fakeArticles struct{ report stats.Report }

func (f *fakeArticles) Report(context.Context, *broadcast.Broadcast) (stats.Report, error) {
	return f.report, nil
}

// status answers 状态 1 for a sent news broadcast with the report given.
func statusWith(t *testing.T, r stats.Report, lang string) string {
	t.Helper()
	fa := &fakeArticles{report: r}
	f := newFixture(t, func(o *Options) { o.Articles, o.Language = fa, lang })
	m := f.inMemory()
	b := f.draft(1, broadcast.StateSent, typeNews)
	m.put(b)
	cmd := "状态 1"
	if lang == "en" {
		cmd = "status 1"
	}
	return f.bot.Handle(t.Context(), editor, cmd)
}

func TestStatusArticleStatsWordings(t *testing.T) {
	fetched := time.Date(2026, 11, 28, 9, 5, 0, 0, time.UTC) // 17:05 in Shanghai
	var days []stats.Day
	for d := 1; d <= 10; d++ {
		days = append(days, stats.Day{Date: fmt.Sprintf("2026-11-%02d", d),
			Figures: stats.Figures{Read: int64(1000 * d), Share: 2, Like: 3, Zaikan: 4, Comment: 5}})
	}
	tests := []struct {
		name, lang string
		r          stats.Report
		want, not  []string
	}{
		{"not an article", "zh", stats.Report{}, nil, []string{"图文数据", "统计数据"}},
		{"expected", "zh", stats.Report{Article: true, Expected: fetched},
			[]string{"图文数据：微信次日起提供，预计 11-28 17:05 后可查看"}, nil},
		{"pending", "zh", stats.Report{Article: true}, []string{"图文数据：尚未从微信取到，稍后再查看"}, nil},
		{"none", "zh", stats.Report{Article: true, Fetched: fetched}, []string{"微信未报告这次群发的统计数据"}, []string{"阅读"}},
		{"none in English", "en", stats.Report{Article: true, Fetched: fetched},
			[]string{"WeChat reported no statistics for this broadcast"}, nil},
		{"figures, newest eight days", "zh", stats.Report{Article: true, Fetched: fetched, Matched: true, Delayed: true, Days: days},
			[]string{"图文数据（微信统计，截至各日累计，11-28 17:05 更新）：",
				"11-03 阅读 3,000 · 分享 2 · 点赞 3 · 在看 4 · 评论 5", "11-10 阅读 10,000 ·", "微信提示数据尚未最终确定"},
			[]string{"11-02 阅读"}},
	}
	for _, tt := range tests {
		got := statusWith(t, tt.r, tt.lang)
		for _, w := range tt.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: lacks %q:\n%s", tt.name, w, got)
			}
		}
		for _, w := range tt.not {
			if strings.Contains(got, w) {
				t.Errorf("%s: says %q:\n%s", tt.name, w, got)
			}
		}
	}
}
