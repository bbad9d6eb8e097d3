package broadcast

// State is where a broadcast is in its life.
type State string

// The states. A broadcast goes draft → planned → approved → (scheduled →)
// sending → sent | partially_failed, or leaves by rejected, cancelled or
// retracted.
const (
	StateDraft           State = "draft"
	StatePlanned         State = "planned"
	StateApproved        State = "approved"
	StateScheduled       State = "scheduled"
	StateSending         State = "sending"
	StateSent            State = "sent"
	StatePartiallyFailed State = "partially_failed"
	StateRejected        State = "rejected"
	StateCancelled       State = "cancelled"
	StateRetracted       State = "retracted"
	// StatePaused: a guardrail (or an owner) stopped the remaining batches;
	// an owner resumes or cancels it.
	StatePaused State = "paused"
)

// Final reports whether nothing more happens to a broadcast in state s
// (only retract, from sent or partially_failed).
func (s State) Final() bool {
	switch s {
	case StateSent, StatePartiallyFailed, StateRejected, StateCancelled, StateRetracted:
		return true
	}
	return false
}

// previewable reports whether a plan may be frozen in state st.
func previewable(st State) bool {
	return st == StateDraft || st == StatePlanned || st == StateApproved
}
