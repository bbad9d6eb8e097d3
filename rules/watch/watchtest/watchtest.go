// Package watchtest records what a watch.Live value did, so that a test
// can wait for the look that settles a question instead of sleeping: a
// test that a bad version was not installed waits for the look that
// doubted or refused it, then checks the live value.
package watchtest

import (
	"sync"
	"testing"
	"time"

	"github.com/wxcast/wxcast/rules/watch"
)

// Timeout bounds every Wait.
const Timeout = 10 * time.Second

// Events records watch events. Pass its Observe as Options.Observe.
type Events struct {
	mu   sync.Mutex
	seen []watch.Event
	read int           // how many Wait has gone past
	more chan struct{} // closed when an event is added
}

// New returns an empty record.
func New() *Events { return &Events{more: make(chan struct{})} }

// Observe records e. It never blocks for long.
func (r *Events) Observe(e watch.Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.seen = append(r.seen, e)
	close(r.more)
	r.more = make(chan struct{})
}

// Wait returns the first event with outcome o, and version v unless v is
// "", that comes after those an earlier Wait went past; it skips the
// others. It fails t after Timeout.
func (r *Events) Wait(t testing.TB, o watch.Outcome, v string) watch.Event {
	t.Helper()
	deadline := time.After(Timeout)
	for {
		r.mu.Lock()
		for r.read < len(r.seen) {
			e := r.seen[r.read]
			r.read++
			if e.Outcome == o && (v == "" || e.Version == v) {
				r.mu.Unlock()
				return e
			}
		}
		more := r.more
		r.mu.Unlock()
		select {
		case <-more:
		case <-deadline:
			t.Fatalf("no %s event for version %q within %s; seen %+v", o, v, Timeout, r.All())
		}
	}
}

// All returns every event recorded so far.
func (r *Events) All() []watch.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]watch.Event(nil), r.seen...)
}
