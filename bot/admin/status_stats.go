package admin

import (
	"context"
	"strings"
	"time"

	"github.com/wxcast/wxcast/bot/broadcast"
	"github.com/wxcast/wxcast/bot/stats"
)

// ArticleStats reads what WeChat reported of an article broadcast's reads,
// shares, likes, 在看 and comments (bot/stats.Fetcher).
type ArticleStats interface {
	Report(ctx context.Context, b *broadcast.Broadcast) (stats.Report, error)
}

// maxStatsDays bounds the days status lists: the newest ones.
const maxStatsDays = 8

// articleStats words the statistics of an article broadcast for status,
// "" for anything else (text, images, not sent yet, no service).
func (b *Bot) articleStats(ctx context.Context, bc *broadcast.Broadcast) (string, error) {
	if b.svc.articles == nil {
		return "", nil
	}
	r, err := b.svc.articles.Report(ctx, bc)
	if err != nil || !r.Article {
		return "", err
	}
	switch {
	case r.NoFigures():
		return b.t(kStatsNone), nil
	case r.Fetched.IsZero() && !r.Expected.IsZero():
		return b.t(kStatsExpected, b.short(r.Expected)), nil
	case r.Fetched.IsZero():
		return b.t(kStatsPending), nil
	}
	days := r.Days
	if len(days) > maxStatsDays {
		days = days[len(days)-maxStatsDays:]
	}
	lines := []string{b.t(kStatsHead, b.short(r.Fetched))}
	for _, d := range days {
		lines = append(lines, b.t(kStatsDay, shortDate(d.Date), thousands(int(d.Read)), thousands(int(d.Share)),
			thousands(int(d.Like)), thousands(int(d.Zaikan)), thousands(int(d.Comment))))
	}
	if r.Delayed {
		lines = append(lines, b.t(kStatsDelayed))
	}
	return strings.Join(lines, "\n"), nil
}

// shortDate writes "2006-01-02" as "01-02".
func shortDate(d string) string {
	if t, err := time.Parse(time.DateOnly, d); err == nil {
		return t.Format("01-02")
	}
	return d
}
