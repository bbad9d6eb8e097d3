// Package clocktest gives tests a clock they set: Now moves only when the
// test says, so approvals expire, schedules come due and reminders run
// late without waiting.
//
// With NewManual the clock's tickers and timers fire only when the test
// moves the clock, and Add returns only once each of them that came due
// has been received: a test that moves the clock twice knows that the
// receiver finished what the first tick started. That is how a test proves
// that something did not happen, instead of sleeping and hoping it would
// have happened by then. With New they are the real ones.
package clocktest

import (
	"sync"
	"time"
)

// Clock is a settable clock. It is safe for concurrent use.
type Clock struct {
	mu      sync.Mutex
	now     time.Time
	manual  bool
	waiters map[*waiter]struct{}
}

// waiter is one ticker or timer of a manual clock.
type waiter struct {
	c      chan time.Time
	stop   chan struct{}
	next   time.Time
	every  time.Duration // 0 for a timer
	closed bool
}

// New returns a clock at now whose tickers and timers are real.
func New(now time.Time) *Clock { return &Clock{now: now} }

// NewManual returns a clock at now whose tickers and timers fire only on
// Add.
func NewManual(now time.Time) *Clock {
	return &Clock{now: now, manual: true, waiters: map[*waiter]struct{}{}}
}

// Now is the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Add moves the clock forward by d. On a manual clock, every ticker and
// timer that comes due receives one tick (a ticker that missed several
// periods gets one, as a real ticker drops ticks its receiver was too busy
// for), and Add waits until each was received or stopped.
func (c *Clock) Add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	now := c.now
	var due []*waiter
	for w := range c.waiters {
		if w.closed || now.Before(w.next) {
			continue
		}
		due = append(due, w)
		if w.every > 0 {
			for !now.Before(w.next) {
				w.next = w.next.Add(w.every)
			}
		} else {
			w.closed = true
			delete(c.waiters, w)
		}
	}
	c.mu.Unlock()
	for _, w := range due {
		select {
		case w.c <- now:
		case <-w.stop:
		}
	}
}

// Set moves the clock to t: forward as Add does, or back without firing
// anything.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	d := t.Sub(c.now)
	if d < 0 {
		c.now = t
	}
	c.mu.Unlock()
	if d >= 0 {
		c.Add(d)
	}
}

// Ticker delivers the time every d until stop is called.
func (c *Clock) Ticker(d time.Duration) (<-chan time.Time, func()) {
	if !c.manual {
		t := time.NewTicker(d)
		return t.C, t.Stop
	}
	if d <= 0 {
		panic("clocktest: non-positive interval for Ticker") // as time.NewTicker
	}
	return c.wait(d, d)
}

// Timer delivers the time once, d from now, unless stop is called first.
func (c *Clock) Timer(d time.Duration) (<-chan time.Time, func()) {
	if !c.manual {
		t := time.NewTimer(d)
		return t.C, func() { t.Stop() }
	}
	return c.wait(d, 0)
}

func (c *Clock) wait(d, every time.Duration) (<-chan time.Time, func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	w := &waiter{c: make(chan time.Time), stop: make(chan struct{}), next: c.now.Add(d), every: every}
	c.waiters[w] = struct{}{}
	var once sync.Once
	return w.c, func() {
		once.Do(func() {
			c.mu.Lock()
			w.closed = true
			delete(c.waiters, w)
			c.mu.Unlock()
			close(w.stop)
		})
	}
}

// Waiting counts the manual clock's tickers and timers not yet stopped or
// fired: a test can wait for a goroutine to reach its wait.
func (c *Clock) Waiting() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.waiters)
}
