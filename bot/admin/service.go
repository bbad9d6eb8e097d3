package admin

import (
	"context"
	"time"

	"github.com/wxcast/wxcast/bot/audit"
	"github.com/wxcast/wxcast/bot/broadcast"
	"github.com/wxcast/wxcast/bot/results"
)

// The commands use one small interface per service; the comment of each
// says which type implements it. Tests bring function-field fakes.

// Drafts creates, reads and edits broadcasts (bot/broadcast.Service).
type Drafts interface {
	Create(ctx context.Context, a broadcast.Admin, segment string, c broadcast.Content) (*broadcast.Broadcast, error)
	Get(ctx context.Context, id int64) (*broadcast.Broadcast, error)
	List(ctx context.Context, n int) ([]*broadcast.Broadcast, error) // newest first
	AddVariant(ctx context.Context, a broadcast.Admin, id int64, c broadcast.Content) (*broadcast.Broadcast, error)
	SetHoldout(ctx context.Context, a broadcast.Admin, id int64, percent int) (*broadcast.Broadcast, error)
	Remind(ctx context.Context, a broadcast.Admin, id int64, deadline time.Time, offsets []time.Duration, exceptTag string, exceptClicked bool) (*broadcast.Broadcast, error)
	// Drafts lists the newest drafts of the draft box and how many it
	// holds.
	Drafts(ctx context.Context, a broadcast.Admin) ([]broadcast.DraftInfo, int, error)
}

// Approvals freezes plans and approves them (bot/broadcast.Service).
type Approvals interface {
	// Preview freezes the plan and sends the mass preview to a; it may
	// take seconds.
	Preview(ctx context.Context, a broadcast.Admin, id int64) (*broadcast.Broadcast, error)
	// Refreeze freezes a new plan whoever a is and sends the preview to
	// a; the plan says what it replaced and how many approvals it voided.
	Refreeze(ctx context.Context, a broadcast.Admin, id int64) (*broadcast.Broadcast, error)
	// Approve: plan is "" or the hash the approver saw; override is an
	// owner's reason to approve a plan the content check flagged.
	Approve(ctx context.Context, a broadcast.Admin, id int64, plan, override string) (*broadcast.Broadcast, error)
	Reject(ctx context.Context, a broadcast.Admin, id int64, reason string) (*broadcast.Broadcast, error)
	// ValidApprovals counts the approvals that count now for b's plan.
	ValidApprovals(b *broadcast.Broadcast) int
	ApprovalsRequired() int
}

// SendControl sends, stops and takes back broadcasts
// (bot/broadcast.Service).
type SendControl interface {
	// Send sends now when at is zero, else schedules.
	Send(ctx context.Context, a broadcast.Admin, id int64, at time.Time, o broadcast.SendOptions) (*broadcast.Broadcast, error)
	Cancel(ctx context.Context, a broadcast.Admin, id int64) (*broadcast.Broadcast, error)
	Retract(ctx context.Context, a broadcast.Admin, id int64) (*broadcast.Broadcast, error)
	// Pause and Resume act on one broadcast; SetPaused on all sending.
	Pause(ctx context.Context, a broadcast.Admin, id int64) (*broadcast.Broadcast, error)
	Resume(ctx context.Context, a broadcast.Admin, id int64, override string) (*broadcast.Broadcast, error)
	SetPaused(ctx context.Context, a broadcast.Admin, paused bool) error
	Paused(ctx context.Context) (bool, error)
	// Policy is the send-safety settings at now, for preview replies.
	Policy(now time.Time) broadcast.Policy
}

// Segments counts the followers of the live rules' segments; both may
// take seconds (bot/broadcast.Service).
type Segments interface {
	Segments(ctx context.Context) ([]broadcast.SegmentCount, error)
	Count(ctx context.Context, segment string) (int, error)
	// FindSegment finds a segment as an admin typed it (its name in any
	// case, or its title), with its display name; an unknown one is
	// refused with the closest names.
	FindSegment(typed string) (broadcast.SegmentName, error)
}

// Results measures sent broadcasts (bot/results.Service).
type Results interface {
	// Unsubscribes counts recipients of id who unsubscribed within 24 h.
	Unsubscribes(ctx context.Context, id int64) (int, error)
	// Measure compares a broadcast's versions and holdout by metric
	// (results.Metric*; nil when there is nothing to compare); window 0
	// is the configured one, tag (callbacks only) "" any callback.
	Measure(ctx context.Context, b *broadcast.Broadcast, metric string, window time.Duration, tag string) (*results.Results, error)
	// Signals reports whether b has clicks and conversions recorded.
	Signals(ctx context.Context, b *broadcast.Broadcast) (clicks, conversions bool, err error)
}

// Audit keeps the audit log (bot/audit.Log).
type Audit interface {
	Record(ctx context.Context, e audit.Entry) error
	Newest(ctx context.Context, n int) ([]audit.Entry, error) // newest first
}

// Notices lists the general notices, e.g. rules reload errors, newest
// first (bot/notify.Notifier).
type Notices interface {
	Notices(ctx context.Context, n int) ([]broadcast.Notice, error)
}

// Notifier delivers a message to an admin later: customer-service
// message, template fallback, kept in list and status
// (bot/notify.Notifier).
type Notifier interface {
	Notify(ctx context.Context, to broadcast.Admin, id int64, text string)
}

// Quotas reads today's remaining mass-send calls (bot/broadcast.Service).
type Quotas interface {
	// MassQuota is Left of Limit calls; Left -1 when WeChat's quota could
	// not be read.
	MassQuota(ctx context.Context) broadcast.Quota
}
