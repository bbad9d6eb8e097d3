package admin

import (
	"context"
	"strings"
	"sync"
	"time"

	"go.uber.org/zap"
)

// runSlow runs a command that may outlast WeChat's reply window. If it
// finishes within SlowAfter its reply is the passive reply; otherwise the
// admin is told at once that it is in progress, and the same reply
// reaches them through the Notifier when it is done. Exactly one of the
// two carries the result.
//
// The command runs under the Bot's own context (with the request's values
// but not its cancellation), so a passive reply sent early does not stop
// it, and Close can wait for it.
func (b *Bot) runSlow(ctx context.Context, in invocation) string {
	h := &handoff{result: make(chan string, 1)}
	b.wg.Add(1)
	go func() {
		defer b.wg.Done()
		wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), b.slowLimit)
		defer cancel()
		defer context.AfterFunc(b.base, cancel)()
		o := b.execute(wctx, in)
		b.record(wctx, in, o)
		if h.deliver(o.reply) {
			b.notify(wctx, in, o)
		}
	}()

	timer := time.NewTimer(b.slowAfter)
	defer timer.Stop()
	select {
	case r := <-h.result:
		return r
	case <-timer.C:
	case <-ctx.Done():
	}
	if r, ok := h.giveUp(); ok {
		return r
	}
	return b.t(kWorking, b.working(in))
}

// notify delivers a deferred reply.
func (b *Bot) notify(ctx context.Context, in invocation, o outcome) {
	if b.notifier == nil {
		b.log.Error("admin: no notifier for a deferred reply",
			zap.String("command", in.cmd.name), zap.String("openid", in.admin.OpenID))
		return
	}
	b.notifier.Notify(ctx, in.admin, o.id, o.reply)
}

// working names the command in the "working on it" reply, as the admin
// would type it.
func (b *Bot) working(in invocation) string {
	return strings.TrimSpace(b.label(in.cmd) + " " + in.args.shown)
}

// handoff passes a slow command's reply to whichever side still wants it:
// the waiting request or, once that has given up, the Notifier.
type handoff struct {
	mu       sync.Mutex
	gaveUp   bool
	finished bool
	result   chan string // buffered: deliver never blocks
}

// deliver hands over the reply and reports whether the request gave up,
// so that the caller must notify instead.
func (h *handoff) deliver(reply string) (notify bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.gaveUp {
		return true
	}
	h.finished = true
	h.result <- reply
	return false
}

// giveUp marks the request as answered without the result, unless the
// result arrived meanwhile: then it returns it.
func (h *handoff) giveUp() (string, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.finished {
		return <-h.result, true
	}
	h.gaveUp = true
	return "", false
}
