package broadcast

import (
	"time"

	"context"
	"slices"

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
	b, err := s.update(ctx, id, func(b *Broadcast) (store.Change, error) {
		after = nil
		if b.State != StateApproved && b.State != StateScheduled {
			if b.State == StateDraft {
				return store.Change{}, refuse(CodeNoPlan, b.ID)
			}
			if b.State == StatePlanned {
				return store.Change{}, &Refusal{Code: CodeNotApproved, ID: b.ID,
					N: s.ValidApprovals(b), Need: s.o.ApprovalsRequired}
			}
			return store.Change{}, wrongState(b)
		}
		if !a.Has(RoleApprover) && b.Creator != a.OpenID {
			return store.Change{}, refuse(CodeNotYours, b.ID)
		}
		if len(b.Batches) > 0 {
			// A series between two reminders: it goes on by itself.
			return store.Change{}, wrongState(&Broadcast{ID: b.ID, State: StateSending})
		}
		c := store.Change{}
		if b.State == StateScheduled {
			c.Active = -1 // back in the set below unless refused
		}
		if r := s.voidIfStale(b); r != nil {
			after = r
			return c, nil
		}
		if n := s.ValidApprovals(b); n < s.o.ApprovalsRequired {
			b.State = StatePlanned
			after = &Refusal{Code: CodeNotApproved, ID: b.ID, N: n, Need: s.o.ApprovalsRequired}
			return c, nil
		}
		if r := s.notApprovedContent(b); r != nil {
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
		s.Kick()
	}
	return b, after
}

// sendTime is when b starts (zero: now), or why it may not start then;
// quiet reports that a send starts in the quiet hours by the override.
func (s *Service) sendTime(b *Broadcast, at time.Time, so SendOptions) (start time.Time, quiet bool, r *Refusal) {
	now := s.o.Now()
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
		t, ok := s.nextBest(now)
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
		if !s.quiet(t) {
			continue
		}
		if so.Override == "" {
			return time.Time{}, false, &Refusal{Code: CodeQuietHours, ID: b.ID, At: s.quietEnd(t),
				Detail: s.o.QuietHours.String()}
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

// Cancel stops broadcast id: before it sends, or between two batches. An
// editor may cancel only their own.
func (s *Service) Cancel(ctx context.Context, a Admin, id int64) (*Broadcast, error) {
	b, err := s.update(ctx, id, func(b *Broadcast) (store.Change, error) {
		switch b.State {
		case StateDraft, StatePlanned, StateApproved, StateScheduled, StateSending, StatePaused:
		default:
			return store.Change{}, wrongState(b)
		}
		if !a.Has(RoleOwner) && b.Creator != a.OpenID {
			return store.Change{}, refuse(CodeNotYours, b.ID)
		}
		c := store.Change{}
		if b.State == StateScheduled || b.State == StateSending || b.State == StatePaused {
			c.Active = -1
			b.Finished = s.o.Now()
		}
		b.State, b.CancelledBy = StateCancelled, a.OpenID
		return c, nil
	})
	if err == nil {
		// A batch reserved just before the cancel, whose record had not
		// landed yet, holds cap slots it will never use.
		for i, x := range b.Batches {
			if x.State == BatchPending {
				s.release(ctx, b, i)
			}
		}
	}
	return b, err
}

// Retract deletes every sent batch of broadcast id through the mass-delete
// API. WeChat deletes only news (图文): for text and image it refuses
// instead of pretending.
func (s *Service) Retract(ctx context.Context, a Admin, id int64) (*Broadcast, error) {
	b, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	switch b.State {
	case StateSent, StatePartiallyFailed:
	case StateCancelled, StatePaused:
		if b.Progress().Done == 0 {
			return b, wrongState(b) // nothing went out
		}
		if nextBatch(b) >= 0 && b.Batches[nextBatch(b)].State == BatchSending {
			// Cancelled while a batch was under way: wait for its outcome,
			// or it could go out after the retraction.
			return b, wrongState(&Broadcast{ID: b.ID, State: StateSending})
		}
	default:
		return b, wrongState(b)
	}
	if !slices.ContainsFunc(b.contents(), func(c Content) bool { return c.Type == "news" }) {
		return b, &Refusal{Code: CodeCannotRetract, ID: id, Detail: b.Content.Type}
	}
	if s.o.API == nil {
		return b, refuse(CodeNoAPI, id)
	}
	var done []int64
	var failed error
	for _, x := range b.Batches {
		if x.State != BatchSent || x.MsgID == 0 || slices.Contains(b.Retracted, x.MsgID) ||
			b.contentOf(x.Variant).Type != "news" { // WeChat deletes only news
			continue
		}
		if err := s.o.API.MassDelete(ctx, x.MsgID); err != nil {
			failed = wechatRefusal(id, err)
			break
		}
		done = append(done, x.MsgID)
	}
	b, err = s.update(ctx, id, func(b *Broadcast) (store.Change, error) {
		for _, m := range done {
			if !slices.Contains(b.Retracted, m) {
				b.Retracted = append(b.Retracted, m)
			}
		}
		switch b.State {
		case StateSent, StatePartiallyFailed, StateCancelled, StatePaused:
			if failed == nil {
				b.State = StateRetracted
			}
		}
		return store.Change{}, nil
	})
	if err != nil {
		return b, err
	}
	return b, failed
}
