package results

import (
	"context"
	"errors"
	"slices"
	"time"

	"go.uber.org/zap"

	"github.com/wxcast/wxcast/bot/broadcast"
	"github.com/wxcast/wxcast/store"
)

// Guardrails. While a broadcast sends, and for 24 h after, two rates are
// watched: the share of recipients not reached (failed batches plus the
// errors WeChat reports) and the share who unsubscribe within 24 h of
// receiving it. Past its threshold either pauses what is left of the
// broadcast (remaining batches, later reminder steps) and alerts the
// owners, once.

// minGuardSample is how many recipients a rate needs before it is judged:
// one unsubscribe among the first ten recipients is not 10% of anything.
const minGuardSample = 100

// unsubWindow is how long after receiving a broadcast an unsubscribe is
// laid at its door.
const unsubWindow = 24 * time.Hour

// checkFailures pauses b when too many of its recipients were not
// reached so far.
func (s *Service) checkFailures(ctx context.Context, b *broadcast.Broadcast) {
	g := b.Rates()
	if s.o.AlertFailureRate <= 0 || g.Judged < minGuardSample {
		return
	}
	rate := float64(g.Failed) / float64(g.Judged)
	if rate <= s.o.AlertFailureRate || (b.State != broadcast.StateSending && b.State != broadcast.StateScheduled) {
		return
	}
	if b, _, ok := s.guard(ctx, b.ID, "failure"); ok {
		s.o.Alerts.GuardFailure(ctx, b, rate, s.o.AlertFailureRate)
	}
}

// Unsubscribed lays an unsubscribe by openid at the door of the newest
// broadcast they received in the 24 h before at, and pauses it when its
// unsubscribe share passes the threshold. A retried callback counts once.
func (s *Service) Unsubscribed(ctx context.Context, openid string, at time.Time) error {
	got, err := s.o.Caps.Received(ctx, openid, at.Add(-unsubWindow), at)
	if err != nil {
		return err
	}
	for _, r := range got {
		if r.At.After(at) {
			continue // received after unsubscribing: not its doing
		}
		first, err := s.o.Caps.AddUnsubscribe(ctx, r.ID, openid)
		if err != nil {
			return err
		}
		if first {
			s.checkUnsubscribes(ctx, r.ID)
		}
	}
	return nil
}

func (s *Service) checkUnsubscribes(ctx context.Context, id int64) {
	if s.o.AlertUnsubscribeRate <= 0 {
		return
	}
	b, err := s.o.Records.Get(ctx, id)
	if err != nil {
		return
	}
	n, err := s.o.Caps.Unsubscribes(ctx, id)
	g := b.Rates()
	if err != nil || g.Reached < minGuardSample {
		return
	}
	rate := float64(n) / float64(g.Reached)
	if rate <= s.o.AlertUnsubscribeRate {
		return
	}
	if b, paused, ok := s.guard(ctx, id, "unsubscribe"); ok {
		s.o.Alerts.GuardUnsubscribe(ctx, b, n, rate, s.o.AlertUnsubscribeRate, paused)
	}
}

// Unsubscribes counts the recipients of broadcast id who unsubscribed
// within 24 h of receiving it.
func (s *Service) Unsubscribes(ctx context.Context, id int64) (int, error) {
	return s.o.Caps.Unsubscribes(ctx, id)
}

// guard pauses what is left of broadcast id, if anything, for guardrail
// kind. alert is false when an owner already resumed past that guardrail:
// then nobody is alerted again.
func (s *Service) guard(ctx context.Context, id int64, kind string) (b *broadcast.Broadcast, paused, alert bool) {
	b, err := s.o.Records.Update(ctx, id, func(b *broadcast.Broadcast) (store.Change, error) {
		if b.State != broadcast.StateSending && b.State != broadcast.StateScheduled || slices.Contains(b.GuardOK, kind) {
			return store.Change{}, broadcast.ErrNoChange // nothing left to pause, or an owner resumed past it
		}
		b.Paused = &broadcast.Pause{At: s.o.Now(), Reason: kind, Scheduled: b.State == broadcast.StateScheduled}
		b.State = broadcast.StatePaused
		return store.Change{Active: -1}, nil
	})
	paused = err == nil
	if err != nil && !errors.Is(err, broadcast.ErrNoChange) {
		s.o.Log.Warn("guardrail: pause broadcast", zap.Int64("id", id), zap.String("kind", kind), zap.Error(err))
	}
	if b != nil && slices.Contains(b.GuardOK, kind) {
		return b, paused, false
	}
	if b == nil {
		b = &broadcast.Broadcast{ID: id}
	}
	s.o.Log.Warn("guardrail tripped", zap.Int64("id", id), zap.String("kind", kind), zap.Bool("paused", paused))
	return b, paused, true
}
