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
// ends; then what is still queued, within drainFor.
func (n *Notifier) Run(ctx context.Context) {
	n.setRunning(true)
	// Alerts run under life, which ends drainFor after ctx does: an alert
	// under way as the server stops still goes out, as does what is still
	// queued, and stopping takes drainFor at most.
	life, cancel := context.WithCancel(context.WithoutCancel(ctx))
	defer cancel()
	defer context.AfterFunc(ctx, func() { time.AfterFunc(drainFor, cancel) })()
	for {
		select {
		case fn := <-n.later:
			fn(life)
		case <-ctx.Done():
			// From here on alerts go out in their caller's goroutine.
			n.setRunning(false)
			for life.Err() == nil {
				select {
				case fn := <-n.later:
					fn(life)
				default:
					return
				}
			}
			return
		}
	}
}

// drainFor bounds the alerts sent after Run's context ended.
const drainFor = 5 * time.Second

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
