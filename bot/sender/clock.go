package sender

import "time"

// Clock is the sender's time: what time it is, a ticker for its polls
// and lease renewals, and timers for its waits. Tests pass one they drive
// instead of sleeping.
type Clock interface {
	Now() time.Time
	// Ticker delivers the time every d until stop is called.
	Ticker(d time.Duration) (c <-chan time.Time, stop func())
	// Timer delivers the time once, d from now, unless stop is called first.
	Timer(d time.Duration) (c <-chan time.Time, stop func())
}

// WallClock is the real time.
type WallClock struct{}

// Now is time.Now.
func (WallClock) Now() time.Time { return time.Now() }

// Ticker is a time.Ticker.
func (WallClock) Ticker(d time.Duration) (<-chan time.Time, func()) {
	t := time.NewTicker(d)
	return t.C, t.Stop
}

// Timer is a time.Timer.
func (WallClock) Timer(d time.Duration) (<-chan time.Time, func()) {
	t := time.NewTimer(d)
	return t.C, func() { t.Stop() }
}
