package broadcast

// Wake tells the local sender that a broadcast may need it now (sent,
// resumed, fully reported) instead of at its next poll. The lifecycle and
// the job reports kick it; the sender (bot/sender) listens. Kicks are not
// counted: any number before the sender looks make one look.
type Wake struct{ c chan struct{} }

// NewWake returns a Wake.
func NewWake() *Wake { return &Wake{c: make(chan struct{}, 1)} }

// Kick wakes the sender without waiting. A nil Wake does nothing.
func (w *Wake) Kick() {
	if w == nil {
		return
	}
	select {
	case w.c <- struct{}{}:
	default:
	}
}

// C receives after a Kick. A nil Wake never kicks.
func (w *Wake) C() <-chan struct{} {
	if w == nil {
		return nil
	}
	return w.c
}
