package broadcast

import (
	"context"
	"slices"

	"go.uber.org/zap"

	"github.com/wxcast/wxcast/store"
)

// Cancel stops broadcast id: before it sends, or between two batches. An
// editor may cancel only their own.
func (s *Service) Cancel(ctx context.Context, a Admin, id int64) (*Broadcast, error) {
	b, err := s.o.Records.Update(ctx, id, func(b *Broadcast) (store.Change, error) {
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
		if !b.TagSend.Cleaned() {
			c.Active = 1 // the sender removes the broadcast's tag, then drops it
		}
		b.State, b.CancelledBy = StateCancelled, a.OpenID
		return c, nil
	})
	if err != nil {
		return b, err
	}
	// A batch reserved just before the cancel, whose record had not landed
	// yet, holds cap slots it will never use.
	for i, x := range b.Batches {
		if x.State != BatchPending {
			continue
		}
		if err := s.o.Caps.Release(ctx, b.ID, i); err != nil {
			s.o.Log.Warn("give back the cap slots of a cancelled batch", zap.Int64("id", b.ID), zap.Int("batch", i), zap.Error(err))
		}
	}
	return b, nil
}

// Retract deletes every sent batch of broadcast id through the mass-delete
// API. WeChat deletes only news (图文): for text and image it refuses
// instead of pretending.
func (s *Service) Retract(ctx context.Context, a Admin, id int64) (*Broadcast, error) {
	b, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if r := retractable(b); r != nil {
		return b, r
	}
	if err := writable(b); err != nil {
		return b, err // before deleting at WeChat what the record could not note
	}
	if s.o.API == nil {
		return b, refuse(CodeNoAPI, id)
	}
	var done []int64
	var failed error
	for _, x := range b.Batches {
		if x.State != BatchSent || x.MsgID == 0 || slices.Contains(b.Retracted, x.MsgID) ||
			b.ContentOf(x.Variant).Type != "news" { // WeChat deletes only news
			continue
		}
		if err := s.o.API.MassDelete(ctx, x.MsgID); err != nil {
			failed = wechatRefusal(id, err)
			break
		}
		done = append(done, x.MsgID)
	}
	b, err = s.o.Records.Update(ctx, id, func(b *Broadcast) (store.Change, error) {
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

// retractable refuses to retract b when nothing of it went out for good,
// or when it has no news.
func retractable(b *Broadcast) *Refusal {
	switch b.State {
	case StateSent, StatePartiallyFailed:
	case StateCancelled, StatePaused:
		if b.Progress().Done == 0 {
			return wrongState(b) // nothing went out
		}
		if i := b.NextBatchIndex(); i >= 0 && b.Batches[i].State == BatchSending {
			// Cancelled while a batch was under way: wait for its outcome,
			// or it could go out after the retraction.
			return wrongState(&Broadcast{ID: b.ID, State: StateSending})
		}
	default:
		return wrongState(b)
	}
	if !slices.ContainsFunc(b.Contents(), func(c Content) bool { return c.Type == "news" }) {
		return &Refusal{Code: CodeCannotRetract, ID: b.ID, Detail: b.Content.Type}
	}
	return nil
}
