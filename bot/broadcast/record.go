package broadcast

import (
	"time"
)

// Broadcast is one broadcast and everything that happened to it, as one
// JSON record in Redis (see Records). The JSON names are the stored
// format: renaming one is a schema change (see SchemaVersion).
type Broadcast struct {
	// Schema is the record format's version; a record without one is
	// version 1 (see records.go).
	Schema      int       `json:"schema,omitempty"`
	ID          int64     `json:"id"`
	Creator     string    `json:"creator"`
	CreatorName string    `json:"creator_name"`
	Segment     string    `json:"segment"`
	Content     Content   `json:"content"`
	State       State     `json:"state"`
	Created     time.Time `json:"created"`
	Updated     time.Time `json:"updated"`

	// Variants are other contents for an A/B test (B, C…); Holdout is the
	// share of the audience, in per cent, that receives nothing.
	Variants []Content `json:"variants,omitempty"`
	Holdout  int       `json:"holdout,omitempty"`
	Series   *Series   `json:"series,omitempty"`

	Plan      *Plan      `json:"plan,omitempty"`
	Approvals []Approval `json:"approvals,omitempty"`
	Override  *Override  `json:"override,omitempty"`
	// QuietOverride is an owner's reason to start in the quiet hours.
	QuietOverride *Override `json:"quiet_override,omitempty"`

	RejectedBy   string `json:"rejected_by,omitempty"`
	RejectReason string `json:"reject_reason,omitempty"`
	CancelledBy  string `json:"cancelled_by,omitempty"`

	// SendAt is when a scheduled broadcast fires; SentBy who said send.
	SendAt time.Time `json:"send_at,omitzero"`
	SentBy string    `json:"sent_by,omitempty"`

	// Batches exist once sending began: the snapshot minus followers who
	// unsubscribed since, split into mass-send calls. Dropped counts those
	// left out; Lone counts a follower left alone in the last batch, whom
	// the API cannot reach (it refuses a list of one).
	Batches   []Batch   `json:"batches,omitempty"`
	BatchKey  string    `json:"batch_key,omitempty"`
	Dropped   int       `json:"dropped,omitempty"`
	Lone      int       `json:"lone,omitempty"`
	NextBatch time.Time `json:"next_batch,omitzero"`
	Finished  time.Time `json:"finished,omitzero"`
	Failure   string    `json:"failure,omitempty"` // why sending stopped
	// FailureKind is what kind of stop Failure is (a Fail* constant), which
	// admins read in their language; empty in records written before it.
	FailureKind string `json:"failure_kind,omitempty"`
	Reported    bool   `json:"reported,omitempty"` // the finish notice went out
	// Capped counts followers left out when sending began because other
	// broadcasts reached them since the preview (frequency cap); Acted
	// those a reminder step left out because they hold the series' tag.
	Capped int `json:"capped,omitempty"`
	Acted  int `json:"acted,omitempty"`
	// Cut is what the current step's batches left out when they were
	// built, for the accounting in status.
	Cut *Cut `json:"cut,omitempty"`
	// QuotaUntil: WeChat's daily mass-send quota is spent; the sending
	// waits until then (the quota's reset, or the end of the quiet hours
	// after it).
	QuotaUntil time.Time `json:"quota_until,omitzero"`
	// UnknownTold: the owners were told that a batch's outcome is unknown
	// (once per broadcast).
	UnknownTold bool `json:"unknown_told,omitempty"`
	// TagSend is the tag channel's progress (Plan.Channel ChannelTag),
	// from when sending began.
	TagSend *TagSend `json:"tag_send,omitempty"`
	// Uploads are the news ids the approved articles were sent as, one per
	// news variant, made when sending began (see Upload).
	Uploads []Upload `json:"uploads,omitempty"`
	// Step is the reminder-series step sending or next (0 without one);
	// Arms counts the audience per variant and, last, the holdout, once
	// the audience is split.
	Step       int    `json:"step,omitempty"`
	Arms       []int  `json:"arms,omitempty"`
	HoldoutKey string `json:"holdout_key,omitempty"`
	HoldoutN   int    `json:"holdout_lists,omitempty"`
	Paused     *Pause `json:"paused,omitempty"`
	// GuardOK lists the guardrails an owner resumed past ("failure",
	// "unsubscribe"): they do not pause this broadcast again.
	GuardOK []string `json:"guard_ok,omitempty"`

	Retracted []int64  `json:"retracted,omitempty"` // msg ids deleted
	Notices   []Notice `json:"notices,omitempty"`

	// Rev counts the writes; every write checks it (compare and set).
	Rev int64 `json:"rev"`
}

// Pause says why a broadcast's remaining batches stopped.
type Pause struct {
	At time.Time `json:"at"`
	By string    `json:"by,omitempty"` // an owner, or "" for a guardrail
	// Reason: "owner", or the guardrail: "failure", "unsubscribe".
	Reason string `json:"reason"`
	// Scheduled: it was waiting for its next reminder step, not sending.
	Scheduled bool `json:"scheduled,omitempty"`
}

// Notice is a message wxcast owed someone and how it was delivered.
type Notice struct {
	At   time.Time `json:"at"`
	To   string    `json:"to"`
	Text string    `json:"text"`
	// Via: custom (customer-service message), template, or kept (neither
	// reached the admin; it is only shown in list and status).
	Via string `json:"via"`
}

// JobReport is WeChat's MASSSENDJOBFINISH for one batch.
type JobReport struct {
	MsgID                         int64
	Status                        string
	Total, Filtered, Sent, Errors int
}

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
