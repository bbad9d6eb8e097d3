package notify

import (
	"context"
	"time"

	"github.com/wxcast/wxcast/bot/broadcast"
)

// tell notifies b's creator.
func (n *Notifier) tell(ctx context.Context, b *broadcast.Broadcast, text string) {
	n.Notify(ctx, n.admin(b.Creator), b.ID, text)
}

// alertOwners notifies every owner about b (nil for none).
func (n *Notifier) alertOwners(ctx context.Context, b *broadcast.Broadcast, text string) {
	var id int64
	if b != nil {
		id = b.ID
	}
	for _, a := range n.o.Admins {
		if a.Has(broadcast.RoleOwner) {
			n.Notify(ctx, a, id, text)
		}
	}
}

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

// admin finds the admin with openid; someone no longer configured is
// still reached by openid.
func (n *Notifier) admin(openid string) broadcast.Admin {
	for _, a := range n.o.Admins {
		if a.OpenID == openid {
			return a
		}
	}
	return broadcast.Admin{OpenID: openid}
}

// Run sends the alerts queued to go out of their callback, until ctx
// ends; then what is still queued, for a few seconds at most.
func (n *Notifier) Run(ctx context.Context) {
	n.running.Store(true)
	defer n.running.Store(false)
	for {
		select {
		case fn := <-n.later:
			fn(ctx)
		case <-ctx.Done():
			dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			defer cancel()
			for {
				select {
				case fn := <-n.later:
					fn(dctx)
				default:
					return
				}
			}
		}
	}
}

// soon runs fn in Run's goroutine when Run is running, else now with ctx.
func (n *Notifier) soon(ctx context.Context, fn func(context.Context)) {
	if n.running.Load() {
		select {
		case n.later <- fn:
			return
		default: // full: do it now rather than drop it
		}
	}
	fn(ctx)
}
