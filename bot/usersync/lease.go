package usersync

import (
	"context"
	"errors"
	"time"

	"go.uber.org/zap"
)

// errLeaseLost ends work whose lease another process took over.
var errLeaseLost = errors.New("lease lost to another process")

// keepLease renews a lease every ttl/3 until stop; when renew says the
// lease is gone, ctx is cancelled with errLeaseLost, so a process that
// paused and was overtaken stops instead of working beside its successor.
// stop ends the renewals before it returns: a release after it cannot be
// undone by a late renewal.
func keepLease(ctx context.Context, ttl time.Duration, renew func(context.Context) (bool, error), log *zap.Logger) (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(ctx)
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(ttl / 3)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-t.C:
				ok, err := renew(ctx)
				if err == nil && !ok {
					cancel(errLeaseLost)
					return
				}
				if err != nil && ctx.Err() == nil {
					log.Warn("renew lease", zap.Error(err))
				}
			}
		}
	}()
	return ctx, func() { close(done); <-finished; cancel(nil) }
}
