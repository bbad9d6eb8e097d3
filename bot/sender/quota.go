package sender

import (
	"context"
	"errors"
	"time"

	"go.uber.org/zap"

	"github.com/wxcast/wxcast/bot/broadcast"
	"github.com/wxcast/wxcast/bot/wxapi"
	"github.com/wxcast/wxcast/store"
)

// quotaWait holds batch i of b after WeChat answered 45009: the account's
// daily mass-send quota is spent, and no call goes through before it is
// reset. The broadcast waits for the later of the reset and the end of
// the quiet hours, shows so in status, and its creator and the owners are
// told when it goes on. Pause and cancel work meanwhile.
func (s *Sender) quotaWait(ctx context.Context, b *broadcast.Broadcast, i, attempt int, err error, wasLost bool, why string) error {
	now := s.now()
	until := quotaUntil(err, now)
	resume := s.o.Windows.QuietEnd(until)
	changed := false
	b, uerr := s.o.Records.Update(ctx, b.ID, func(b *broadcast.Broadcast) (store.Change, error) {
		if i >= len(b.Batches) || b.Batches[i].State != broadcast.BatchSending || b.Batches[i].Attempts != attempt {
			return store.Change{}, broadcast.ErrNoChange // see hold
		}
		x := &b.Batches[i]
		x.NotBefore, x.Lost, x.Error = resume, wasLost, why
		// A broadcast paused meanwhile keeps the wait but tells no one
		// it goes on by itself: it does not.
		changed = !b.QuotaUntil.Equal(resume) && b.State == broadcast.StateSending
		b.QuotaUntil = resume
		return store.Change{Owner: s.o.Owner}, nil
	})
	if errors.Is(uerr, broadcast.ErrNoChange) {
		return nil
	}
	if uerr != nil {
		return uerr
	}
	s.o.Log.Warn("mass send: daily quota spent, waiting", zap.Int64("id", b.ID), zap.Int("batch", i), zap.Time("until", resume))
	if changed {
		s.o.Notices.QuotaWait(ctx, b, resume)
	}
	return nil
}

// quotaUntil is when the quota that err reports spent comes back: the
// wall wxapi recorded, or the next reset.
func quotaUntil(err error, now time.Time) time.Time {
	var ae *wxapi.APIError
	if errors.As(err, &ae) && !ae.Until.IsZero() {
		return ae.Until
	}
	return wxapi.QuotaReset(now)
}
