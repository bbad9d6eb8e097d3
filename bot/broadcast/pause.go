package broadcast

import (
	"context"
	"slices"

	"github.com/wxcast/wxcast/store"
)

// Pause stops broadcast id's remaining batches (an owner's decision).
func (s *Service) Pause(ctx context.Context, a Admin, id int64) (*Broadcast, error) {
	return s.o.Records.Update(ctx, id, func(b *Broadcast) (store.Change, error) {
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
	w := s.o.Windows
	b, err := s.o.Records.Update(ctx, id, func(b *Broadcast) (store.Change, error) {
		if b.State != StatePaused || b.Paused == nil {
			return store.Change{}, refuse(CodeNotPaused, b.ID)
		}
		// Sending at once: the remaining batches, or a reminder whose time
		// passed during the pause.
		now := s.o.Now()
		if (!b.Paused.Scheduled || !now.Before(b.SendAt)) && w.IsQuiet(now) {
			if override == "" {
				return store.Change{}, &Refusal{Code: CodeQuietHours, ID: b.ID, At: w.QuietEnd(now), Detail: w.Quiet.String()}
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
		s.o.Wake.Kick()
	}
	return b, err
}

// SetPaused pauses or resumes all sending; batches under way finish.
func (s *Service) SetPaused(ctx context.Context, a Admin, paused bool) error {
	if err := s.o.Store.SetPaused(ctx, paused, a.OpenID, s.o.Now()); err != nil {
		return err
	}
	if !paused {
		s.o.Wake.Kick()
	}
	return nil
}

// Paused reports whether sending is paused.
func (s *Service) Paused(ctx context.Context) (bool, error) { return s.o.Store.Paused(ctx) }
