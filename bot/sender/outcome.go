package sender

import (
	"context"
	"errors"
	"time"

	"github.com/wxcast/wxcast/bot/broadcast"
	"github.com/wxcast/wxcast/bot/wxapi"
	"github.com/wxcast/wxcast/store"
)

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

// batchSent records that WeChat accepted batch i. It needs no lease: a
// replica that took over sends the batch with the same clientmsgid, gets
// "already sent" and records the same thing.
func (s *Sender) batchSent(ctx context.Context, id int64, i int, msgID int64) error {
	defer func() {
		if msgID != 0 && s.o.Reports != nil {
			s.o.Reports.ApplyEarly(ctx, msgID)
		}
	}()
	_, err := s.o.Records.Update(ctx, id, func(b *broadcast.Broadcast) (store.Change, error) {
		if i >= len(b.Batches) || b.Batches[i].State == broadcast.BatchSent {
			return store.Change{}, broadcast.ErrNoChange
		}
		x := &b.Batches[i]
		now := s.now()
		x.State, x.MsgID, x.Error, x.Accepted = broadcast.BatchSent, msgID, "", now
		b.NextBatch = now.Add(s.o.BatchInterval)
		c := store.Change{}
		if msgID != 0 {
			c.MsgIDs = map[int64]int{msgID: i}
		}
		return c, nil
	})
	if errors.Is(err, broadcast.ErrNoChange) {
		return nil
	}
	return err
}

// batchFailed records a batch WeChat refused for good and stops the
// broadcast: the rest would most likely be refused too.
func (s *Sender) batchFailed(ctx context.Context, id int64, i int, why string) error {
	stopped := false
	b, err := s.o.Records.Update(ctx, id, func(b *broadcast.Broadcast) (store.Change, error) {
		stopped = false
		if i < len(b.Batches) {
			b.Batches[i].State, b.Batches[i].Error = broadcast.BatchFailed, why
		}
		if b.State != broadcast.StateSending {
			return store.Change{}, nil // cancelled meanwhile: it stays cancelled
		}
		stopped = true
		b.State, b.Failure, b.Finished = broadcast.StatePartiallyFailed, why, s.now()
		return store.Change{}, nil
	})
	if err != nil {
		return err
	}
	if stopped {
		s.o.Notices.Failed(ctx, b)
	}
	return nil
}

// fail stops b (already changed by the caller) as partially failed and
// alerts the owners.
func (s *Sender) fail(ctx context.Context, b *broadcast.Broadcast, why string) error {
	b.State, b.Failure, b.Finished = broadcast.StatePartiallyFailed, why, s.now()
	if err := s.o.Records.Save(ctx, b, store.Change{}); err != nil {
		return err
	}
	s.o.Notices.Failed(ctx, b)
	return nil
}

// finishSending marks b sent once every batch was accepted or failed, or
// schedules the next step of its reminder series.
func (s *Sender) finishSending(ctx context.Context, b *broadcast.Broadcast) error {
	if sr := b.Series; sr != nil && b.Step+1 < len(sr.Offsets) {
		// The next reminder: scheduled, its audience cut when it fires.
		b.Step++
		b.State, b.SendAt, b.BatchKey, b.NextBatch = broadcast.StateScheduled, sr.At(b.Step), "", time.Time{}
		err := s.o.Records.Save(ctx, b, store.Change{})
		if errors.Is(err, store.ErrConflict) {
			return nil
		}
		return err
	}
	b.State, b.Finished = broadcast.StateSent, s.now()
	for _, x := range b.Batches {
		if x.State == broadcast.BatchFailed {
			b.State = broadcast.StatePartiallyFailed
		}
	}
	err := s.o.Records.Save(ctx, b, store.Change{})
	if errors.Is(err, store.ErrConflict) {
		return nil // read again at the next step
	}
	return err
}
