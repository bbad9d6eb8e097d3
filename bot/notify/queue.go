package notify

import (
	"context"
	"time"

	"github.com/wxcast/wxcast/bot/broadcast"
)

// alertOwnersOnce alerts the owners about b once per key across replicas
// (for ttl), from Run's goroutine when Run is running, so that the
// callback that tripped it answers WeChat without waiting.
func (n *Notifier) alertOwnersOnce(ctx context.Context, key string, ttl time.Duration, b *broadcast.Broadcast, text string) {
	n.soon(ctx, func(ctx context.Context) {
		first, err := n.o.Store.Once(ctx, key, ttl)
		if err != nil || !first {
			return
		}
		n.alertOwners(ctx, b, text)
	})
}

// Run sends the alerts queued to go out of their callback, until ctx
// ends; then, for a few seconds at most, what is still queued.
func (n *Notifier) Run(ctx context.Context) {
	n.setRunning(true)
	for {
		select {
		case fn := <-n.later:
			n.do(ctx, fn)
		case <-ctx.Done():
			// From here on alerts go out in their caller's goroutine; what
			// was queued before goes out now.
			n.setRunning(false)
			for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); {
				select {
				case fn := <-n.later:
					n.do(ctx, fn)
				default:
					return
				}
			}
			return
		}
	}
}

// alertBudget bounds one queued alert: a few calls to WeChat and Redis.
const alertBudget = 10 * time.Second

// do runs one queued alert with a time budget of its own, not ctx's: an
// alert taken from the queue as the server stops still goes out.
func (n *Notifier) do(ctx context.Context, fn func(context.Context)) {
	dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), alertBudget)
	defer cancel()
	fn(dctx)
}

func (n *Notifier) setRunning(on bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.running = on
}

// Running reports whether Run is sending the queued alerts.
func (n *Notifier) Running() bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.running
}

// soon runs fn in Run's goroutine when Run is running, else now with ctx.
func (n *Notifier) soon(ctx context.Context, fn func(context.Context)) {
	n.mu.Lock()
	if n.running {
		select {
		case n.later <- fn:
			n.mu.Unlock()
			return
		default: // full: do it now rather than drop it
		}
	}
	n.mu.Unlock()
	fn(ctx)
}
