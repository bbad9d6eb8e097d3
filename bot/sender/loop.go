package sender

import (
	"context"
	"errors"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/wxcast/wxcast/bot/broadcast"
	"github.com/wxcast/wxcast/store"
)

const (
	// pollEvery is how often the sender looks at the active broadcasts
	// without being woken.
	pollEvery = time.Second
	// reportWait is how long a finished broadcast waits for WeChat's job
	// reports before its creator is told with what is known.
	reportWait = 10 * time.Minute
)

// Run sends: it watches the active broadcasts (scheduled or sending) in
// Redis, fires scheduled ones on time and sends each sending broadcast
// from the replica holding its lease, until ctx ends.
func (s *Sender) Run(ctx context.Context) {
	var wg sync.WaitGroup
	defer wg.Wait()
	tick, stop := s.o.Clock.Ticker(pollEvery)
	defer stop()
	for {
		s.poll(ctx, &wg)
		select {
		case <-ctx.Done():
			return
		case <-tick:
		case <-s.o.Wake.C():
		}
	}
}

// poll looks at every active broadcast once, and starts sending those
// that need it in wg.
func (s *Sender) poll(ctx context.Context, wg *sync.WaitGroup) {
	ids, err := s.o.Store.Active(ctx)
	if err != nil && ctx.Err() == nil {
		s.o.Log.Warn("broadcast sender: read active broadcasts", zap.Error(err))
	}
	for _, id := range ids {
		if s.busy(id) {
			continue
		}
		b, err := s.o.Records.Get(ctx, id)
		if err != nil || s.newer(b) || !s.due(ctx, b) || !s.claim(id) {
			continue
		}
		wg.Go(func() {
			defer s.unclaim(id)
			s.sendBroadcast(ctx, id)
		})
	}
}

// newer reports whether b was stored by a newer wxcast than this one:
// this replica must not write it, so it leaves it (and its lease) to a
// replica that knows its schema, and says so once.
func (s *Sender) newer(b *broadcast.Broadcast) bool {
	if b.Schema <= broadcast.SchemaVersion {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.warned[b.ID] {
		s.warned[b.ID] = true
		s.o.Log.Warn("broadcast sender: a newer wxcast stored this broadcast; this replica leaves it alone until upgraded",
			zap.Int64("id", b.ID), zap.Int("schema", b.Schema), zap.Int("known", broadcast.SchemaVersion))
	}
	return true
}

func (s *Sender) busy(id int64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sending[id]
}

// due handles what needs no lease (firing a scheduled broadcast, telling
// people a finished one is done, dropping stale entries) and reports
// whether b needs sending.
func (s *Sender) due(ctx context.Context, b *broadcast.Broadcast) bool {
	now := s.now()
	if b.State.Final() && !b.TagSend.Cleaned() {
		// Its tag is still on WeChat: the cleanup needs the lease.
		return s.o.API != nil && s.tags != nil
	}
	switch b.State {
	case broadcast.StateSending:
		if s.o.API == nil {
			return false // this replica cannot reach WeChat; one that can sends it
		}
		paused, err := s.o.Store.Paused(ctx)
		return err == nil && !paused
	case broadcast.StateScheduled:
		if !now.Before(b.SendAt) {
			s.fire(ctx, b.ID)
		}
		return false
	case broadcast.StateSent, broadcast.StatePartiallyFailed:
		if b.Reported || b.AllReported() || now.Sub(b.Finished) >= reportWait {
			s.announce(ctx, b.ID)
		}
		return false
	}
	// Nothing to do for it any more. The record is read again inside the
	// update: a broadcast sent meanwhile must stay in the set.
	_, _ = s.o.Records.Update(ctx, b.ID, func(b *broadcast.Broadcast) (store.Change, error) {
		switch b.State {
		case broadcast.StateScheduled, broadcast.StateSending, broadcast.StateSent, broadcast.StatePartiallyFailed:
			return store.Change{}, broadcast.ErrNoChange
		}
		return store.Change{Active: -1}, nil
	})
	return false
}

// fire starts a scheduled broadcast whose time has come. The rules must
// not have changed since its preview.
func (s *Sender) fire(ctx context.Context, id int64) {
	var voided, late bool
	skipped := 0
	b, err := s.o.Records.Update(ctx, id, func(b *broadcast.Broadcast) (store.Change, error) {
		voided, late, skipped = false, false, 0
		now := s.now()
		if b.State != broadcast.StateScheduled || now.Before(b.SendAt) {
			return store.Change{}, broadcast.ErrNoChange
		}
		started := len(b.Batches) > 0 // a series between two reminders
		if !started && b.VoidIfStale(s.rulesVersion()) != nil {
			// Once a series has begun, its audience and content are frozen
			// and sent in part: a rules change does not void the rest.
			voided = true
			return store.Change{Active: -1}, nil
		}
		if b.Series != nil && (now.Sub(b.SendAt) > broadcast.MaxLate || !now.Before(b.Series.Deadline)) {
			// A later reminder whose time passed (wxcast was down, or the
			// series was paused): skip to the next one still on time, or
			// end the series; a reminder must not go out hours late.
			var c store.Change
			skipped, c = b.SkipLateSteps(now)
			return c, nil
		}
		if now.Sub(b.SendAt) > broadcast.MaxLate {
			// Every replica was down at the time: a morning message must
			// not go out in the evening. Back to approved; a person decides.
			late = true
			b.State = broadcast.StateApproved
			return store.Change{Active: -1}, nil
		}
		b.State = broadcast.StateSending
		return store.Change{}, nil
	})
	if err != nil {
		if !errors.Is(err, broadcast.ErrNoChange) {
			s.o.Log.Warn("fire scheduled broadcast", zap.Int64("id", id), zap.Error(err))
		}
		return
	}
	switch {
	case skipped > 0:
		s.o.Notices.StepsSkipped(ctx, b, skipped)
		s.o.Wake.Kick()
	case voided:
		s.o.Notices.Voided(ctx, b)
	case late:
		s.o.Notices.Late(ctx, b)
	default:
		s.o.Wake.Kick()
	}
}

// announce tells b's creator and approvers that it finished, once across
// all replicas, and alerts the owners when too many recipients failed.
func (s *Sender) announce(ctx context.Context, id int64) {
	first := false
	b, err := s.o.Records.Update(ctx, id, func(b *broadcast.Broadcast) (store.Change, error) {
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
	s.o.Notices.Done(ctx, b)
	if p := b.Progress(); p.FailureRate() > s.o.AlertFailureRate {
		s.o.Notices.HighFailure(ctx, b, s.o.AlertFailureRate)
	}
}

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
	failures := 0
	for lctx.Err() == nil {
		wait, more, err := s.step(lctx, id)
		if err != nil {
			var newer *broadcast.NewerRecordError
			if lctx.Err() != nil || errors.Is(err, store.ErrLeaseLost) || errors.As(err, &newer) {
				return // gone, taken over, or stored by a newer wxcast meanwhile
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
