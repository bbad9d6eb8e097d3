package broadcast

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"time"

	"go.uber.org/zap"

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

// guardRates are a broadcast's rates so far, over the recipients of the
// batches they are known for.
type guardRates struct {
	Reached, Failed int // recipients of accepted batches; not reached
	Judged          int // recipients whose outcome is known (failed batches and reported ones)
}

func ratesOf(b *Broadcast) guardRates {
	var g guardRates
	reached := map[int]int{} // per reminder step
	for _, x := range b.Batches {
		switch {
		case x.State == BatchFailed:
			g.Judged += x.Size
			g.Failed += x.Size
		case x.State == BatchSent:
			reached[x.Step] += x.Size
			if x.Reported {
				g.Judged += x.Size
				g.Failed += x.Errors
			}
		}
	}
	// The followers reached: a later reminder goes to a subset of the
	// first, so the largest step counts them without counting anyone twice.
	for _, n := range reached {
		g.Reached = max(g.Reached, n)
	}
	return g
}

// Reached counts the followers b reached (each once, over a series).
func (b *Broadcast) Reached() int { return ratesOf(b).Reached }

// checkFailures pauses b when too many of its recipients were not
// reached so far.
func (s *Service) checkFailures(ctx context.Context, b *Broadcast) {
	g := ratesOf(b)
	if s.o.AlertFailureRate <= 0 || g.Judged < minGuardSample {
		return
	}
	rate := float64(g.Failed) / float64(g.Judged)
	if rate <= s.o.AlertFailureRate || (b.State != StateSending && b.State != StateScheduled) {
		return
	}
	s.guard(ctx, b.ID, "failure", func(b *Broadcast, _ bool) string {
		return msgGuardFailure(s.lang(), b, rate, s.o.AlertFailureRate)
	})
}

// Unsubscribed lays an unsubscribe by openid at the door of the newest
// broadcast they received in the 24 h before at, and pauses it when its
// unsubscribe share passes the threshold. A retried callback counts once.
func (s *Service) Unsubscribed(ctx context.Context, openid string, at time.Time) error {
	if s.o.Caps == nil {
		return nil
	}
	got, err := s.o.Caps.Received(ctx, openid, s.receiptPeriods(at), at.Add(-unsubWindow))
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
	b, err := s.Get(ctx, id)
	if err != nil {
		return
	}
	n, err := s.o.Caps.Unsubscribes(ctx, id)
	g := ratesOf(b)
	if err != nil || g.Reached < minGuardSample {
		return
	}
	rate := float64(n) / float64(g.Reached)
	if rate <= s.o.AlertUnsubscribeRate {
		return
	}
	s.guard(ctx, id, "unsubscribe", func(b *Broadcast, paused bool) string {
		return msgGuardUnsub(s.lang(), b, n, rate, s.o.AlertUnsubscribeRate, paused)
	})
}

// Unsubscribes counts the recipients of broadcast id who unsubscribed
// within 24 h of receiving it.
func (s *Service) Unsubscribes(ctx context.Context, id int64) (int, error) {
	if s.o.Caps == nil {
		return 0, nil
	}
	return s.o.Caps.Unsubscribes(ctx, id)
}

// guard pauses what is left of broadcast id, if anything, and alerts the
// owners, once per broadcast and kind across replicas.
func (s *Service) guard(ctx context.Context, id int64, kind string, text func(b *Broadcast, paused bool) string) {
	b, err := s.update(ctx, id, func(b *Broadcast) (store.Change, error) {
		if b.State != StateSending && b.State != StateScheduled || slices.Contains(b.GuardOK, kind) {
			return store.Change{}, errSkip // nothing left to pause, or an owner resumed past it
		}
		b.Paused = &Pause{At: s.o.Now(), Reason: kind, Scheduled: b.State == StateScheduled}
		b.State = StatePaused
		return store.Change{Active: -1}, nil
	})
	paused := err == nil
	if err != nil && !errors.Is(err, errSkip) {
		s.o.Log.Warn("guardrail: pause broadcast", zap.Int64("id", id), zap.String("kind", kind), zap.Error(err))
	}
	if b != nil && slices.Contains(b.GuardOK, kind) {
		return // an owner resumed past this rate: no second alert either
	}
	if b == nil {
		b = &Broadcast{ID: id}
	}
	s.o.Log.Warn("guardrail tripped", zap.Int64("id", id), zap.String("kind", kind), zap.Bool("paused", paused))
	msg := text(b, paused)
	// The alert calls WeChat for every owner: not inside the callback
	// (a job report or an unsubscribe) that tripped the guardrail.
	s.soon(ctx, func(ctx context.Context) {
		first, ferr := s.o.Store.Once(ctx, "guard-"+kind+":"+strconv.FormatInt(id, 10), 48*time.Hour)
		if ferr != nil || !first {
			return
		}
		s.alertOwners(ctx, b, msg)
	})
}

// Pause stops broadcast id's remaining batches (an owner's decision).
func (s *Service) Pause(ctx context.Context, a Admin, id int64) (*Broadcast, error) {
	return s.update(ctx, id, func(b *Broadcast) (store.Change, error) {
		if b.State != StateSending && b.State != StateScheduled {
			return store.Change{}, wrongState(b)
		}
		b.Paused = &Pause{At: s.o.Now(), By: a.OpenID, Reason: "owner", Scheduled: b.State == StateScheduled}
		b.State = StatePaused
		return store.Change{Active: -1}, nil
	})
}

// Resume sends what is left of paused broadcast id: its remaining batches,
// or its next reminder step at its time. Batches that would go on in the
// quiet hours need an owner's override, as a send would.
func (s *Service) Resume(ctx context.Context, a Admin, id int64, override string) (*Broadcast, error) {
	if override != "" && !a.Has(RoleOwner) {
		return nil, refuse(CodeOwnerOverride, id)
	}
	b, err := s.update(ctx, id, func(b *Broadcast) (store.Change, error) {
		if b.State != StatePaused || b.Paused == nil {
			return store.Change{}, refuse(CodeNotPaused, b.ID)
		}
		// Sending at once: the remaining batches, or a reminder whose time
		// passed during the pause.
		now := s.o.Now()
		if (!b.Paused.Scheduled || !now.Before(b.SendAt)) && s.quiet(now) {
			if override == "" {
				return store.Change{}, &Refusal{Code: CodeQuietHours, ID: b.ID, At: s.quietEnd(now), Detail: s.o.QuietHours.String()}
			}
			b.QuietOverride = &Override{By: a.OpenID, Name: a.Name, Reason: override, At: now, PlanHash: b.Plan.Hash}
		}
		if k := b.Paused.Reason; k != "owner" && !slices.Contains(b.GuardOK, k) {
			b.GuardOK = append(b.GuardOK, k) // the owner saw the rate: do not pause again for it
		}
		if b.Paused.Scheduled {
			b.State = StateScheduled
		} else {
			b.State = StateSending
		}
		b.Paused = nil
		return store.Change{Active: 1}, nil
	})
	if err == nil {
		s.Kick()
	}
	return b, err
}
