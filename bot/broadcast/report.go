package broadcast

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"go.uber.org/zap"

	"github.com/wxcast/wxcast/store"
)

// JobReport is WeChat's MASSSENDJOBFINISH for one batch.
type JobReport struct {
	MsgID                         int64
	Status                        string
	Total, Filtered, Sent, Errors int
}

// indexWait bounds how long a report waits for its batch to be recorded:
// WeChat may report a job a moment before the sender has saved its msg_id.
const indexWait = 2 * time.Second

// JobFinished records WeChat's counts for the batch r is about; once every
// batch has reported, the sender loop tells the creator and approvers. A report
// about a msg_id that is not a wxcast batch (a send from the console) is
// ignored. Applying a report twice changes nothing, so a retried callback
// is harmless.
func (s *Service) JobFinished(ctx context.Context, r JobReport) error {
	var (
		id    int64
		batch int
		ok    bool
		err   error
	)
	for deadline := time.Now().Add(indexWait); ; {
		id, batch, ok, err = s.o.Store.Batch(ctx, r.MsgID)
		if err != nil || ok || time.Now().After(deadline) {
			break
		}
		if !sleep(ctx, 200*time.Millisecond) {
			return ctx.Err()
		}
	}
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
	b, err := s.update(ctx, id, func(b *Broadcast) (store.Change, error) {
		if batch >= len(b.Batches) {
			return store.Change{}, errSkip
		}
		x := &b.Batches[batch]
		x.Reported, x.Status = true, r.Status
		x.Total, x.Filtered, x.Sent, x.Errors = r.Total, r.Filtered, r.Sent, r.Errors
		return store.Change{}, nil
	})
	if errors.Is(err, errSkip) {
		return nil
	}
	if err != nil {
		return err
	}
	s.checkFailures(ctx, b)
	if (b.State == StateSent || b.State == StatePartiallyFailed) && allReported(b) {
		// The sender loop tells people, outside WeChat's 5 seconds.
		s.Kick()
	}
	return nil
}

func allReported(b *Broadcast) bool {
	for _, x := range b.Batches {
		if x.State == BatchSent && !x.Reported {
			return false
		}
	}
	return true
}

// announce tells b's creator and approvers that it finished, once across
// all replicas, and alerts the owners when too many recipients failed.
func (s *Service) announce(ctx context.Context, id int64) {
	first := false
	b, err := s.update(ctx, id, func(b *Broadcast) (store.Change, error) {
		first = !b.Reported
		b.Reported = true
		return store.Change{Active: -1}, nil
	})
	if err != nil {
		s.o.Log.Warn("announce broadcast", zap.Int64("id", id), zap.Error(err))
		return
	}
	if !first {
		return
	}
	text := msgDone(s.lang(), b)
	told := map[string]bool{}
	for _, who := range append([]string{b.Creator}, approvers(b)...) {
		if told[who] {
			continue
		}
		told[who] = true
		s.Notify(ctx, s.admin(who), b.ID, text)
	}
	if p := b.Progress(); p.FailureRate() > s.o.AlertFailureRate {
		s.alertOwners(ctx, b, msgHighFailure(s.lang(), b, s.o.AlertFailureRate))
	}
}

func approvers(b *Broadcast) []string {
	var out []string
	for _, a := range b.Approvals {
		if b.Plan != nil && a.PlanHash == b.Plan.Hash {
			out = append(out, a.By)
		}
	}
	return out
}

// applyEarlyReport applies a job report that came before batch msgID was
// recorded.
func (s *Service) applyEarlyReport(ctx context.Context, msgID int64) {
	rec, ok, err := s.o.Store.TakeEarlyReport(ctx, msgID)
	if err != nil || !ok {
		return
	}
	var r JobReport
	if json.Unmarshal(rec, &r) != nil {
		return
	}
	if err := s.JobFinished(ctx, r); err != nil {
		s.o.Log.Warn("apply an early job report", zap.Int64("msg_id", msgID), zap.Error(err))
	}
}
