package sender

import (
	"context"
	"errors"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/wxcast/wxcast/store"
)

const (
	// leaseTTL is how long a replica that stopped renewing keeps a
	// broadcast; another replica resumes it within leaseTTL plus a poll.
	leaseTTL   = 30 * time.Second
	leaseRenew = 10 * time.Second
	// retryMax bounds the wait between two attempts of a batch, and
	// between two tries after Redis failed.
	retryMax = time.Minute
)

// sendBroadcast sends broadcast id's remaining batches while this replica
// holds its lease.
func (s *Sender) sendBroadcast(ctx context.Context, id int64) {
	ok, err := s.o.Store.Lease(ctx, id, s.o.Owner, leaseTTL)
	if err != nil || !ok {
		return
	}
	lctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var renew sync.WaitGroup
	renew.Go(func() { s.renewLease(lctx, cancel, id) })
	defer func() {
		cancel()
		renew.Wait()
		rctx, done := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
		defer done()
		_ = s.o.Store.ReleaseLease(rctx, id, s.o.Owner)
	}()
	attempt, failures := 0, 0
	for lctx.Err() == nil {
		wait, more, err := s.step(lctx, id, &attempt)
		if err != nil {
			if lctx.Err() != nil || errors.Is(err, store.ErrLeaseLost) {
				return
			}
			// Redis trouble, most likely: wait longer each time, so a
			// long outage is not a log line a second.
			failures++
			wait = max(wait, backoff(failures))
			s.o.Log.Warn("broadcast sender", zap.Int64("id", id), zap.Int("failures", failures),
				zap.Duration("retry_in", wait), zap.Error(err))
		} else {
			failures = 0
		}
		if !more {
			return
		}
		// Look again at least every poll: a pause, cancel or resume (or a
		// clock moved by a test) shows at once instead of after the whole
		// batch interval.
		if wait > 0 && !s.sleep(lctx, min(wait, pollEvery)) {
			return
		}
	}
}

// renewLease keeps broadcast id's lease until ctx ends; when the lease is
// lost (Redis is gone, or another replica took over) it cancels the
// sending before its next call to WeChat.
func (s *Sender) renewLease(ctx context.Context, cancel context.CancelFunc, id int64) {
	tick, stop := s.o.Clock.Ticker(leaseRenew)
	defer stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick:
		}
		if ok, err := s.o.Store.Lease(ctx, id, s.o.Owner, leaseTTL); err != nil || !ok {
			if ctx.Err() == nil {
				s.o.Log.Warn("broadcast sender: lease lost", zap.Int64("id", id), zap.Error(err))
			}
			cancel()
			return
		}
	}
}

func backoff(attempt int) time.Duration {
	d := time.Second << min(attempt, 6)
	return min(d, retryMax)
}
