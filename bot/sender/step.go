package sender

import (
	"context"
	"errors"
	"time"

	"go.uber.org/zap"

	"github.com/wxcast/wxcast/bot/broadcast"
	"github.com/wxcast/wxcast/store"
)

// dedupWindow is how long a batch may be retried with the same
// clientmsgid: WeChat remembers one for 24 hours, so past that a retry
// could deliver the batch a second time.
const dedupWindow = 23 * time.Hour

// step does the next thing broadcast id needs: build the batches, send
// one, ask WeChat about one, or finish. It returns how long to wait before
// the next step and whether there is one.
func (s *Sender) step(ctx context.Context, id int64) (time.Duration, bool, error) {
	b, err := s.o.Records.Get(ctx, id)
	if err != nil {
		return 0, false, err
	}
	if s.newer(b) {
		return 0, false, nil
	}
	if b.State != broadcast.StateSending {
		if b.State.Final() && !b.TagSend.Cleaned() && s.tags != nil {
			// Cancelled or stopped with a tag on WeChat: remove it.
			return s.cleanupStep(ctx, b)
		}
		return 0, false, nil
	}
	if paused, err := s.o.Store.Paused(ctx); err != nil || paused {
		return 0, false, err
	}
	if n, ok := needsUpload(b); ok {
		if s.o.News == nil {
			return 0, false, s.fail(ctx, b, broadcast.FailNoAPI, "news cannot be uploaded: the WeChat API is off")
		}
		return s.freezeNews(ctx, b, n)
	}
	if b.BatchKey == "" {
		build := s.materialize
		if b.Plan != nil && b.Plan.Channel == broadcast.ChannelTag && b.Series == nil {
			build = s.materializeTag
		}
		err := build(ctx, b)
		switch {
		case errors.Is(err, store.ErrConflict):
			return 0, true, nil // someone wrote meanwhile: build again
		case errors.Is(err, store.ErrListGone):
			return 0, false, s.fail(ctx, b, broadcast.FailExpired, "the audience snapshot has expired (kept 30 days); preview again")
		}
		return 0, true, err
	}
	if b.TagSend.Tagging() {
		return s.tagStep(ctx, b)
	}
	i := b.NextBatchIndex()
	if i < 0 {
		if !b.TagSend.Cleaned() {
			return s.cleanupStep(ctx, b)
		}
		return 0, false, s.finishSending(ctx, b)
	}
	now := s.now()
	if w := b.NextBatch.Sub(now); w > 0 {
		return w, true, nil
	}
	x := &b.Batches[i]
	if x.State == broadcast.BatchSending && x.Lost &&
		(now.Sub(x.Began) > dedupWindow || x.NotBefore.Sub(x.Began) > dedupWindow) {
		// WeChat no longer remembers (or will not by the time it may be
		// asked) the clientmsgid of an attempt that may have gone out.
		return 0, true, s.outOfWindow(ctx, b, i)
	}
	if w := x.NotBefore.Sub(now); w > 0 {
		return w, true, nil // held back: stored, so every replica keeps to it
	}
	if x.State == broadcast.BatchSending && x.MsgID != 0 {
		return s.confirm(ctx, b, i)
	}
	if x.State == broadcast.BatchPending && !x.Held {
		// First attempt: take the followers' cap slots, and send only to
		// those who got one.
		skip, err := s.reserve(ctx, b, i, now)
		if errors.Is(err, store.ErrListGone) {
			x.State, x.Error = broadcast.BatchFailed, "the batch's openid list has expired"
			return 0, false, s.fail(ctx, b, broadcast.FailExpired, x.Error)
		}
		if err != nil {
			return time.Second, true, err
		}
		if skip {
			err := s.o.Records.Save(ctx, b, store.Change{Owner: s.o.Owner})
			if errors.Is(err, store.ErrConflict) {
				err = nil
			}
			return 0, true, err
		}
	}
	if x.Tag != 0 && x.Attempts == 0 {
		if err := s.recheck(ctx, b, i); err != nil {
			return time.Second, true, err
		}
	}
	return s.sendBatch(ctx, b, i)
}

// sendBatch makes one attempt at batch i of b. The intent is recorded
// first, with the batch marked as possibly lost: from there on a crash
// leaves the batch in "sending", and whoever resumes it sends it again
// with the same clientmsgid, which WeChat deduplicates. An answer that
// proves the call was refused takes the mark back.
func (s *Sender) sendBatch(ctx context.Context, b *broadcast.Broadcast, i int) (time.Duration, bool, error) {
	x := &b.Batches[i]
	wasLost := x.Lost
	x.State, x.Lost = broadcast.BatchSending, true
	x.Attempts++
	now := s.now()
	if !wasLost {
		// The first attempt that may reach WeChat starts its 24 h
		// clientmsgid window; refused attempts before it do not count.
		x.Began = now
	}
	// Should this replica die during the call, the one that takes over
	// asks again only after WeChat's minute; an answer replaces this.
	x.NotBefore = now.Add(s.o.RetryGap)
	if err := s.o.Records.Save(ctx, b, store.Change{Owner: s.o.Owner}); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return 0, true, nil
		}
		return 0, false, err
	}
	if x.Tag != 0 {
		// The tag channel's one call for a version: every follower the
		// tag holds (see tagStep).
		sent, err := s.tags.MassSendAll(ctx, x.Tag, b.SendContent(x.Variant).WeChat(), b.ClientMsgID(i))
		return s.outcome(ctx, b, i, x.Size, sent, err, wasLost)
	}
	openids, err := s.o.Store.ReadList(ctx, b.ID, b.BatchList(i), i)
	if errors.Is(err, store.ErrListGone) {
		x.State, x.Error = broadcast.BatchFailed, "the batch's openid list has expired"
		return 0, false, s.fail(ctx, b, broadcast.FailExpired, x.Error)
	}
	if err != nil {
		return time.Second, true, err
	}
	sent, err := s.o.API.MassSend(ctx, openids, b.SendContent(x.Variant).WeChat(), b.ClientMsgID(i))
	return s.outcome(ctx, b, i, len(openids), sent, err, wasLost)
}

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
		x.State, x.Size, x.Lone = broadcast.BatchSkipped, 0, len(kept)
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
