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
	for {
		wait, err := untilDue(ctx, every, o)
		if err != nil {
			o.Log.Warn("follower sync: read its state", zap.Error(err))
			wait = poll
		}
		if wait <= 0 {
			sum, err := Sync(ctx, o)
			switch {
			case errors.Is(err, ErrBusy):
			case err != nil && ctx.Err() == nil:
				o.Log.Error("follower sync failed; it resumes from its checkpoint next time", zap.Error(err))
			case err == nil:
				o.Log.Info("follower sync finished", zap.Int64("listed", sum.Listed), zap.Int64("created", sum.Created),
					zap.Int64("updated", sum.Updated), zap.Int64("unsubscribed", sum.Unsubscribed),
					zap.Int64("retries", sum.Retries), zap.Duration("elapsed", sum.Elapsed))
			}
			wait = poll
		}
		t := time.NewTimer(min(wait, poll))
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
