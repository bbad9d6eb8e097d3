package results

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"go.uber.org/zap"

	"github.com/wxcast/wxcast/bot/broadcast"
	"github.com/wxcast/wxcast/store"
)

// indexWait bounds how long a report waits for its batch to be recorded:
// WeChat may report a job a moment before the sender has saved its msg_id.
const indexWait = 2 * time.Second

// JobFinished records WeChat's counts for the batch r is about; once every
// batch has reported, the sender tells the creator and approvers. A report
// about a msg_id that is not a wxcast batch (a send from the console) is
// kept a while, in case its batch is recorded later. Applying a report
// twice changes nothing, so a retried callback is harmless.
func (s *Service) JobFinished(ctx context.Context, r broadcast.JobReport) error {
	id, batch, ok, err := s.findBatch(ctx, r.MsgID)
	if err != nil {
		return err
	}
	if !ok {
		// Not a batch we know: a send from the console, or a batch whose
		// sender died before recording it. Keep it for the replica that
		// takes over; it applies it when it records the batch.
		rec, _ := json.Marshal(r)
		return s.o.Store.KeepEarlyReport(ctx, r.MsgID, rec)
	}
	b, err := s.o.Records.Update(ctx, id, func(b *broadcast.Broadcast) (store.Change, error) {
		if batch >= len(b.Batches) {
			return store.Change{}, broadcast.ErrNoChange
		}
		x := &b.Batches[batch]
		x.Reported, x.Status = true, r.Status
		x.Total, x.Filtered, x.Sent, x.Errors = r.Total, r.Filtered, r.Sent, r.Errors
		return store.Change{}, nil
	})
	if errors.Is(err, broadcast.ErrNoChange) {
		return nil
	}
	if err != nil {
		return err
	}
	s.checkFailures(ctx, b)
	if (b.State == broadcast.StateSent || b.State == broadcast.StatePartiallyFailed) && b.AllReported() {
		// The sender tells people, outside WeChat's 5 seconds.
		s.o.Wake.Kick()
	}
	return nil
}

// findBatch looks msgID up in the index, waiting up to indexWait for the
// sender to record it.
func (s *Service) findBatch(ctx context.Context, msgID int64) (id int64, batch int, ok bool, err error) {
	t := time.NewTicker(200 * time.Millisecond)
	defer t.Stop()
	for deadline := time.Now().Add(indexWait); ; {
		id, batch, ok, err = s.o.Store.Batch(ctx, msgID)
		if err != nil || ok || time.Now().After(deadline) {
			return id, batch, ok, err
		}
		select {
		case <-ctx.Done():
			return 0, 0, false, ctx.Err()
		case <-t.C:
		}
	}
}

// ApplyEarly applies a job report that came before batch msgID was
// recorded.
func (s *Service) ApplyEarly(ctx context.Context, msgID int64) {
	rec, ok, err := s.o.Store.TakeEarlyReport(ctx, msgID)
	if err != nil || !ok {
		return
	}
	var r broadcast.JobReport
	if json.Unmarshal(rec, &r) != nil {
		return
	}
	if err := s.JobFinished(ctx, r); err != nil {
		s.o.Log.Warn("apply an early job report", zap.Int64("msg_id", msgID), zap.Error(err))
	}
}
