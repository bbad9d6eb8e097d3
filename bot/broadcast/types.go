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

	Plan      *Plan      `json:"plan,omitempty"`
	Approvals []Approval `json:"approvals,omitempty"`

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
		case BatchSent:
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
