package broadcast

import (
	"time"

	"github.com/wxcast/wxcast/store"
)

// Series makes a broadcast a reminder series: one send per offset before
// the deadline, each to the frozen audience minus followers who hold
// ExceptTag by then, or, with ExceptClicked, who clicked one of the
// broadcast's tracked links by then.
type Series struct {
	Deadline      time.Time       `json:"deadline"`
	Offsets       []time.Duration `json:"offsets"` // longest first
	ExceptTag     string          `json:"except,omitempty"`
	ExceptClicked bool            `json:"except_clicked,omitempty"`
}

// At is when step i is sent.
func (s *Series) At(i int) time.Time { return s.Deadline.Add(-s.Offsets[i]) }

// MaxLate is how late a scheduled broadcast or reminder may still start
// (every replica was down at its time); later, a broadcast waits for a
// new send and a reminder is skipped.
const MaxLate = time.Hour

// SkipLateSteps moves series b past the steps whose time is more than
// MaxLate gone, or whose deadline has passed (a "10 minutes left"
// reminder must not go out after the deadline), and returns how many it
// skipped: to the next step still on time (sending now if its time has
// come), or, with none left, to the end of the series.
func (b *Broadcast) SkipLateSteps(now time.Time) (skipped int, c store.Change) {
	sr := b.Series
	for b.Step < len(sr.Offsets) && (now.Sub(sr.At(b.Step)) > MaxLate || !now.Before(sr.Deadline)) {
		b.Step++
		skipped++
	}
	if b.Step == len(sr.Offsets) {
		b.Step--
		b.State, b.Finished = StateSent, now
		if len(b.Batches) == 0 {
			b.State, b.Failure, b.FailureKind = StateCancelled, "every reminder's time passed", FailSeriesPassed
			return skipped, store.Change{Active: -1}
		}
		return skipped, store.Change{} // the sender announces it
	}
	b.SendAt = sr.At(b.Step)
	if !now.Before(b.SendAt) {
		b.State = StateSending
	}
	return skipped, store.Change{}
}
