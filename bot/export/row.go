package export

import (
	"time"

	"github.com/wxcast/wxcast/bot/broadcast"
)

// Row is one follower of a broadcast's frozen audience.
type Row struct {
	OpenID string
	// Version is the content they were given ("A", "B"…) or "holdout";
	// for a follower left out it is the arm the audience's split puts them
	// in (broadcast.ArmOf), which they would have been given.
	Version string
	// Batch is the index of the batch that carried the broadcast to them
	// (the latest step's, in a reminder series), -1 when none.
	Batch int
	// Outcome is one of the Outcome* constants; Left says why a follower
	// was left out (a broadcast.Left* constant), "" when they were not.
	Outcome, Left string
	// Accepted is when WeChat accepted their batch; FirstClick their first
	// click on a tracked link of their version; Converted their first
	// conversion since the broadcast began sending. Zero when none.
	Accepted, FirstClick, Converted time.Time
	// Unsubscribed: they unsubscribed within 24 h of receiving it (see
	// store.Caps.Unsubscribed).
	Unsubscribed bool
}

// What became of a follower's batch.
const (
	OutcomeAccepted = "accepted" // WeChat accepted the batch
	OutcomeFailed   = "failed"   // WeChat refused it for good
	OutcomeUnknown  = "unknown"  // no answer within WeChat's 24 h window
	OutcomePending  = "pending"  // not sent yet
	OutcomeCapped   = "capped"   // the frequency cap left them out
	OutcomeLone     = "lone"     // alone in a batch, which WeChat refuses
	OutcomeLeftOut  = "left out" // holdout, unsubscribed since the preview, or held the series' tag
)

// place fills r's version, batch and outcome from member m of b.
func place(r *Row, b *broadcast.Broadcast, m broadcast.Member) {
	r.Batch = b.BatchOf(m)
	switch {
	case m.Left != "":
		r.Left = m.Left
		r.Version = armName(broadcast.ArmOf(r.OpenID, b.ID, b.Holdout, len(b.Variants)+1))
		switch m.Left {
		case broadcast.LeftHoldout:
			r.Version, r.Outcome = "holdout", OutcomeLeftOut
		case broadcast.LeftCapped:
			r.Outcome = OutcomeCapped
		case broadcast.LeftLone:
			r.Outcome = OutcomeLone
		default:
			r.Outcome = OutcomeLeftOut
		}
		return
	case m.TagVersion >= 0:
		r.Version = armName(m.TagVersion)
	}
	if r.Batch < 0 {
		r.Outcome = OutcomePending // a tag run whose sendall batch is not made yet
		return
	}
	x := b.Batches[r.Batch]
	r.Version = armName(x.Variant)
	switch x.State {
	case broadcast.BatchSent:
		r.Outcome, r.Accepted = OutcomeAccepted, x.Accepted
	case broadcast.BatchFailed:
		r.Outcome = OutcomeFailed
	case broadcast.BatchUnknown:
		r.Outcome = OutcomeUnknown
	case broadcast.BatchSkipped:
		// Recorded before the member index named those capped at their
		// batch's turn: the cap emptied the batch.
		r.Outcome = OutcomeCapped
	default:
		r.Outcome = OutcomePending
	}
}

func armName(v int) string {
	if v < 0 {
		return "holdout"
	}
	return broadcast.VariantName(v)
}
