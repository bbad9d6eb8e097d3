package admin

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/wxcast/wxcast/bot/broadcast"
	"github.com/wxcast/wxcast/bot/results"
)

// memory is an in-memory broadcast store that the fakes act on by
// default (fixture.inMemory), so that a test can run new → preview →
// approve → send and check each reply. It keeps the lifecycle's main path
// and the few refusals the reply tests meet: not found, unknown segment,
// wrong state, no plan, not approved. Who may do what on whose broadcast
// is the real service's business: real_service_test.go checks it.
type memory struct {
	mu       sync.Mutex
	now      func() time.Time
	next     int64
	bs       map[int64]*broadcast.Broadcast
	paused   bool
	required int
	segments []broadcast.SegmentCount
	notices  []broadcast.Notice
}

// inMemory points every broadcast service of f at a new memory, with
// three segments and one approval required, and returns it.
func (f *fixture) inMemory() *memory {
	m := &memory{now: f.bot.now, next: 1, bs: map[int64]*broadcast.Broadcast{}, required: 1,
		segments: []broadcast.SegmentCount{{Name: "vip", Count: 1234}, {Name: "all", Count: 1234567}, {Name: "lonely", Count: 1}}}
	*f.drafts = fakeDrafts{CreateFn: m.Create, GetFn: m.Get, ListFn: m.List}
	*f.approvals = fakeApprovals{PreviewFn: m.Preview, RefreezeFn: m.Refreeze, ApproveFn: m.Approve, RejectFn: m.Reject,
		ValidApprovalsFn: m.ValidApprovals, ApprovalsRequiredFn: m.ApprovalsRequired}
	*f.send = fakeSendControl{SendFn: m.Send, CancelFn: m.Cancel, RetractFn: m.Retract,
		SetPausedFn: m.SetPaused, PausedFn: m.Paused,
		PolicyFn: func(time.Time) broadcast.Policy { return broadcast.Policy{} }}
	*f.segments = fakeSegments{SegmentsFn: m.Segments, CountFn: m.Count}
	*f.notices = fakeNotices{NoticesFn: m.Notices}
	// Nobody unsubscribed, and there are no variants to compare.
	*f.results = fakeResults{
		UnsubscribesFn: func(context.Context, int64) (int, error) { return 0, nil },
		MeasureFn: func(context.Context, *broadcast.Broadcast, string, time.Duration, string) (*results.Results, error) {
			return nil, nil
		},
	}
	return m
}

// put stores b as broadcast b.ID (test setup).
func (m *memory) put(b *broadcast.Broadcast) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.bs[b.ID] = clone(b)
	m.next = max(m.next, b.ID+1)
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

// change applies fn to broadcast id if it is in one of the states from,
// and returns the broadcast as fn left it, with fn's error (a refusal
// that comes with the broadcast names its plan in the audit log).
func (m *memory) change(id int64, from []broadcast.State, fn func(b *broadcast.Broadcast) error) (*broadcast.Broadcast, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	b, ok := m.bs[id]
	if !ok {
		return nil, &broadcast.Refusal{Code: broadcast.CodeNotFound, ID: id}
	}
	if !slices.Contains(from, b.State) {
		return nil, &broadcast.Refusal{Code: broadcast.CodeWrongState, ID: id, State: b.State}
	}
	err := fn(b)
	return clone(b), err
}

func (m *memory) count(segment string) (int, error) {
	for _, s := range m.segments {
		if s.Name == segment {
			return s.Count, nil
		}
	}
	return 0, &broadcast.Refusal{Code: broadcast.CodeUnknownSegment, Detail: segment}
}

func (m *memory) Create(_ context.Context, a broadcast.Admin, segment string, c broadcast.Content) (*broadcast.Broadcast, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, err := m.count(segment); err != nil {
		return nil, err
	}
	b := &broadcast.Broadcast{ID: m.next, Creator: a.OpenID, CreatorName: a.Name, Segment: segment,
		Content: c, State: broadcast.StateDraft, Created: m.now()}
	m.bs[b.ID] = b
	m.next++
	return clone(b), nil
}

func (m *memory) Get(_ context.Context, id int64) (*broadcast.Broadcast, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	b, ok := m.bs[id]
	if !ok {
		return nil, &broadcast.Refusal{Code: broadcast.CodeNotFound, ID: id}
	}
	return clone(b), nil
}

// List returns the newest n, newest first.
func (m *memory) List(_ context.Context, n int) ([]*broadcast.Broadcast, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []*broadcast.Broadcast
	for id := m.next - 1; id > 0 && len(out) < n; id-- {
		if b, ok := m.bs[id]; ok {
			out = append(out, clone(b))
		}
	}
	return out, nil
}

// Preview freezes the creator's plan (see Refreeze); anyone else gets
// the plan already frozen, unchanged.
func (m *memory) Preview(ctx context.Context, a broadcast.Admin, id int64) (*broadcast.Broadcast, error) {
	b, err := m.Get(ctx, id)
	if err != nil || b.Creator == a.OpenID {
		if err != nil {
			return nil, err
		}
		return m.Refreeze(ctx, a, id)
	}
	if b.Plan == nil {
		return b, &broadcast.Refusal{Code: broadcast.CodeNoPlan, ID: id}
	}
	return b, nil
}

// Refreeze freezes a plan whose hash is 3f2a9c00 plus the id, so the
// approvals of an earlier plan stand.
func (m *memory) Refreeze(_ context.Context, _ broadcast.Admin, id int64) (*broadcast.Broadcast, error) {
	return m.change(id, []broadcast.State{broadcast.StateDraft, broadcast.StatePlanned}, func(b *broadcast.Broadcast) error {
		n, _ := m.count(b.Segment)
		p := &broadcast.Plan{Hash: fmt.Sprintf("%08x", 0x3f2a9c00+id), RulesVersion: "abc123", Audience: n}
		if b.Plan != nil {
			p.Replaced = b.Plan.Hash
		}
		b.Plan, b.State = p, broadcast.StatePlanned
		return nil
	})
}

func (m *memory) Approve(_ context.Context, a broadcast.Admin, id int64, _, _ string) (*broadcast.Broadcast, error) {
	from := []broadcast.State{broadcast.StateDraft, broadcast.StatePlanned, broadcast.StateApproved}
	return m.change(id, from, func(b *broadcast.Broadcast) error {
		if b.Plan == nil {
			return &broadcast.Refusal{Code: broadcast.CodeNoPlan, ID: id}
		}
		b.Approvals = append(b.Approvals, broadcast.Approval{By: a.OpenID, Name: a.Name, PlanHash: b.Plan.Hash})
		if m.ValidApprovals(b) >= m.required {
			b.State = broadcast.StateApproved
		}
		return nil
	})
}

func (m *memory) Reject(_ context.Context, a broadcast.Admin, id int64, reason string) (*broadcast.Broadcast, error) {
	from := []broadcast.State{broadcast.StateDraft, broadcast.StatePlanned, broadcast.StateApproved, broadcast.StateScheduled}
	return m.change(id, from, func(b *broadcast.Broadcast) error {
		b.State, b.RejectedBy, b.RejectReason = broadcast.StateRejected, a.OpenID, reason
		return nil
	})
}

// ValidApprovals counts b's approvals of its current plan.
func (m *memory) ValidApprovals(b *broadcast.Broadcast) int {
	n := 0
	for _, x := range b.Approvals {
		if b.Plan != nil && x.PlanHash == b.Plan.Hash {
			n++
		}
	}
	return n
}

func (m *memory) ApprovalsRequired() int { return m.required }

// Send sends now when at is zero, else schedules for at.
func (m *memory) Send(_ context.Context, _ broadcast.Admin, id int64, at time.Time, _ broadcast.SendOptions) (*broadcast.Broadcast, error) {
	from := []broadcast.State{broadcast.StatePlanned, broadcast.StateApproved, broadcast.StateScheduled}
	return m.change(id, from, func(b *broadcast.Broadcast) error {
		switch {
		case b.State == broadcast.StatePlanned:
			return &broadcast.Refusal{Code: broadcast.CodeNotApproved, ID: id, N: m.ValidApprovals(b), Need: m.required}
		case at.IsZero():
			b.State, b.SendAt = broadcast.StateSending, m.now()
		default:
			b.State, b.SendAt = broadcast.StateScheduled, at
		}
		return nil
	})
}

func (m *memory) Cancel(_ context.Context, a broadcast.Admin, id int64) (*broadcast.Broadcast, error) {
	from := []broadcast.State{broadcast.StateDraft, broadcast.StatePlanned, broadcast.StateApproved,
		broadcast.StateScheduled, broadcast.StateSending}
	return m.change(id, from, func(b *broadcast.Broadcast) error {
		b.State, b.CancelledBy = broadcast.StateCancelled, a.OpenID
		return nil
	})
}

func (m *memory) Retract(_ context.Context, _ broadcast.Admin, id int64) (*broadcast.Broadcast, error) {
	return m.change(id, []broadcast.State{broadcast.StateSent, broadcast.StatePartiallyFailed}, func(b *broadcast.Broadcast) error {
		b.State = broadcast.StateRetracted
		return nil
	})
}

func (m *memory) SetPaused(_ context.Context, _ broadcast.Admin, paused bool) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.paused = paused
	return nil
}

func (m *memory) Paused(context.Context) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.paused, nil
}

func (m *memory) Segments(context.Context) ([]broadcast.SegmentCount, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.segments), nil
}

func (m *memory) Count(_ context.Context, segment string) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.count(segment)
}

// Notices returns the first n notices (newest first, as set).
func (m *memory) Notices(_ context.Context, n int) ([]broadcast.Notice, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.notices[:min(n, len(m.notices))]), nil
}
