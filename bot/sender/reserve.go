package sender

import (
	"context"
	"time"

	"go.uber.org/zap"

	"github.com/wxcast/wxcast/bot/broadcast"
)

// reserve takes the cap slots of batch i of b (pending, about to be sent
// for the first time at now) and cuts the batch down to the followers who
// got one, changing b (saved by the caller). Reserving is atomic and once
// per batch (caps.Caps.Reserve). skip is true when fewer than two are
// left, whom the API cannot reach: the batch is then done without a call,
// its slots given back.
func (s *Sender) reserve(ctx context.Context, b *broadcast.Broadcast, i int, now time.Time) (skip bool, err error) {
	if s.o.Caps == nil {
		return false, nil
	}
	x := &b.Batches[i]
	openids, err := s.o.Store.ReadList(ctx, b.ID, b.BatchList(i), i)
	if err != nil {
		return false, err
	}
	kept, err := s.o.Caps.Reserve(ctx, b.ID, i, openids, now)
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
		x.State, x.Size = broadcast.BatchSkipped, 0
		b.Lone += len(kept)
		return true, nil
	}
	if len(kept) < len(openids) {
		if err := s.o.Store.WriteList(ctx, b.ID, b.BatchList(i), i, kept, broadcast.ListTTL); err != nil {
			return false, err
		}
	}
	x.Size = len(kept)
	return false, nil
}

// release gives back the cap slots of batch i of b, which WeChat refused
// for good. It does nothing for a batch never reserved. A failure is
// logged: the followers then lose one slot this period, which errs on the
// side of fewer messages.
func (s *Sender) release(ctx context.Context, b *broadcast.Broadcast, i int) {
	if i >= len(b.Batches) {
		return
	}
	if err := s.o.Caps.Release(ctx, b.ID, i); err != nil {
		s.o.Log.Warn("give back the cap slots of a failed batch", zap.Int64("id", b.ID), zap.Int("batch", i), zap.Error(err))
	}
}
