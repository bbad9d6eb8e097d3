package admin

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/wxcast/wxcast/bot/audit"
	"github.com/wxcast/wxcast/bot/broadcast"
	"github.com/wxcast/wxcast/bot/results"
)

// Function-field fakes, one per interface the Bot uses: each method calls
// the field of the same name, which a test sets to what it needs. A
// method whose field is not set panics, so a command that reaches a
// service the test did not expect fails loudly. memory_test.go fills the
// fields with an in-memory broadcast store for the tests that run whole
// flows.

var (
	_ Drafts      = (*fakeDrafts)(nil)
	_ Approvals   = (*fakeApprovals)(nil)
	_ SendControl = (*fakeSendControl)(nil)
	_ Segments    = (*fakeSegments)(nil)
	_ Results     = (*fakeResults)(nil)
	_ Audit       = (*fakeAudit)(nil)
	_ Notices     = (*fakeNotices)(nil)
	_ Notifier    = (*fakeNotifier)(nil)
)

type fakeDrafts struct {
	CreateFn     func(ctx context.Context, a broadcast.Admin, segment string, c broadcast.Content) (*broadcast.Broadcast, error)
	GetFn        func(ctx context.Context, id int64) (*broadcast.Broadcast, error)
	ListFn       func(ctx context.Context, n int) ([]*broadcast.Broadcast, error)
	AddVariantFn func(ctx context.Context, a broadcast.Admin, id int64, c broadcast.Content) (*broadcast.Broadcast, error)
	SetHoldoutFn func(ctx context.Context, a broadcast.Admin, id int64, percent int) (*broadcast.Broadcast, error)
	RemindFn     func(ctx context.Context, a broadcast.Admin, id int64, deadline time.Time, offsets []time.Duration, exceptTag string, exceptClicked bool) (*broadcast.Broadcast, error)
	DraftsFn     func(ctx context.Context, a broadcast.Admin) ([]broadcast.DraftInfo, int, error)
}

func (f *fakeDrafts) Drafts(ctx context.Context, a broadcast.Admin) ([]broadcast.DraftInfo, int, error) {
	return f.DraftsFn(ctx, a)
}

func (f *fakeDrafts) Create(ctx context.Context, a broadcast.Admin, segment string, c broadcast.Content) (*broadcast.Broadcast, error) {
	return f.CreateFn(ctx, a, segment, c)
}

func (f *fakeDrafts) Get(ctx context.Context, id int64) (*broadcast.Broadcast, error) {
	return f.GetFn(ctx, id)
}

func (f *fakeDrafts) List(ctx context.Context, n int) ([]*broadcast.Broadcast, error) {
	return f.ListFn(ctx, n)
}

func (f *fakeDrafts) AddVariant(ctx context.Context, a broadcast.Admin, id int64, c broadcast.Content) (*broadcast.Broadcast, error) {
	return f.AddVariantFn(ctx, a, id, c)
}

func (f *fakeDrafts) SetHoldout(ctx context.Context, a broadcast.Admin, id int64, percent int) (*broadcast.Broadcast, error) {
	return f.SetHoldoutFn(ctx, a, id, percent)
}

func (f *fakeDrafts) Remind(ctx context.Context, a broadcast.Admin, id int64, deadline time.Time, offsets []time.Duration, exceptTag string, exceptClicked bool) (*broadcast.Broadcast, error) {
	return f.RemindFn(ctx, a, id, deadline, offsets, exceptTag, exceptClicked)
}

type fakeApprovals struct {
	PreviewFn           func(ctx context.Context, a broadcast.Admin, id int64) (*broadcast.Broadcast, error)
	RefreezeFn          func(ctx context.Context, a broadcast.Admin, id int64) (*broadcast.Broadcast, error)
	ApproveFn           func(ctx context.Context, a broadcast.Admin, id int64, plan, override string) (*broadcast.Broadcast, error)
	RejectFn            func(ctx context.Context, a broadcast.Admin, id int64, reason string) (*broadcast.Broadcast, error)
	ValidApprovalsFn    func(b *broadcast.Broadcast) int
	ApprovalsRequiredFn func() int
}

func (f *fakeApprovals) Preview(ctx context.Context, a broadcast.Admin, id int64) (*broadcast.Broadcast, error) {
	return f.PreviewFn(ctx, a, id)
}

func (f *fakeApprovals) Refreeze(ctx context.Context, a broadcast.Admin, id int64) (*broadcast.Broadcast, error) {
	return f.RefreezeFn(ctx, a, id)
}

func (f *fakeApprovals) Approve(ctx context.Context, a broadcast.Admin, id int64, plan, override string) (*broadcast.Broadcast, error) {
	return f.ApproveFn(ctx, a, id, plan, override)
}

func (f *fakeApprovals) Reject(ctx context.Context, a broadcast.Admin, id int64, reason string) (*broadcast.Broadcast, error) {
	return f.RejectFn(ctx, a, id, reason)
}

func (f *fakeApprovals) ValidApprovals(b *broadcast.Broadcast) int { return f.ValidApprovalsFn(b) }

func (f *fakeApprovals) ApprovalsRequired() int { return f.ApprovalsRequiredFn() }

type fakeSendControl struct {
	SendFn      func(ctx context.Context, a broadcast.Admin, id int64, at time.Time, o broadcast.SendOptions) (*broadcast.Broadcast, error)
	CancelFn    func(ctx context.Context, a broadcast.Admin, id int64) (*broadcast.Broadcast, error)
	RetractFn   func(ctx context.Context, a broadcast.Admin, id int64) (*broadcast.Broadcast, error)
	PauseFn     func(ctx context.Context, a broadcast.Admin, id int64) (*broadcast.Broadcast, error)
	ResumeFn    func(ctx context.Context, a broadcast.Admin, id int64, override string) (*broadcast.Broadcast, error)
	SetPausedFn func(ctx context.Context, a broadcast.Admin, paused bool) error
	PausedFn    func(ctx context.Context) (bool, error)
	PolicyFn    func(now time.Time) broadcast.Policy
}

func (f *fakeSendControl) Send(ctx context.Context, a broadcast.Admin, id int64, at time.Time, o broadcast.SendOptions) (*broadcast.Broadcast, error) {
	return f.SendFn(ctx, a, id, at, o)
}

func (f *fakeSendControl) Cancel(ctx context.Context, a broadcast.Admin, id int64) (*broadcast.Broadcast, error) {
	return f.CancelFn(ctx, a, id)
}

func (f *fakeSendControl) Retract(ctx context.Context, a broadcast.Admin, id int64) (*broadcast.Broadcast, error) {
	return f.RetractFn(ctx, a, id)
}

func (f *fakeSendControl) Pause(ctx context.Context, a broadcast.Admin, id int64) (*broadcast.Broadcast, error) {
	return f.PauseFn(ctx, a, id)
}

func (f *fakeSendControl) Resume(ctx context.Context, a broadcast.Admin, id int64, override string) (*broadcast.Broadcast, error) {
	return f.ResumeFn(ctx, a, id, override)
}

func (f *fakeSendControl) SetPaused(ctx context.Context, a broadcast.Admin, paused bool) error {
	return f.SetPausedFn(ctx, a, paused)
}

func (f *fakeSendControl) Paused(ctx context.Context) (bool, error) { return f.PausedFn(ctx) }

func (f *fakeSendControl) Policy(now time.Time) broadcast.Policy { return f.PolicyFn(now) }

type fakeSegments struct {
	SegmentsFn    func(ctx context.Context) ([]broadcast.SegmentCount, error)
	CountFn       func(ctx context.Context, segment string) (int, error)
	FindSegmentFn func(typed string) (broadcast.SegmentName, error)
}

// FindSegment, unlike the other methods, has a default when its field is
// not set: every segment exists, without a display name. Replies look up
// display names wherever they name a segment.
func (f *fakeSegments) FindSegment(typed string) (broadcast.SegmentName, error) {
	if f.FindSegmentFn == nil {
		return broadcast.SegmentName{Name: typed}, nil
	}
	return f.FindSegmentFn(typed)
}

func (f *fakeSegments) Segments(ctx context.Context) ([]broadcast.SegmentCount, error) {
	return f.SegmentsFn(ctx)
}

func (f *fakeSegments) Count(ctx context.Context, segment string) (int, error) {
	return f.CountFn(ctx, segment)
}

type fakeResults struct {
	UnsubscribesFn func(ctx context.Context, id int64) (int, error)
	MeasureFn      func(ctx context.Context, b *broadcast.Broadcast, metric string, window time.Duration, tag string) (*results.Results, error)
	SignalsFn      func(ctx context.Context, b *broadcast.Broadcast) (bool, bool, error)
}

func (f *fakeResults) Unsubscribes(ctx context.Context, id int64) (int, error) {
	return f.UnsubscribesFn(ctx, id)
}

func (f *fakeResults) Measure(ctx context.Context, b *broadcast.Broadcast, metric string, window time.Duration, tag string) (*results.Results, error) {
	return f.MeasureFn(ctx, b, metric, window, tag)
}

func (f *fakeResults) Signals(ctx context.Context, b *broadcast.Broadcast) (bool, bool, error) {
	if f.SignalsFn == nil {
		return false, false, nil
	}
	return f.SignalsFn(ctx, b)
}

type fakeAudit struct {
	RecordFn func(ctx context.Context, e audit.Entry) error
	NewestFn func(ctx context.Context, n int) ([]audit.Entry, error)
}

func (f *fakeAudit) Record(ctx context.Context, e audit.Entry) error { return f.RecordFn(ctx, e) }

func (f *fakeAudit) Newest(ctx context.Context, n int) ([]audit.Entry, error) {
	return f.NewestFn(ctx, n)
}

type fakeNotices struct {
	NoticesFn func(ctx context.Context, n int) ([]broadcast.Notice, error)
}

func (f *fakeNotices) Notices(ctx context.Context, n int) ([]broadcast.Notice, error) {
	return f.NoticesFn(ctx, n)
}

// fakeNotifier records the deferred replies and signals each on done
// (buffered), so a test can wait for one.
type fakeNotifier struct {
	mu   sync.Mutex
	sent []notice
	done chan struct{}
}

type notice struct {
	to   string
	id   int64
	text string
}

func (n *fakeNotifier) Notify(_ context.Context, to broadcast.Admin, id int64, text string) {
	n.mu.Lock()
	n.sent = append(n.sent, notice{to.OpenID, id, text})
	n.mu.Unlock()
	n.done <- struct{}{}
}

func (n *fakeNotifier) notices() []notice {
	n.mu.Lock()
	defer n.mu.Unlock()
	return slices.Clone(n.sent)
}

// auditLog is the audit log every fixture starts with: each command
// records an entry, and the audit command reads them.
type auditLog struct {
	mu      sync.Mutex
	entries []audit.Entry // oldest first
}

func (l *auditLog) Record(_ context.Context, e audit.Entry) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.entries = append(l.entries, e)
	return nil
}

func (l *auditLog) Newest(_ context.Context, n int) ([]audit.Entry, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []audit.Entry
	for i := len(l.entries) - 1; i >= 0 && len(out) < n; i-- {
		out = append(out, l.entries[i])
	}
	return out, nil
}

// all returns a copy of the log, oldest first.
func (l *auditLog) all() []audit.Entry {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.entries)
}
