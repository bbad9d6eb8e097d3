package broadcast

import (
	"context"
	"time"

	"go.uber.org/zap"

	"github.com/wxcast/wxcast/store"
)

// Frequency caps. WeChat filters a service account's followers past four
// mass messages a calendar month without telling who; wxcast counts what
// it sends each follower, leaves capped followers out of a plan (and again
// when sending begins, as other broadcasts may have reached them since),
// and takes each follower's slot atomically just before their batch's
// first call to WeChat, once per batch (store.Caps.Reserve), giving it
// back if WeChat refuses the batch for good. A follower is thus counted
// once per broadcast (per step of a series), and never past the cap, even
// with several broadcasts sending at once.

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

// limits are the caps in force at t. The month is always counted (0: no
// limit): its counters also keep the receipts the unsubscribe guardrail
// reads.
func (s *Service) limits(t time.Time) []limit {
	t = t.In(s.loc())
	out := []limit{{store.Period{Key: monthKey(t), TTL: monthTTL}, s.o.MonthlyCap}}
	if s.o.DailyCap > 0 {
		out = append(out, limit{store.Period{Key: "d" + t.Format("2006-01-02"), TTL: dayTTL}, s.o.DailyCap})
	}
	return out
}

func monthKey(t time.Time) string { return "m" + t.Format("2006-01") }

// receiptPeriods are the periods whose counters hold the receipts of the
// 24 h before t: t's month, and the last one.
func (s *Service) receiptPeriods(t time.Time) []string {
	t = t.In(s.loc())
	first := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, s.loc())
	return []string{monthKey(t), monthKey(first.Add(-time.Hour))}
}

// uncapped returns openids without the followers who reached a cap at t,
// and how many it left out. Without caps it returns openids as they are.
func (s *Service) uncapped(ctx context.Context, openids []string, t time.Time) ([]string, int, error) {
	lim := s.limits(t)
	if s.o.Caps == nil || len(openids) == 0 {
		return openids, 0, nil
	}
	over := make([]bool, len(openids))
	for _, l := range lim {
		if l.max == 0 {
			continue
		}
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

// reserve takes the cap slots of batch i of b (pending, about to be
// sent for the first time at now) and cuts the batch down to the
// followers who got one, changing b (saved by the caller). Reserving is
// atomic and once per batch (store.Caps.Reserve): two broadcasts sending
// at once cannot both take a follower's last slot, and a retried or
// resumed batch gets the same followers back. skip is true when fewer
// than two are left, whom the API cannot reach: the batch is then done
// without a call, its slots given back.
func (s *Service) reserve(ctx context.Context, b *Broadcast, i int, now time.Time) (skip bool, err error) {
	if s.o.Caps == nil {
		return false, nil
	}
	lim := s.limits(now)
	x := &b.Batches[i]
	openids, err := s.o.Store.ReadList(ctx, b.ID, "s"+batchKey(b, x), i)
	if err != nil {
		return false, err
	}
	kept, _, err := s.o.Caps.Reserve(ctx, b.ID, i, openids, storeLimits(lim), now)
	if err != nil {
		return false, err
	}
	x.Began = now
	// Measured against the record, not the list: after a crash or a
	// conflict the list may be cut down already while the record is not.
	if n := x.Size - len(kept); n > 0 {
		x.Capped = n
		b.Capped += n
	}
	if len(kept) < 2 {
		if err := s.o.Caps.Release(ctx, b.ID, i); err != nil {
			return false, err
		}
		x.State, x.Size = BatchSkipped, 0
		b.Lone += len(kept)
		return true, nil
	}
	if len(kept) < len(openids) {
		if err := s.o.Store.WriteList(ctx, b.ID, "s"+batchKey(b, x), i, kept, listTTL); err != nil {
			return false, err
		}
	}
	x.Size = len(kept)
	return false, nil
}

// release gives back the cap slots of batch i of b, which WeChat refused
// for good, or which will never be sent (cancelled before its call: a
// reservation whose record did not land). It does nothing for a batch
// never reserved. A failure is logged: the followers then lose one slot
// this period, which errs on the side of fewer messages.
func (s *Service) release(ctx context.Context, b *Broadcast, i int) {
	if s.o.Caps == nil || i >= len(b.Batches) {
		return
	}
	if err := s.o.Caps.Release(ctx, b.ID, i); err != nil {
		s.o.Log.Warn("give back the cap slots of a failed batch", zap.Int64("id", b.ID), zap.Int("batch", i), zap.Error(err))
	}
}

func storeLimits(lim []limit) []store.Limit {
	out := make([]store.Limit, len(lim))
	for i, l := range lim {
		out[i] = store.Limit{Period: l.period, Max: l.max}
	}
	return out
}
