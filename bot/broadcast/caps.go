package broadcast

import (
	"context"
	"time"

	"github.com/wxcast/wxcast/store"
)

// Frequency caps. WeChat filters a service account's followers past four
// mass messages a calendar month without telling who; wxcast counts what
// it sent each follower, leaves capped followers out of a plan (and again
// when sending begins, as other broadcasts may have reached them since),
// and counts a follower once per broadcast step when their batch is
// accepted (store.Caps.Count records a batch once, so a retried or resumed
// batch is not counted twice).

// capTTL keeps counters a little past their period.
const (
	monthTTL = 62 * 24 * time.Hour
	dayTTL   = 3 * 24 * time.Hour
)

// limit is one cap: the period's key at some time and its maximum.
type limit struct {
	period store.Period
	max    int
}

// limits are the caps in force at t.
func (s *Service) limits(t time.Time) []limit {
	t = t.In(s.loc())
	var out []limit
	if s.o.MonthlyCap > 0 {
		out = append(out, limit{store.Period{Key: "m" + t.Format("2006-01"), TTL: monthTTL}, s.o.MonthlyCap})
	}
	if s.o.DailyCap > 0 {
		out = append(out, limit{store.Period{Key: "d" + t.Format("2006-01-02"), TTL: dayTTL}, s.o.DailyCap})
	}
	return out
}

// uncapped returns openids without the followers who reached a cap at t,
// and how many it left out. Without caps it returns openids as they are.
func (s *Service) uncapped(ctx context.Context, openids []string, t time.Time) ([]string, int, error) {
	lim := s.limits(t)
	if s.o.Caps == nil || len(lim) == 0 || len(openids) == 0 {
		return openids, 0, nil
	}
	over := make([]bool, len(openids))
	for _, l := range lim {
		counts, err := s.o.Caps.Counts(ctx, l.period.Key, openids)
		if err != nil {
			return nil, 0, err
		}
		for i, n := range counts {
			if n >= l.max {
				over[i] = true
			}
		}
	}
	kept := make([]string, 0, len(openids))
	for i, o := range openids {
		if !over[i] {
			kept = append(kept, o)
		}
	}
	return kept, len(openids) - len(kept), nil
}

// countBatch counts batch i of broadcast id, which reached openids at t,
// towards its followers' caps, once. Receipts are recorded even without
// caps: the unsubscribe guardrail needs them.
func (s *Service) countBatch(ctx context.Context, id int64, i int, openids []string, t time.Time) error {
	if s.o.Caps == nil {
		return nil
	}
	var periods []store.Period
	for _, l := range s.limits(t) {
		periods = append(periods, l.period)
	}
	_, err := s.o.Caps.Count(ctx, id, i, openids, periods, t)
	return err
}
