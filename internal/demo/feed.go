package demo

import (
	"sync"
	"time"
)

// Entry is one callback in the event stream: who did what, what the
// account answered, and which tags the rules added or removed.
type Entry struct {
	Seq     int64     `json:"seq"`
	At      time.Time `json:"at"`
	OpenID  string    `json:"openid"`
	Label   string    `json:"label"`
	Action  string    `json:"action"`
	Reply   string    `json:"reply,omitempty"`
	Added   []string  `json:"added,omitempty"`
	Removed []string  `json:"removed,omitempty"`
	Error   string    `json:"error,omitempty"`
}

// feedKeep is how many entries the stream keeps.
const feedKeep = 500

// feed is the event stream, newest last.
type feed struct {
	mu      sync.Mutex
	seq     int64
	entries []Entry
	total   int64
	tags    int64 // tag changes seen
}

// add appends e and returns its sequence number.
func (f *feed) add(e Entry) int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.seq++
	e.Seq = f.seq
	f.total++
	f.tags += int64(len(e.Added) + len(e.Removed))
	f.entries = append(f.entries, e)
	if len(f.entries) > 2*feedKeep {
		f.entries = append(f.entries[:0:0], f.entries[len(f.entries)-feedKeep:]...)
	}
	return e.Seq
}

// after returns up to n entries with a sequence number above seq, the
// newest ones when there are more.
func (f *feed) after(seq int64, n int) []Entry {
	f.mu.Lock()
	defer f.mu.Unlock()
	i := len(f.entries)
	for i > 0 && f.entries[i-1].Seq > seq && len(f.entries)-i < n {
		i--
	}
	return append([]Entry{}, f.entries[i:]...)
}

// counts returns how many callbacks and tag changes the stream has seen.
func (f *feed) counts() (callbacks, tagChanges int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.total, f.tags
}
