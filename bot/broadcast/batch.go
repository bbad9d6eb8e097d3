package broadcast

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.uber.org/zap"

	"github.com/wxcast/wxcast/bot/wxapi"
	"github.com/wxcast/wxcast/store"
)

// step does the next thing broadcast id needs: build the batches, send
// one, or finish. It returns how long to wait before the next step and
// whether there is one.
func (s *Service) step(ctx context.Context, id int64, attempt *int) (time.Duration, bool, error) {
	b, err := s.Get(ctx, id)
	if err != nil {
		return 0, false, err
	}
	if b.State != StateSending {
		return 0, false, nil
	}
	if paused, err := s.o.Store.Paused(ctx); err != nil || paused {
		return 0, false, err
	}
	if b.BatchKey == "" {
		err := s.materialize(ctx, b)
		switch {
		case errors.Is(err, store.ErrConflict):
			return 0, true, nil // someone wrote meanwhile: build again
		case errors.Is(err, store.ErrListGone):
			return 0, false, s.fail(ctx, b, "the audience snapshot has expired (kept 30 days); preview again")
		}
		return 0, true, err
	}
	i := nextBatch(b)
	if i < 0 {
		return 0, false, s.finishSending(ctx, b)
	}
	now := s.o.Now()
	if w := b.NextBatch.Sub(now); w > 0 {
		return w, true, nil
	}
	x := &b.Batches[i]
	if x.State == BatchSending && now.Sub(x.Began) > dedupWindow {
		// WeChat no longer remembers this batch's clientmsgid: sending it
		// again could deliver it twice. Stop and tell the owners.
		x.State, x.Error = BatchFailed, "outcome unknown: last attempt is older than WeChat's 24 h clientmsgid window"
		return 0, true, s.fail(ctx, b, x.Error)
	}
	if x.State == BatchPending {
		// First attempt: take the followers' cap slots, and send only to
		// those who got one.
		skip, err := s.reserve(ctx, b, i, now)
		if errors.Is(err, store.ErrListGone) {
			x.State, x.Error = BatchFailed, "the batch's openid list has expired"
			return 0, false, s.fail(ctx, b, x.Error)
		}
		if err != nil {
			return time.Second, true, err
		}
		if skip {
			err := s.save(ctx, b, store.Change{Owner: s.o.Owner})
			if errors.Is(err, store.ErrConflict) {
				err = nil
			}
			return 0, true, err
		}
	}
	// Record the intent first: from here on a crash leaves the batch in
	// "sending", and whoever resumes it sends it again with the same
	// clientmsgid, which WeChat deduplicates.
	x.State = BatchSending
	x.Attempts++
	if x.Began.IsZero() {
		x.Began = now
	}
	if err := s.save(ctx, b, store.Change{Owner: s.o.Owner}); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return 0, true, nil
		}
		return 0, false, err
	}
	openids, err := s.o.Store.ReadList(ctx, id, "s"+batchKey(b, x), i)
	if errors.Is(err, store.ErrListGone) {
		x.State, x.Error = BatchFailed, "the batch's openid list has expired"
		return 0, false, s.fail(ctx, b, x.Error)
	}
	if err != nil {
		return time.Second, true, err
	}
	msgID, err := s.o.API.MassSend(ctx, openids, b.contentOf(x.Variant), clientMsgID(b, i))
	switch kind, detail := classify(err); kind {
	case outcomeSent:
		outcome := "sent"
		if err != nil {
			outcome = "already_sent"
			var ae *wxapi.APIError
			if errors.As(err, &ae) {
				msgID = ae.MsgID
			}
		}
		s.metrics.calls.WithLabelValues(outcome).Inc()
		s.metrics.recipients.Add(float64(len(openids)))
		*attempt = 0
		return 0, true, s.batchSent(ctx, id, i, msgID)
	case outcomeRetry:
		s.metrics.calls.WithLabelValues("retried").Inc()
		*attempt++
		wait := backoff(*attempt)
		if wxapi.ErrCode(err) == codeRetryTooFast {
			wait = s.o.RetryGap
		}
		s.o.Log.Warn("mass send: retrying", zap.Int64("id", id), zap.Int("batch", i),
			zap.Duration("in", wait), zap.String("error", detail))
		return wait, true, nil
	default:
		s.metrics.calls.WithLabelValues("failed").Inc()
		s.release(ctx, b, i)
		return 0, false, s.batchFailed(ctx, id, i, detail)
	}
}

// batchKey names the openid lists of batch x of b.
func batchKey(b *Broadcast, x *Batch) string {
	if x.Key != "" {
		return x.Key
	}
	return b.BatchKey
}

// nextBatch is the first batch not yet sent or failed, -1 if none.
func nextBatch(b *Broadcast) int {
	for i, x := range b.Batches {
		if x.State == BatchPending || x.State == BatchSending {
			return i
		}
	}
	return -1
}

// clientMsgID names batch i of b for WeChat's 24-hour dedup: the same
// batch always gets the same id, no two batches (of any broadcast or
// plan) share one, and it stays short (WeChat refuses some ids far below
// its documented 64 bytes; this one is at most 36).
func clientMsgID(b *Broadcast, i int) string {
	return fmt.Sprintf("wxc%d-%s-%d", b.ID, b.Plan.Hash, i)
}

// Batch outcomes.
const (
	outcomeSent = iota
	outcomeRetry
	outcomeFail
)

// WeChat errcodes the sender treats specially.
const (
	codeSystemBusy   = -1
	codeStaleToken   = 40001 // another system fetched a token: the next call gets a fresh one
	codeBadToken     = 40014
	codeTokenExpired = 42001
	codeDailyQuota   = 45009
	codeMinuteQuota  = 45011
	codeAlreadySent  = 45065 // clientmsgid used within 24 h: sent before
	codeRetryTooFast = 45066 // same clientmsgid again within a minute
	codeTaskTooMuch  = 9500002
)

// classify sorts a mass-send result: sent (including "already sent"),
// worth retrying with the same clientmsgid, or final.
func classify(err error) (int, string) {
	if err == nil {
		return outcomeSent, ""
	}
	switch wxapi.ErrCode(err) {
	case codeAlreadySent:
		return outcomeSent, err.Error()
	case 0, codeSystemBusy, codeDailyQuota, codeMinuteQuota, codeRetryTooFast, codeTaskTooMuch,
		codeStaleToken, codeBadToken, codeTokenExpired:
		return outcomeRetry, err.Error() // 0: the network; the call may have arrived
	}
	return outcomeFail, err.Error()
}

func backoff(attempt int) time.Duration {
	d := time.Second << min(attempt, 6)
	return min(d, retryMax)
}

func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// batchSent records that WeChat accepted batch i. It needs no lease: a
// replica that took over sends the batch with the same clientmsgid, gets
// "already sent" and records the same thing.
func (s *Service) batchSent(ctx context.Context, id int64, i int, msgID int64) error {
	defer func() {
		if msgID != 0 {
			s.applyEarlyReport(ctx, msgID)
		}
	}()
	_, err := s.update(ctx, id, func(b *Broadcast) (store.Change, error) {
		if i >= len(b.Batches) || b.Batches[i].State == BatchSent {
			return store.Change{}, errSkip
		}
		x := &b.Batches[i]
		x.State, x.MsgID, x.Error, x.Accepted = BatchSent, msgID, "", s.o.Now()
		b.NextBatch = s.o.Now().Add(s.o.BatchInterval)
		c := store.Change{}
		if msgID != 0 {
			c.MsgIDs = map[int64]int{msgID: i}
		}
		return c, nil
	})
	if errors.Is(err, errSkip) {
		return nil
	}
	return err
}

// batchFailed records a batch WeChat refused for good and stops the
// broadcast: the rest would most likely be refused too.
func (s *Service) batchFailed(ctx context.Context, id int64, i int, why string) error {
	stopped := false
	b, err := s.update(ctx, id, func(b *Broadcast) (store.Change, error) {
		stopped = false
		if i < len(b.Batches) {
			b.Batches[i].State, b.Batches[i].Error = BatchFailed, why
		}
		if b.State != StateSending {
			return store.Change{}, nil // cancelled meanwhile: it stays cancelled
		}
		stopped = true
		b.State, b.Failure, b.Finished = StatePartiallyFailed, why, s.o.Now()
		return store.Change{}, nil
	})
	if err != nil {
		return err
	}
	if stopped {
		s.alertOwners(ctx, b, msgFailed(s.lang(), b))
	}
	return nil
}

// fail stops b (already changed by the caller) as partially failed and
// alerts the owners.
func (s *Service) fail(ctx context.Context, b *Broadcast, why string) error {
	b.State, b.Failure, b.Finished = StatePartiallyFailed, why, s.o.Now()
	if err := s.save(ctx, b, store.Change{}); err != nil {
		return err
	}
	s.alertOwners(ctx, b, msgFailed(s.lang(), b))
	return nil
}

// finishSending marks b sent once every batch was accepted or failed.
func (s *Service) finishSending(ctx context.Context, b *Broadcast) error {
	if sr := b.Series; sr != nil && b.Step+1 < len(sr.Offsets) {
		// The next reminder: scheduled, its audience cut when it fires.
		b.Step++
		b.State, b.SendAt, b.BatchKey, b.NextBatch = StateScheduled, sr.At(b.Step), "", time.Time{}
		err := s.save(ctx, b, store.Change{})
		if errors.Is(err, store.ErrConflict) {
			return nil
		}
		return err
	}
	b.State, b.Finished = StateSent, s.o.Now()
	for _, x := range b.Batches {
		if x.State == BatchFailed {
			b.State = StatePartiallyFailed
		}
	}
	err := s.save(ctx, b, store.Change{})
	if errors.Is(err, store.ErrConflict) {
		return nil // read again at the next step
	}
	return err
}
