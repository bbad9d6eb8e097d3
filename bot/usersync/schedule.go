package usersync

import (
	"context"
	"errors"
	"time"

	"go.uber.org/zap"
)

// Schedule runs a sync every interval until ctx ends, counting from the
// end of the last finished run (whoever ran it), so replicas that all run
// Schedule sync once per interval between them: the lease lets one run
// at a time and the others see its summary. An unfinished run (a crash)
// is resumed at once.
func Schedule(ctx context.Context, every time.Duration, o SyncOptions) {
	if o.Log == nil {
		o.Log = zap.NewNop()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	// poll bounds the wait, so a run finished elsewhere, or a changed
	// clock, is noticed.
	poll := min(every, 5*time.Minute)
	// After a failed run (an account without the user API, a spent daily
	// quota), the next try waits poll, then twice as long each time, up
	// to every: a failing sync must not call WeChat every few minutes.
	var backoff time.Duration
	for {
		wait, err := untilDue(ctx, every, o)
		if err != nil {
			o.Log.Warn("follower sync: read its state", zap.Error(err))
			wait = poll
		}
		if wait <= 0 {
			sum, err := Sync(ctx, o)
			wait = poll
			switch {
			case errors.Is(err, ErrBusy):
			case err != nil && ctx.Err() == nil:
				backoff = min(max(2*backoff, poll), every)
				wait = backoff
				o.Log.Error("follower sync failed; it resumes from its checkpoint at the next try",
					zap.Duration("next_try_in", wait), zap.Error(err))
			case err == nil:
				backoff = 0
				o.Log.Info("follower sync finished", zap.Int64("listed", sum.Listed), zap.Int64("created", sum.Created),
					zap.Int64("updated", sum.Updated), zap.Int64("unsubscribed", sum.Unsubscribed),
					zap.Int64("retries", sum.Retries), zap.Duration("elapsed", sum.Elapsed))
			}
		}
		if backoff == 0 {
			wait = min(wait, poll)
		}
		o.Log.Debug("follower sync: waiting to look again", zap.Duration("wait", wait))
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// untilDue is how long until the next run is due (≤ 0: now).
func untilDue(ctx context.Context, every time.Duration, o SyncOptions) (time.Duration, error) {
	state := o.Store.SyncState()
	if _, unfinished, err := state.Checkpoint(ctx); err != nil || unfinished {
		return 0, err
	}
	last, ok, err := LastSummary(ctx, o.Store)
	if err != nil || !ok {
		return 0, err
	}
	return last.Finished.Add(every).Sub(o.Now()), nil
}
