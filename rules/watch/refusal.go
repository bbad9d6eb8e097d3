package watch

import "time"

// Refusal is the version of the files a Live value refused last, while
// it still stands: the files still hold it (or another refused one).
type Refusal struct {
	Version string    // the refused version
	Live    string    // the version that stayed live
	At      time.Time // when it was refused
	Err     error     // its problems
}

// Refused returns the standing refusal: ok is false when the files hold
// the live version again (a good version loaded, or the bad one undone).
// A version that could not be read is not a refusal.
func (s *Live[T]) Refused() (r Refusal, ok bool) {
	p := s.refusal.Load()
	if p == nil {
		return Refusal{}, false
	}
	return *p, true
}
