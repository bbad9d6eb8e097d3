package segment

import (
	"context"
	"sync"
	"time"

	"github.com/wxcast/wxcast/rules"
	"github.com/wxcast/wxcast/store"
)

// Histories is where a back-test reads followers and their recent events
// (store.Followers is one).
type Histories interface {
	Profiles
	Histories(ctx context.Context, openids []string) ([][]store.HistoryEntry, error)
}

var _ Histories = (*store.Followers)(nil)

// BacktestReport is what the tag rules of a ruleset would have done to
// the stored events of a period.
type BacktestReport struct {
	Version  string
	From, To time.Time
	// Followers with at least one event in the period, and those events.
	Followers, Events int
	Rules             []RuleReport // one per tag rule, in file order
}

// RuleReport is one tag rule's back-test.
type RuleReport struct {
	Name string
	// Tagged and Untagged count the followers the rule would have added
	// the tag to, or removed it from, at least once in the period.
	Tagged, Untagged int
	// AtEnd counts the replayed followers with the tag at the end of the
	// period; Live those with the tag now, as the live rules set it.
	AtEnd, Live int
	// Errors counts evaluations that failed at run time (counted false).
	Errors int
}

// Backtest replays every follower's stored events of the last days days
// (up to now, in cal) through the ruleset's tag rules, without changing
// anything. Each event is evaluated against the follower as it was then:
// the profile's counters and windows with the later events taken off, the
// last click, location, activity and subscription as of that event, and
// the tags as the replay has set them, starting from the tags the follower
// had when the period began. The stored history is bounded
// (profile.history_max, and location reports are thinned to one per 10
// minutes), so for very active followers the counts are estimates.
func Backtest(ctx context.Context, rs *rules.Ruleset, src Histories, cal store.Calendar, now time.Time, days int) (*BacktestReport, error) {
	from := now.Add(-time.Duration(days) * 24 * time.Hour)
	rep := &BacktestReport{Version: rs.Version, From: from, To: now, Rules: make([]RuleReport, len(rs.Tags))}
	for i, r := range rs.Tags {
		rep.Rules[i].Name = r.Name
	}
	var mu sync.Mutex
	err := src.Scan(ctx, store.ScanOptions{}, func(batch []*store.Profile) error {
		ids := make([]string, len(batch))
		for i, p := range batch {
			ids[i] = p.OpenID
		}
		hists, err := src.Histories(ctx, ids)
		if err != nil {
			return err
		}
		ev := rules.NewEvaluator()
		local := &BacktestReport{Rules: make([]RuleReport, len(rs.Tags))}
		for i, p := range batch {
			replay(rs, ev, p, hists[i], cal, from, now, local)
		}
		mu.Lock()
		defer mu.Unlock()
		rep.add(local)
		return nil
	})
	return rep, err
}

func (r *BacktestReport) add(o *BacktestReport) {
	r.Followers += o.Followers
	r.Events += o.Events
	for i := range r.Rules {
		a, b := &r.Rules[i], o.Rules[i]
		a.Tagged += b.Tagged
		a.Untagged += b.Untagged
		a.AtEnd += b.AtEnd
		a.Live += b.Live
		a.Errors += b.Errors
	}
}
