package broadcast

import (
	"slices"
	"time"

	"github.com/wxcast/wxcast/bot/wxapi"
)

// Role is what an admin may do.
type Role string

// The roles. An owner may do everything.
const (
	RoleEditor   Role = "editor"   // create, preview, send and cancel their own broadcasts
	RoleApprover Role = "approver" // approve, reject, send approved broadcasts
	RoleOwner    Role = "owner"    // everything, including pause/resume, retract and audit
)

// Admin is a person allowed to run broadcasts.
type Admin struct {
	OpenID string
	Name   string
	Roles  []Role
}

// Has reports whether a holds role r; owners hold every role.
func (a Admin) Has(r Role) bool {
	return slices.Contains(a.Roles, r) || slices.Contains(a.Roles, RoleOwner)
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

// Content is what a broadcast sends.
type Content = wxapi.Content

// Plan is what preview froze: the content, the segment, the rules version
// and the audience. Approvals bind to its Hash.
type Plan struct {
	Hash         string    `json:"hash"` // 8 hex digits
	RulesVersion string    `json:"rules"`
	Audience     int       `json:"size"`
	Chunks       int       `json:"chunks"` // audience snapshot lists
	Key          string    `json:"key"`    // names the lists
	At           time.Time `json:"at"`
	By           string    `json:"by"`
	// Capped counts followers the segment selected but the frequency cap
	// left out.
	Capped int `json:"capped,omitempty"`
	// Hits are the content check's findings; WordsVersion the word lists
	// checked against ("" when there were none). Unchecked names content
	// the check could not read (a news item WeChat did not return).
	Hits         []Hit    `json:"hits,omitempty"`
	WordsVersion string   `json:"words,omitempty"`
	Unchecked    []string `json:"unchecked,omitempty"`
}

// Hit is one listed word found in a broadcast's content.
type Hit struct {
	// Where names the part checked: "" for the text, "B" for variant B's
	// text, "1.title" / "1.digest" for a news item's first article.
	Where    string `json:"where,omitempty"`
	Category string `json:"cat"`
	Word     string `json:"word"`
	Start    int    `json:"start"` // in characters, 0-based
	Text     string `json:"text"`  // as written
}

// Override is an owner's approval of a plan the content check flagged.
type Override struct {
	By       string    `json:"by"`
	Name     string    `json:"name"`
	Reason   string    `json:"reason"`
	At       time.Time `json:"at"`
	PlanHash string    `json:"plan"`
	// Words is the word lists' version the override saw: a preview
	// against other lists may find other hits, which need a new override.
	Words string `json:"words,omitempty"`
}

// Series makes a broadcast a reminder series: one send per offset before
// the deadline, each to the frozen audience minus followers who hold
// ExceptTag by then.
type Series struct {
	Deadline  time.Time       `json:"deadline"`
	Offsets   []time.Duration `json:"offsets"` // longest first
	ExceptTag string          `json:"except,omitempty"`
}

// At is when step i is sent.
func (s *Series) At(i int) time.Time { return s.Deadline.Add(-s.Offsets[i]) }

// Pause says why a broadcast's remaining batches stopped.
type Pause struct {
	At time.Time `json:"at"`
	By string    `json:"by,omitempty"` // an owner, or "" for a guardrail
	// Reason: "owner", or the guardrail: "failure", "unsubscribe".
	Reason string `json:"reason"`
	// Scheduled: it was waiting for its next reminder step, not sending.
	Scheduled bool `json:"scheduled,omitempty"`
}

// Approval is one approver's yes to one plan.
type Approval struct {
	By       string    `json:"by"`
	Name     string    `json:"name"`
	At       time.Time `json:"at"`
	PlanHash string    `json:"plan"`
}

// Batch is one mass-send call: at most 10,000 openids, never one.
type Batch struct {
	Size int `json:"n"`
	// State: pending, sending (the call may have reached WeChat), sent,
	// failed.
	State    string    `json:"s"`
	Attempts int       `json:"a,omitempty"`
	Began    time.Time `json:"b,omitzero"` // first attempt
	MsgID    int64     `json:"m,omitempty"`
	Error    string    `json:"e,omitempty"`
	// Accepted is when WeChat accepted the batch; Capped counts followers
	// the frequency cap took out of it just before its first call.
	Accepted time.Time `json:"at,omitzero"`
	Capped   int       `json:"c,omitempty"`
	// Variant is the content the batch sends (0 the main one); Step the
	// reminder-series step it belongs to; Key names its openid list.
	Variant int    `json:"v,omitempty"`
	Step    int    `json:"sp,omitempty"`
	Key     string `json:"k,omitempty"`
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
)

// Notice is a message wxcast owed someone and how it was delivered.
type Notice struct {
	At   time.Time `json:"at"`
	To   string    `json:"to"`
	Text string    `json:"text"`
	// Via: custom (customer-service message), template, or kept (neither
	// reached the admin; it is only shown in list and status).
	Via string `json:"via"`
}

// Broadcast is one broadcast and everything that happened to it.
type Broadcast struct {
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
	Failure   string    `json:"failure,omitempty"`  // why sending stopped
	Reported  bool      `json:"reported,omitempty"` // the finish notice went out
	// Capped counts followers left out when sending began because other
	// broadcasts reached them since the preview (frequency cap); Acted
	// those a reminder step left out because they hold the series' tag.
	Capped int `json:"capped,omitempty"`
	Acted  int `json:"acted,omitempty"`
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

// Progress sums the batches.
type Progress struct {
	Batches, Done, Failed int
	// Recipients are the openids in the batches; Unreached those in
	// batches that failed.
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

// SegmentCount is a segment and how many followers it selects now.
type SegmentCount struct {
	Name        string
	Description string
	Count       int
}

// AuditEntry is one admin action.
type AuditEntry struct {
	At      time.Time `json:"at"`
	By      string    `json:"by"`   // openid
	Name    string    `json:"name"` // the admin's name
	Command string    `json:"command"`
	ID      int64     `json:"broadcast,omitempty"`
	Plan    string    `json:"plan,omitempty"`
	// Outcome is "ok", a refusal code, or "error".
	Outcome string `json:"outcome"`
	Detail  string `json:"detail,omitempty"`
}
