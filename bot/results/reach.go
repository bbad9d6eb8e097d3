package results

import (
	"time"

	"github.com/wxcast/wxcast/bot/broadcast"
)

// reach is when a broadcast reached each of its arms: the batches of the
// step that split the audience (the first step that went out). Clicks and
// conversions are counted from the batch that carried the broadcast to
// each follower, the holdout's from the first accepted batch.
type reach struct {
	b     *broadcast.Broadcast
	split int
	// first is the split step's first accepted batch; firstOf the first
	// of each version; last the latest.
	first, last time.Time
	firstOf     []time.Time
	// received counts, per version, the followers in accepted batches of
	// the split step.
	received []int
}

func newReach(b *broadcast.Broadcast) reach {
	r := reach{b: b, firstOf: make([]time.Time, len(b.Variants)+1), received: make([]int, len(b.Variants)+1)}
	if len(b.Batches) == 0 {
		return r
	}
	r.split = b.Batches[0].Step
	for _, x := range b.Batches {
		if x.Step != r.split || x.State != broadcast.BatchSent || x.Accepted.IsZero() || x.Variant >= len(r.firstOf) {
			continue
		}
		r.received[x.Variant] += x.Size
		if f := r.firstOf[x.Variant]; f.IsZero() || x.Accepted.Before(f) {
			r.firstOf[x.Variant] = x.Accepted
		}
		if r.first.IsZero() || x.Accepted.Before(r.first) {
			r.first = x.Accepted
		}
		if x.Accepted.After(r.last) {
			r.last = x.Accepted
		}
	}
	return r
}

// sent reports whether any batch of the split step was accepted.
func (r reach) sent() bool { return !r.first.IsZero() }

// of says in which arm member m is measured (its version, or -1 for the
// holdout) and from when; ok is false when the broadcast did not reach
// them (left out, or their batch not accepted).
//
// In a reminder series the member index holds a follower's latest batch;
// one of a later step is measured from their version's first accepted
// batch, as the index no longer says which batch of the split step
// carried them.
func (r reach) of(m broadcast.Member) (arm int, from time.Time, ok bool) {
	if m.Left == broadcast.LeftHoldout {
		return -1, r.first, r.sent()
	}
	i := r.b.BatchOf(m)
	if i < 0 {
		return 0, time.Time{}, false
	}
	x := r.b.Batches[i]
	if x.Variant < 0 || x.Variant >= len(r.firstOf) {
		return 0, time.Time{}, false
	}
	if x.Step == r.split {
		return x.Variant, x.Accepted, x.State == broadcast.BatchSent && !x.Accepted.IsZero()
	}
	f := r.firstOf[x.Variant]
	return x.Variant, f, !f.IsZero()
}

// within reports whether at falls in the window that opens at from.
func within(at, from time.Time, window time.Duration) bool {
	return !at.Before(from) && at.Before(from.Add(window))
}
