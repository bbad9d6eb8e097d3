package broadcast

import (
	"fmt"
	"time"
)

// Batch is one mass-send call: at most 10,000 openids, never one.
type Batch struct {
	Size int `json:"n"`
	// State: pending, sending (the call may have reached WeChat), sent,
	// failed, skipped, unknown.
	State    string    `json:"s"`
	Attempts int       `json:"a,omitempty"`
	Began    time.Time `json:"b,omitzero"` // first attempt
	// MsgID is WeChat's id of the send. On a batch still sending it is
	// the id a repeated clientmsgid (45065) named, not yet confirmed with
	// mass/get.
	MsgID int64 `json:"m,omitempty"`
	// MsgDataID is WeChat's id of an mpnews send's articles, the prefix of
	// the datacube statistics' msgid ("<msg_data_id>_<index>"); 0 for
	// text and images, and in records written before it was kept.
	MsgDataID int64  `json:"md,omitempty"`
	Error     string `json:"e,omitempty"`
	// NotBefore holds the next attempt back (the retry back-off, WeChat's
	// one minute after a lost answer, a spent daily quota); stored, so a
	// replica that takes the lease over keeps to it.
	NotBefore time.Time `json:"nb,omitzero"`
	// Lost: an attempt may have reached WeChat without an answer (a
	// timeout, a dropped connection, 45066). Such a batch is never given
	// up as failed: past WeChat's 24 h clientmsgid window it is unknown.
	Lost bool `json:"l,omitempty"`
	// Accepted is when WeChat accepted the batch; Capped counts followers
	// the frequency cap took out of it just before its first call.
	Accepted time.Time `json:"at,omitzero"`
	Capped   int       `json:"c,omitempty"`
	// Lone counts the followers of a skipped batch: fewer than two were
	// left after the cap, whom the API cannot reach.
	Lone int `json:"ln,omitempty"`
	// Variant is the content the batch sends (0 the main one); Step the
	// reminder-series step it belongs to; Key names its openid list.
	Variant int    `json:"v,omitempty"`
	Step    int    `json:"sp,omitempty"`
	Key     string `json:"k,omitempty"`
	// Tag is the WeChat tag a mass/sendall batch sends to (0: a mass/send
	// batch of openids); Size is then the followers tagged. Held: the
	// batch's followers' cap slots are held by the tag runs they were
	// reserved in, not by the batch (see TagSend).
	Tag  int  `json:"tg,omitempty"`
	Held bool `json:"hd,omitempty"`
	// From MASSSENDJOBFINISH.
	Reported bool   `json:"r,omitempty"`
	Status   string `json:"st,omitempty"`
	Total    int    `json:"t,omitempty"`
	Filtered int    `json:"f,omitempty"`
	Sent     int    `json:"ok,omitempty"`
	Errors   int    `json:"er,omitempty"`
}

// Batch states.
const (
	BatchPending = "pending"
	BatchSending = "sending"
	BatchSent    = "sent"
	BatchFailed  = "failed"
	// BatchSkipped: the frequency cap left fewer than two followers in it,
	// whom the API cannot reach; no call was made.
	BatchSkipped = "skipped"
	// BatchUnknown: WeChat gave no answer about the batch within its 24 h
	// clientmsgid window, so asking again could deliver it twice. It keeps
	// its followers' cap slots, is never sent again and counts as not
	// reached.
	BatchUnknown = "unknown"
)

// BatchList names the stored openid list of batch i of b (see
// store.Broadcasts.ReadList).
func (b *Broadcast) BatchList(i int) string {
	if k := b.Batches[i].Key; k != "" {
		return "s" + k
	}
	return "s" + b.BatchKey
}

// NextBatchIndex is the first batch not yet sent or failed, -1 if none.
func (b *Broadcast) NextBatchIndex() int {
	for i, x := range b.Batches {
		if x.State == BatchPending || x.State == BatchSending {
			return i
		}
	}
	return -1
}

// ClientMsgID names batch i of b for WeChat's 24-hour dedup: the same
// batch always gets the same id, no two batches (of any broadcast or
// plan) share one, and it stays short (WeChat refuses some ids far below
// its documented 64 bytes; this one is at most 36).
func (b *Broadcast) ClientMsgID(i int) string {
	return fmt.Sprintf("wxc%d-%s-%d", b.ID, b.Plan.Hash, i)
}

// AllReported reports whether WeChat's job report arrived for every batch
// it accepted.
func (b *Broadcast) AllReported() bool {
	for _, x := range b.Batches {
		if x.State == BatchSent && !x.Reported {
			return false
		}
	}
	return true
}

// Progress sums the batches.
type Progress struct {
	Batches, Done, Failed, Unknown int
	// Recipients are the openids in the batches; Unreached those in
	// batches that failed or whose outcome is unknown.
	Recipients, Unreached int
	// As WeChat reported them, for the batches that have a report.
	Total, Filtered, Sent, Errors int
	Reported                      int
}

// Progress sums b's batches.
func (b *Broadcast) Progress() Progress {
	var p Progress
	p.Batches = len(b.Batches)
	for _, x := range b.Batches {
		p.Recipients += x.Size
		switch x.State {
		case BatchSent, BatchSkipped:
			p.Done++
		case BatchFailed:
			p.Failed++
			p.Unreached += x.Size
		case BatchUnknown:
			p.Unknown++
			p.Unreached += x.Size
		}
		if x.Reported {
			p.Reported++
			p.Total += x.Total
			p.Filtered += x.Filtered
			p.Sent += x.Sent
			p.Errors += x.Errors
		}
	}
	return p
}

// FailureRate is the share of recipients not reached: batches that failed
// plus the errors WeChat reported, over every recipient.
func (p Progress) FailureRate() float64 {
	if p.Recipients == 0 {
		return 0
	}
	return float64(p.Unreached+p.Errors) / float64(p.Recipients)
}

// Rates are a broadcast's delivery so far, over the recipients of the
// batches it is known for; the guardrails judge them.
type Rates struct {
	Reached, Failed int // recipients of accepted batches; not reached
	// Judged: recipients whose outcome is known (reported batches), or
	// taken as not reached (failed and unknown batches).
	Judged int
}

// Rates counts b's delivery so far.
func (b *Broadcast) Rates() Rates {
	var g Rates
	reached := map[int]int{} // per reminder step
	for _, x := range b.Batches {
		switch {
		case x.State == BatchFailed || x.State == BatchUnknown:
			g.Judged += x.Size
			g.Failed += x.Size
		case x.State == BatchSent:
			reached[x.Step] += x.Size
			if x.Reported {
				g.Judged += x.Size
				g.Failed += x.Errors
			}
		}
	}
	// The followers reached: a later reminder goes to a subset of the
	// first, so the largest step counts them without counting anyone twice.
	for _, n := range reached {
		g.Reached = max(g.Reached, n)
	}
	return g
}

// Reached counts the followers b reached (each once, over a series).
func (b *Broadcast) Reached() int { return b.Rates().Reached }
