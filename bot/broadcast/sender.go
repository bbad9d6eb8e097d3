package broadcast

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
	// broadcast; another replica resumes it within leaseTTL plus a tick.
	leaseTTL   = 30 * time.Second
	leaseRenew = 10 * time.Second
	pollEvery  = time.Second
	// dedupWindow is how long a batch may be retried with the same
	// clientmsgid: WeChat remembers one for 24 hours, so past that a retry
	// could deliver the batch a second time.
	dedupWindow = 23 * time.Hour
	// reportWait is how long a finished broadcast waits for WeChat's job
	// reports before its creator is told with what is known.
	reportWait = 10 * time.Minute
	// retryMax bounds the wait between two attempts of a batch.
	retryMax = time.Minute
	// maxLate is how late a scheduled broadcast may still start (every
	// replica was down at its time); later, it waits for a new send.
	maxLate = time.Hour
)

// Run sends: it watches the active broadcasts (scheduled or sending) in
// Redis, fires scheduled ones on time and sends each sending broadcast
// from the replica holding its lease, until ctx ends. Every replica runs
// it; a broadcast whose sender died is resumed by another.
func (s *Service) Run(ctx context.Context) {
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		running = map[int64]bool{}
	)
	defer wg.Wait()
	s.running.Store(true)
	defer s.running.Store(false)
	wg.Go(func() { s.doLater(ctx) })
	t := time.NewTicker(pollEvery)
	defer t.Stop()
	for {
		ids, err := s.o.Store.Active(ctx)
		if err != nil && ctx.Err() == nil {
			s.o.Log.Warn("broadcast sender: read active broadcasts", zap.Error(err))
		}
		for _, id := range ids {
			mu.Lock()
			busy := running[id]
			mu.Unlock()
			if busy {
				continue
			}
			b, err := s.Get(ctx, id)
			if err != nil {
				continue
			}
			if !s.due(ctx, b) {
				continue
			}
			mu.Lock()
			running[id] = true
			mu.Unlock()
			wg.Go(func() {
				defer func() { mu.Lock(); delete(running, id); mu.Unlock() }()
				s.sendBroadcast(ctx, id)
			})
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-s.kick:
		}
	}
}

// doLater does the work soon queued until ctx ends, then what is still
// queued, for a few seconds at most.
func (s *Service) doLater(ctx context.Context) {
	for {
		select {
		case fn := <-s.later:
			fn(ctx)
		case <-ctx.Done():
			dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			defer cancel()
			for {
				select {
				case fn := <-s.later:
					fn(dctx)
				default:
					return
				}
			}
		}
	}
}

// due handles what needs no lease (firing a scheduled broadcast, telling
// people a finished one is done, dropping stale entries) and reports
// whether b needs sending.
func (s *Service) due(ctx context.Context, b *Broadcast) bool {
	now := s.o.Now()
	switch {
	case b.State == StateSending:
		paused, err := s.o.Store.Paused(ctx)
		return err == nil && !paused
	case b.State == StateScheduled:
		if now.Before(b.SendAt) {
			return false
		}
		s.fire(ctx, b.ID)
		return false
	case b.State == StateSent || b.State == StatePartiallyFailed:
		if b.Reported || allReported(b) || now.Sub(b.Finished) >= reportWait {
			s.announce(ctx, b.ID)
		}
		return false
	default:
		// Nothing to do for it any more. The record is read again inside
		// the update: a broadcast sent meanwhile must stay in the set.
		_, _ = s.update(ctx, b.ID, func(b *Broadcast) (store.Change, error) {
			switch b.State {
			case StateScheduled, StateSending, StateSent, StatePartiallyFailed:
				return store.Change{}, errSkip
			}
			return store.Change{Active: -1}, nil
		})
		return false
	}
}

// fire starts a scheduled broadcast whose time has come. The rules must
// not have changed since its preview.
func (s *Service) fire(ctx context.Context, id int64) {
	var voided, late bool
	skipped := 0
	b, err := s.update(ctx, id, func(b *Broadcast) (store.Change, error) {
		voided, late, skipped = false, false, 0
		now := s.o.Now()
		if b.State != StateScheduled || now.Before(b.SendAt) {
			return store.Change{}, errSkip
		}
		started := len(b.Batches) > 0 // a series between two reminders
		if !started && s.voidIfStale(b) != nil {
			// Once a series has begun, its audience and content are frozen
			// and sent in part: a rules change does not void the rest.
			voided = true
			return store.Change{Active: -1}, nil
		}
		if b.Series != nil && (now.Sub(b.SendAt) > maxLate || !now.Before(b.Series.Deadline)) {
			// A later reminder whose time passed (wxcast was down, or the
			// series was paused): skip to the next one still on time, or
			// end the series; a reminder must not go out hours late.
			return s.skipLateSteps(b, now, &skipped)
		}
		if now.Sub(b.SendAt) > maxLate {
			// Every replica was down at the time: a morning message must
			// not go out in the evening. Back to approved; a person decides.
			late = true
			b.State = StateApproved
			return store.Change{Active: -1}, nil
		}
		b.State = StateSending
		return store.Change{}, nil
	})
	if err != nil {
		if !errors.Is(err, errSkip) {
			s.o.Log.Warn("fire scheduled broadcast", zap.Int64("id", id), zap.Error(err))
		}
		return
	}
	switch {
	case skipped > 0:
		s.tell(ctx, b, msgStepsSkipped(s.lang(), b, skipped))
		s.Kick()
	case voided:
		s.tell(ctx, b, msgVoided(s.lang(), b))
	case late:
		s.tell(ctx, b, msgLate(s.lang(), b, s.o.Calendar.Loc))
	default:
		s.Kick()
	}
}

// errSkip stops an update without saving and without being an error.
var errSkip = errors.New("nothing to do")

// sendBroadcast sends broadcast id's remaining batches while this replica
// holds its lease.
func (s *Service) sendBroadcast(ctx context.Context, id int64) {
	ok, err := s.o.Store.Lease(ctx, id, s.o.Owner, leaseTTL)
	if err != nil || !ok {
		return
	}
	lctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var renew sync.WaitGroup
	renew.Go(func() {
		t := time.NewTicker(leaseRenew)
		defer t.Stop()
		for {
			select {
			case <-lctx.Done():
				return
			case <-t.C:
			}
			if ok, err := s.o.Store.Lease(lctx, id, s.o.Owner, leaseTTL); err != nil || !ok {
				// Redis is gone or another replica took over: stop before
				// the next call to WeChat.
				if lctx.Err() == nil {
					s.o.Log.Warn("broadcast sender: lease lost", zap.Int64("id", id), zap.Error(err))
				}
				cancel()
				return
			}
		}
	})
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
		// Look again at least every second: a pause, cancel or resume (or
		// a clock moved by a test) shows at once instead of after the
		// whole batch interval.
		if wait > 0 && !sleep(lctx, min(wait, pollEvery)) {
			return
		}
	}
}
