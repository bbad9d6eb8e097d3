package broadcast

import (
	"context"
	"time"

	"github.com/wxcast/wxcast/store"
)

// SendOptions are the choices of a send besides its time.
type SendOptions struct {
	// Best sends at the next best window instead of a given time.
	Best bool
	// Override is an owner's reason to start in the quiet hours.
	Override string
}

// Send sends broadcast id's approved plan now (at zero) or at at, or at
// the next best window. An editor may send only their own broadcasts. The
// approvals are checked now: they must still be valid, for this plan and
// these rules. A send that would start in the quiet hours is refused with
// the next allowed time unless an owner overrides. A reminder series is
// scheduled at its own times.
func (s *Service) Send(ctx context.Context, a Admin, id int64, at time.Time, so SendOptions) (*Broadcast, error) {
	if so.Override != "" && !a.Has(RoleOwner) {
		return nil, refuse(CodeOwnerOverride, id)
	}
	var after error
	b, err := s.o.Records.Update(ctx, id, func(b *Broadcast) (store.Change, error) {
		after = nil
		if r := s.sendable(a, b); r != nil {
			return store.Change{}, r
		}
		c := store.Change{}
		if b.State == StateScheduled {
			c.Active = -1 // back in the set below unless refused
		}
		if r := b.VoidIfStale(s.rulesVersion()); r != nil {
			after = r
			return c, nil
		}
		if n := s.ValidApprovals(b); n < s.o.ApprovalsRequired {
			b.State = StatePlanned
			after = &Refusal{Code: CodeNotApproved, ID: b.ID, N: n, Need: s.o.ApprovalsRequired}
			return c, nil
		}
		if r := b.UnapprovedContent(); r != nil {
			return store.Change{}, r
		}
		start, quiet, r := s.sendTime(b, at, so)
		if r != nil {
			return store.Change{}, r
		}
		b.SentBy, b.QuietOverride = a.OpenID, nil
		if quiet {
			b.QuietOverride = &Override{By: a.OpenID, Name: a.Name, Reason: so.Override, At: s.o.Now(), PlanHash: b.Plan.Hash}
		}
		if start.IsZero() {
			b.State, b.SendAt = StateSending, s.o.Now()
		} else {
			b.State, b.SendAt = StateScheduled, start
		}
		return store.Change{Active: 1}, nil
	})
	if err != nil {
		return b, err
	}
	if after == nil {
		s.o.Wake.Kick()
	}
	return b, after
}

// sendable refuses a's send of b when its state or owner does not allow
// one.
func (s *Service) sendable(a Admin, b *Broadcast) *Refusal {
	switch {
	case b.State == StateDraft:
		return refuse(CodeNoPlan, b.ID)
	case b.State == StatePlanned:
		return &Refusal{Code: CodeNotApproved, ID: b.ID, N: s.ValidApprovals(b), Need: s.o.ApprovalsRequired}
	case b.State != StateApproved && b.State != StateScheduled:
		return wrongState(b)
	case !a.Has(RoleApprover) && b.Creator != a.OpenID:
		return refuse(CodeNotYours, b.ID)
	case len(b.Batches) > 0:
		// A series between two reminders: it goes on by itself.
		return wrongState(&Broadcast{ID: b.ID, State: StateSending})
	}
	return nil
}

// sendTime is when b starts (zero: now), or why it may not start then;
// quiet reports that a send starts in the quiet hours by the override.
func (s *Service) sendTime(b *Broadcast, at time.Time, so SendOptions) (start time.Time, quiet bool, r *Refusal) {
	now := s.o.Now()
	w := s.o.Windows
	if b.Series != nil {
		if !at.IsZero() || so.Best {
			return time.Time{}, false, &Refusal{Code: CodeSeriesTimes, ID: b.ID}
		}
		at = b.Series.At(0)
		if !at.After(now) {
			return time.Time{}, false, &Refusal{Code: CodeSeriesPast, ID: b.ID, At: at}
		}
		if r := s.stepGaps(b); r != nil {
			return time.Time{}, false, r
		}
	}
	if so.Best {
		t, ok := w.NextBest(now)
		if !ok {
			return time.Time{}, false, refuse(CodeNoBestWindow, b.ID)
		}
		if t.After(now) {
			at = t
		}
	}
	switch {
	case at.IsZero():
	case !at.After(now):
		return time.Time{}, false, &Refusal{Code: CodePastTime, ID: b.ID, At: at}
	case at.After(b.Plan.At.Add(snapshotLife)):
		return time.Time{}, false, &Refusal{Code: CodeTooFar, ID: b.ID, At: b.Plan.At.Add(snapshotLife)}
	}
	if sr := b.Series; sr != nil && sr.Deadline.After(b.Plan.At.Add(snapshotLife)) {
		return time.Time{}, false, &Refusal{Code: CodeTooFar, ID: b.ID, At: b.Plan.At.Add(snapshotLife)}
	}
	for _, t := range s.startTimes(b, at) {
		if !w.IsQuiet(t) {
			continue
		}
		if so.Override == "" {
			return time.Time{}, false, &Refusal{Code: CodeQuietHours, ID: b.ID, At: w.QuietEnd(t), Detail: w.Quiet.String()}
		}
		quiet = true
	}
	return at, quiet, nil
}

// startTimes are the times b's sends start when it starts at at (zero:
// now): every step of a series.
func (s *Service) startTimes(b *Broadcast, at time.Time) []time.Time {
	if b.Series == nil {
		if at.IsZero() {
			at = s.o.Now()
		}
		return []time.Time{at}
	}
	out := make([]time.Time, len(b.Series.Offsets))
	for i := range out {
		out[i] = b.Series.At(i)
	}
	return out
}
