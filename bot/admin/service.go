package admin

import (
	"context"
	"time"

	"github.com/wxcast/wxcast/bot/broadcast"
)

// Service is what the commands need from the broadcast service
// (bot/broadcast.Service implements it).
type Service interface {
	New(ctx context.Context, a broadcast.Admin, segment string, c broadcast.Content) (*broadcast.Broadcast, error)
	Get(ctx context.Context, id int64) (*broadcast.Broadcast, error)
	List(ctx context.Context, n int) ([]*broadcast.Broadcast, error) // newest first
	// Preview freezes the plan and sends the mass preview to a; it may
	// take seconds.
	Preview(ctx context.Context, a broadcast.Admin, id int64) (*broadcast.Broadcast, error)
	Approve(ctx context.Context, a broadcast.Admin, id int64, plan string) (*broadcast.Broadcast, error) // plan "" or the hash the approver saw
	Reject(ctx context.Context, a broadcast.Admin, id int64, reason string) (*broadcast.Broadcast, error)
	// Send sends now when at is zero, else schedules.
	Send(ctx context.Context, a broadcast.Admin, id int64, at time.Time) (*broadcast.Broadcast, error)
	Cancel(ctx context.Context, a broadcast.Admin, id int64) (*broadcast.Broadcast, error)
	Retract(ctx context.Context, a broadcast.Admin, id int64) (*broadcast.Broadcast, error)
	SetPaused(ctx context.Context, a broadcast.Admin, paused bool) error
	Paused(ctx context.Context) (bool, error)
	Segments(ctx context.Context) ([]broadcast.SegmentCount, error)   // may take seconds
	Count(ctx context.Context, segment string) (int, error)           // may take seconds
	Audit(ctx context.Context, n int) ([]broadcast.AuditEntry, error) // newest first
	RecordAudit(ctx context.Context, e broadcast.AuditEntry) error
	// Notices are general notices (e.g. rules reload errors), newest first.
	Notices(ctx context.Context, n int) ([]broadcast.Notice, error)
	// ValidApprovals counts the approvals that count now for b's plan.
	ValidApprovals(b *broadcast.Broadcast) int
	ApprovalsRequired() int
}

// Notifier delivers a message to an admin later (customer-service message,
// template fallback, kept in list/status).
type Notifier interface {
	Notify(ctx context.Context, to broadcast.Admin, id int64, text string)
}
