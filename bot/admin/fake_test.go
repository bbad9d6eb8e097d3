package admin

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/wxcast/wxcast/bot/broadcast"
)

// fakeService is an in-memory broadcast service with the state machine's
// main rules, enough for the commands to meet each outcome.
type fakeService struct {
	mu       sync.Mutex
	now      func() time.Time
	next     int64
	bs       map[int64]*broadcast.Broadcast
	paused   bool
	segments []broadcast.SegmentCount
	audit    []broadcast.AuditEntry
	notices  []broadcast.Notice
	required int
	rules    string

	// fail, when set, is returned by every method but RecordAudit.
	fail error
	// auditErr is returned by RecordAudit (the entry is not kept).
	auditErr error
	// gate, when set, holds Preview, Segments and Count until it is
	// closed; they return ctx's error if ctx ends first.
	gate chan struct{}
	// sendAt is the time the last Send asked for.
	sendAt time.Time
	// ctxErr is the context error a gated call saw after the gate opened.
	ctxErr error
}

var _ Service = (*fakeService)(nil)

func newFake(now func() time.Time) *fakeService {
	return &fakeService{
		now:      now,
		next:     1,
		bs:       map[int64]*broadcast.Broadcast{},
		required: 1,
		rules:    "abc123",
		segments: []broadcast.SegmentCount{
			{Name: "vip", Count: 1234},
			{Name: "all", Count: 1234567},
			{Name: "lonely", Count: 1},
		},
	}
}

func clone(b *broadcast.Broadcast) *broadcast.Broadcast {
	c := *b
	if b.Plan != nil {
		p := *b.Plan
		c.Plan = &p
	}
	c.Approvals = slices.Clone(b.Approvals)
	c.Batches = slices.Clone(b.Batches)
	c.Retracted = slices.Clone(b.Retracted)
	c.Notices = slices.Clone(b.Notices)
	return &c
}

// put stores b as broadcast b.ID (test setup).
func (f *fakeService) put(b *broadcast.Broadcast) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.bs[b.ID] = clone(b)
	f.next = max(f.next, b.ID+1)
}

func (f *fakeService) get(id int64) (*broadcast.Broadcast, error) {
	if f.fail != nil {
		return nil, f.fail
	}
	b, ok := f.bs[id]
	if !ok {
		return nil, &broadcast.Refusal{Code: broadcast.CodeNotFound, ID: id}
	}
	return b, nil
}

func (f *fakeService) wait(ctx context.Context) error {
	f.mu.Lock()
	gate := f.gate
	f.mu.Unlock()
	if gate == nil {
		return nil
	}
	select {
	case <-gate:
	case <-ctx.Done():
		return ctx.Err()
	}
	f.mu.Lock()
	f.ctxErr = ctx.Err()
	f.mu.Unlock()
	return ctx.Err()
}

func (f *fakeService) segment(name string) (broadcast.SegmentCount, bool) {
	for _, s := range f.segments {
		if s.Name == name {
			return s, true
		}
	}
	return broadcast.SegmentCount{}, false
}

func wrong(b *broadcast.Broadcast) error {
	return &broadcast.Refusal{Code: broadcast.CodeWrongState, ID: b.ID, State: b.State}
}

func (f *fakeService) New(_ context.Context, a broadcast.Admin, segment string, c broadcast.Content) (*broadcast.Broadcast, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail != nil {
		return nil, f.fail
	}
	if _, ok := f.segment(segment); !ok {
		return nil, &broadcast.Refusal{Code: broadcast.CodeUnknownSegment, Detail: segment}
	}
	b := &broadcast.Broadcast{ID: f.next, Creator: a.OpenID, CreatorName: a.Name, Segment: segment,
		Content: c, State: broadcast.StateDraft, Created: f.now()}
	f.bs[b.ID] = b
	f.next++
	return clone(b), nil
}

func (f *fakeService) Get(_ context.Context, id int64) (*broadcast.Broadcast, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	b, err := f.get(id)
	if err != nil {
		return nil, err
	}
	return clone(b), nil
}

func (f *fakeService) List(_ context.Context, n int) ([]*broadcast.Broadcast, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail != nil {
		return nil, f.fail
	}
	var out []*broadcast.Broadcast
	for id := f.next - 1; id > 0 && len(out) < n; id-- {
		if b, ok := f.bs[id]; ok {
			out = append(out, clone(b))
		}
	}
	return out, nil
}

func (f *fakeService) Preview(ctx context.Context, a broadcast.Admin, id int64) (*broadcast.Broadcast, error) {
	if err := f.wait(ctx); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	b, err := f.get(id)
	if err != nil {
		return nil, err
	}
	mine := a.Has(broadcast.RoleOwner) || b.Creator == a.OpenID
	if !mine && a.Has(broadcast.RoleApprover) { // looks at the plan, changes nothing
		if b.Plan == nil {
			return nil, &broadcast.Refusal{Code: broadcast.CodeNoPlan, ID: id}
		}
		return clone(b), nil
	}
	if b.State != broadcast.StateDraft && b.State != broadcast.StatePlanned {
		return nil, wrong(b)
	}
	if !mine {
		return nil, &broadcast.Refusal{Code: broadcast.CodeNotYours, ID: id}
	}
	seg, _ := f.segment(b.Segment)
	if seg.Count < 2 {
		return nil, &broadcast.Refusal{Code: broadcast.CodeSmallAudience, ID: id, N: seg.Count}
	}
	b.Plan = &broadcast.Plan{Hash: fmt.Sprintf("%08x", 0x3f2a9c00+id), RulesVersion: f.rules, Audience: seg.Count}
	b.State, b.Approvals = broadcast.StatePlanned, nil
	return clone(b), nil
}

func (f *fakeService) Approve(_ context.Context, a broadcast.Admin, id int64, _, _ string) (*broadcast.Broadcast, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	b, err := f.get(id)
	if err != nil {
		return nil, err
	}
	switch {
	case b.State == broadcast.StateDraft:
		return nil, &broadcast.Refusal{Code: broadcast.CodeNoPlan, ID: id}
	case b.State != broadcast.StatePlanned && b.State != broadcast.StateApproved:
		return nil, wrong(b)
	case b.Creator == a.OpenID:
		return nil, &broadcast.Refusal{Code: broadcast.CodeSelfApproval, ID: id}
	case b.Plan.RulesVersion != f.rules:
		b.State, b.Approvals = broadcast.StateDraft, nil
		return nil, &broadcast.Refusal{Code: broadcast.CodePlanVoided, ID: id, Detail: f.rules}
	}
	for _, x := range b.Approvals {
		if x.By == a.OpenID {
			return nil, &broadcast.Refusal{Code: broadcast.CodeAlreadyApproved, ID: id}
		}
	}
	b.Approvals = append(b.Approvals, broadcast.Approval{By: a.OpenID, Name: a.Name, PlanHash: b.Plan.Hash})
	if f.valid(b) >= f.required {
		b.State = broadcast.StateApproved
	}
	return clone(b), nil
}

func (f *fakeService) Reject(_ context.Context, a broadcast.Admin, id int64, reason string) (*broadcast.Broadcast, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	b, err := f.get(id)
	if err != nil {
		return nil, err
	}
	if b.State.Final() || b.State == broadcast.StateSending {
		return nil, wrong(b)
	}
	b.State, b.RejectedBy, b.RejectReason = broadcast.StateRejected, a.OpenID, reason
	return clone(b), nil
}

func (f *fakeService) Send(_ context.Context, a broadcast.Admin, id int64, at time.Time, _ broadcast.SendOptions) (*broadcast.Broadcast, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sendAt = at
	b, err := f.get(id)
	if err != nil {
		return nil, err
	}
	switch {
	case b.State == broadcast.StatePlanned:
		return clone(b), &broadcast.Refusal{Code: broadcast.CodeNotApproved, ID: id, N: f.valid(b), Need: f.required}
	case b.State != broadcast.StateApproved && b.State != broadcast.StateScheduled:
		return nil, wrong(b)
	case !a.Has(broadcast.RoleApprover) && b.Creator != a.OpenID:
		return nil, &broadcast.Refusal{Code: broadcast.CodeNotYours, ID: id}
	case at.IsZero():
		b.State, b.SendAt = broadcast.StateSending, f.now()
	case !at.After(f.now()):
		return nil, &broadcast.Refusal{Code: broadcast.CodePastTime, ID: id, At: at}
	default:
		b.State, b.SendAt = broadcast.StateScheduled, at
	}
	return clone(b), nil
}

func (f *fakeService) Cancel(_ context.Context, a broadcast.Admin, id int64) (*broadcast.Broadcast, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	b, err := f.get(id)
	if err != nil {
		return nil, err
	}
	if b.State.Final() {
		return nil, wrong(b)
	}
	if !a.Has(broadcast.RoleOwner) && b.Creator != a.OpenID {
		return nil, &broadcast.Refusal{Code: broadcast.CodeNotYours, ID: id}
	}
	b.State, b.CancelledBy = broadcast.StateCancelled, a.OpenID
	return clone(b), nil
}

func (f *fakeService) Retract(_ context.Context, _ broadcast.Admin, id int64) (*broadcast.Broadcast, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	b, err := f.get(id)
	if err != nil {
		return nil, err
	}
	switch {
	case b.State != broadcast.StateSent && b.State != broadcast.StatePartiallyFailed:
		return nil, wrong(b)
	case b.Content.Type != typeNews:
		return clone(b), &broadcast.Refusal{Code: broadcast.CodeCannotRetract, ID: id, Detail: b.Content.Type}
	}
	for _, x := range b.Batches {
		if x.State == broadcast.BatchSent {
			b.Retracted = append(b.Retracted, x.MsgID)
		}
	}
	b.State = broadcast.StateRetracted
	return clone(b), nil
}

func (f *fakeService) SetPaused(_ context.Context, _ broadcast.Admin, paused bool) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail != nil {
		return f.fail
	}
	f.paused = paused
	return nil
}

func (f *fakeService) Paused(context.Context) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.paused, f.fail
}

func (f *fakeService) Segments(ctx context.Context) ([]broadcast.SegmentCount, error) {
	if err := f.wait(ctx); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.segments), f.fail
}

func (f *fakeService) Count(ctx context.Context, segment string) (int, error) {
	if err := f.wait(ctx); err != nil {
		return 0, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail != nil {
		return 0, f.fail
	}
	s, ok := f.segment(segment)
	if !ok {
		return 0, &broadcast.Refusal{Code: broadcast.CodeUnknownSegment, Detail: segment}
	}
	return s.Count, nil
}

func (f *fakeService) Audit(_ context.Context, n int) ([]broadcast.AuditEntry, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail != nil {
		return nil, f.fail
	}
	var out []broadcast.AuditEntry
	for i := len(f.audit) - 1; i >= 0 && len(out) < n; i-- {
		out = append(out, f.audit[i])
	}
	return out, nil
}

func (f *fakeService) RecordAudit(_ context.Context, e broadcast.AuditEntry) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.auditErr != nil {
		return f.auditErr
	}
	f.audit = append(f.audit, e)
	return nil
}

// audits returns a copy of the audit log, oldest first.
func (f *fakeService) audits() []broadcast.AuditEntry {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.audit)
}

func (f *fakeService) Notices(_ context.Context, n int) ([]broadcast.Notice, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail != nil {
		return nil, f.fail
	}
	return slices.Clone(f.notices[:min(n, len(f.notices))]), nil
}

func (f *fakeService) ValidApprovals(b *broadcast.Broadcast) int {
	if b.Plan == nil {
		return 0
	}
	return f.valid(b)
}

// valid counts b's approvals of its current plan (f.mu held or b a copy).
func (f *fakeService) valid(b *broadcast.Broadcast) int {
	n := 0
	for _, x := range b.Approvals {
		if b.Plan != nil && x.PlanHash == b.Plan.Hash {
			n++
		}
	}
	return n
}

func (f *fakeService) ApprovalsRequired() int { return f.required }

// fakeNotifier records the deferred replies.
type fakeNotifier struct {
	mu   sync.Mutex
	sent []notice
	done chan struct{} // signalled on each Notify (buffered)
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

// The send-safety commands are tested against the real service
// (real_service_test.go); the fake refuses them.

func (f *fakeService) AddVariant(context.Context, broadcast.Admin, int64, broadcast.Content) (*broadcast.Broadcast, error) {
	return nil, errNotFaked
}

func (f *fakeService) SetHoldout(context.Context, broadcast.Admin, int64, int) (*broadcast.Broadcast, error) {
	return nil, errNotFaked
}

func (f *fakeService) Remind(context.Context, broadcast.Admin, int64, time.Time, []time.Duration, string) (*broadcast.Broadcast, error) {
	return nil, errNotFaked
}

func (f *fakeService) Pause(context.Context, broadcast.Admin, int64) (*broadcast.Broadcast, error) {
	return nil, errNotFaked
}

func (f *fakeService) Resume(context.Context, broadcast.Admin, int64, string) (*broadcast.Broadcast, error) {
	return nil, errNotFaked
}

func (f *fakeService) Unsubscribes(context.Context, int64) (int, error) { return 0, nil }

func (f *fakeService) Policy(time.Time) broadcast.Policy { return broadcast.Policy{} }

func (f *fakeService) Results(context.Context, *broadcast.Broadcast, time.Duration, string) (*broadcast.Results, error) {
	return nil, nil
}

var errNotFaked = fmt.Errorf("not in the fake service")
