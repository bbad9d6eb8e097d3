package notify

import (
	"context"
	"strconv"
	"time"

	"github.com/wxcast/wxcast/bot/broadcast"
)

// guardOnce is how long a guardrail's alert is remembered across replicas.
const guardOnce = 48 * time.Hour

// Voided tells b's creator that it was not sent: the rules changed since
// its preview.
func (n *Notifier) Voided(ctx context.Context, b *broadcast.Broadcast) {
	n.tell(ctx, b, msgVoided(n.lang, b))
}

// Late tells b's creator that it was not sent: every replica was down at
// its time.
func (n *Notifier) Late(ctx context.Context, b *broadcast.Broadcast) {
	n.tell(ctx, b, msgLate(n.lang, b, n.o.Location))
}

// StepsSkipped tells b's creator that count reminders of its series were
// skipped, their time long past.
func (n *Notifier) StepsSkipped(ctx context.Context, b *broadcast.Broadcast, count int) {
	n.tell(ctx, b, msgStepsSkipped(n.lang, b, count))
}

// Failed alerts the owners that b stopped sending (b.Failure says why).
func (n *Notifier) Failed(ctx context.Context, b *broadcast.Broadcast) {
	n.alertOwners(ctx, b, msgFailed(n.lang, b))
}

// Done tells b's creator and approvers, each once, that it finished.
func (n *Notifier) Done(ctx context.Context, b *broadcast.Broadcast) {
	text := msgDone(n.lang, b)
	told := map[string]bool{}
	for _, who := range append([]string{b.Creator}, b.Approvers()...) {
		if told[who] {
			continue
		}
		told[who] = true
		n.Notify(ctx, n.admin(who), b.ID, text)
	}
}

// HighFailure alerts the owners that b finished with a failure rate above
// limit.
func (n *Notifier) HighFailure(ctx context.Context, b *broadcast.Broadcast, limit float64) {
	n.alertOwners(ctx, b, msgHighFailure(n.lang, b, limit))
}

// GuardFailure alerts the owners, once per broadcast across replicas and
// outside the caller's goroutine, that b's failure rate passed limit
// (and that b is paused, which the failure guardrail always does).
func (n *Notifier) GuardFailure(ctx context.Context, b *broadcast.Broadcast, rate, limit float64) {
	n.alertOwnersOnce(ctx, "guard-failure:"+strconv.FormatInt(b.ID, 10), guardOnce, b, msgGuardFailure(n.lang, b, rate, limit))
}

// GuardUnsubscribe alerts the owners, once per broadcast across replicas
// and outside the caller's goroutine, that count recipients of b (rate of
// them) unsubscribed within 24 h, above limit; paused says whether what
// was left of b is paused.
func (n *Notifier) GuardUnsubscribe(ctx context.Context, b *broadcast.Broadcast, count int, rate, limit float64, paused bool) {
	n.alertOwnersOnce(ctx, "guard-unsubscribe:"+strconv.FormatInt(b.ID, 10), guardOnce, b,
		msgGuardUnsub(n.lang, b, count, rate, limit, paused))
}
