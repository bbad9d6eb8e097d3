package broadcast

// Cut is what the sender left out of the frozen audience when it built
// the batches of the current step (see Accounting). Capped and Lone here
// are those known when the batches were built; each batch adds its own
// when its cap slots are taken.
type Cut struct {
	Step         int `json:"step"`
	Unsubscribed int `json:"unsub,omitempty"`
	Acted        int `json:"acted,omitempty"` // hold the series' tag
	Capped       int `json:"capped,omitempty"`
	Lone         int `json:"lone,omitempty"`
	Holdout      int `json:"holdout,omitempty"`
}

// Accounting is where every follower of the frozen audience stands in the
// current step: each counted once, so the parts add up to Audience.
type Accounting struct {
	Audience int
	// Recipients of the step's batches, by the batch's state. Waiting is
	// not yet sent (pending, or sending and not yet answered); Stopped is
	// the same in a broadcast that no longer sends (cancelled, or stopped
	// by a failure): never sent.
	Sent, Failed, Unknown, Waiting, Stopped int
	// Left out at send: unsubscribed since the preview, at a frequency
	// cap, alone in a list the API refuses, holding the reminder tag.
	Unsubscribed, Capped, Lone, Acted int
	Holdout                           int
}

// LeftOut sums the followers left out at send.
func (a Accounting) LeftOut() int { return a.Unsubscribed + a.Capped + a.Lone + a.Acted }

// Sum adds every part; it equals Audience when nothing is missing.
func (a Accounting) Sum() int {
	return a.Sent + a.Failed + a.Unknown + a.Waiting + a.Stopped + a.LeftOut() + a.Holdout
}

// Accounting accounts for b's frozen audience in its current step. ok is
// false before the step's batches exist, or for a record stored before
// wxcast kept the cut.
func (b *Broadcast) Accounting() (a Accounting, ok bool) {
	c := b.Cut
	if c == nil || b.Plan == nil || c.Step != b.Step || b.BatchKey == "" {
		return a, false
	}
	a = Accounting{Audience: b.Plan.Audience, Unsubscribed: c.Unsubscribed, Acted: c.Acted,
		Capped: c.Capped, Lone: c.Lone, Holdout: c.Holdout}
	waiting := &a.Waiting
	if b.State != StateSending && b.State != StatePaused {
		waiting = &a.Stopped
	}
	if t := b.TagSend; t != nil && c.Step == 0 {
		for _, v := range t.Versions {
			a.Capped += v.Capped
			a.Unsubscribed += v.Unsubscribed
			if v.Stage == TagStageTag {
				// Not yet in a batch: on their way into the tag.
				*waiting += v.Members - v.Capped
			}
		}
	}
	for _, x := range b.Batches {
		if x.Step != c.Step {
			continue
		}
		a.Capped += x.Capped
		a.Lone += x.Lone
		switch x.State {
		case BatchSent:
			a.Sent += x.Size
		case BatchFailed:
			a.Failed += x.Size
		case BatchUnknown:
			a.Unknown += x.Size
		case BatchPending, BatchSending:
			*waiting += x.Size
		}
	}
	return a, true
}
