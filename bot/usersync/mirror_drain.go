package usersync

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"go.uber.org/zap"

	"github.com/wxcast/wxcast/bot/wxapi"
	"github.com/wxcast/wxcast/store"
)

// maxDrain bounds the ops one drain reads, so a huge backlog (a new
// mirrored tag on a million followers) is worked off in steps.
const maxDrain = 20000

// DrainStats is what one drain did.
type DrainStats struct {
	Calls    int // batchtagging and batchuntagging calls made
	Tagged   int // followers given a WeChat tag
	Untagged int
	// Skipped were given up: FollowerFull already held 20 WeChat tags,
	// Invalid were refused as unknown openids, AccountFull wanted a tag
	// the account could not create (100 tags).
	FollowerFull, Invalid, AccountFull int
}

// drainLease is how long the drain lease outlives a silent drainer; it is
// renewed every third of it while a drain runs.
const drainLease = 30 * time.Second

// ErrDraining means another process is draining the tag queue.
var ErrDraining = errors.New("another process is draining the WeChat tag queue")

// Drain carries out the queued changes: grouped by WeChat tag and
// direction, at most wxapi.MaxTagBatch followers a call. Changes that
// fail for the moment stay queued for the next drain. One process drains
// at a time (a lease, renewed while it works; ErrDraining otherwise): two
// drains could otherwise carry out an older and a newer wish for the same
// follower in the wrong order.
func (m *Mirror) Drain(ctx context.Context) (DrainStats, error) {
	ok, err := m.queue.Lease(ctx, m.o.Owner, drainLease)
	if err != nil {
		return DrainStats{}, err
	}
	if !ok {
		return DrainStats{}, ErrDraining
	}
	ctx, stop := keepLease(ctx, drainLease, func(ctx context.Context) (bool, error) {
		return m.queue.Lease(ctx, m.o.Owner, drainLease)
	}, m.o.Log)
	defer func() {
		stop()
		_ = m.queue.Release(context.WithoutCancel(ctx), m.o.Owner)
	}()
	st, err := m.drain(ctx)
	if cause := context.Cause(ctx); err != nil && errors.Is(cause, errLeaseLost) {
		err = cause
	}
	return st, err
}

func (m *Mirror) drain(ctx context.Context) (DrainStats, error) {
	var st DrainStats
	var ops []store.TagOp
	for cursor := uint64(0); len(ops) < maxDrain; {
		got, next, err := m.queue.Scan(ctx, cursor, 1000)
		if err != nil {
			return st, err
		}
		ops = append(ops, got...)
		if cursor = next; cursor == 0 {
			break
		}
	}
	type group struct {
		tag string
		add bool
	}
	groups := make(map[group][]store.TagOp)
	var order []group
	for _, op := range ops {
		g := group{op.Tag, op.Add}
		if _, ok := groups[g]; !ok {
			order = append(order, g)
		}
		groups[g] = append(groups[g], op)
	}
	// A tag that fails (WeChat refuses to create it, say) must not hold
	// up the others: each group is tried, and the errors come back joined.
	var errs []error
	for _, g := range order {
		if err := m.drainTag(ctx, g.tag, g.add, groups[g], &st); err != nil {
			errs = append(errs, fmt.Errorf("WeChat tag %s: %w", g.tag, err))
			if ctx.Err() != nil {
				break
			}
		}
	}
	return st, errors.Join(errs...)
}

// drainTag carries out ops, all adding (or all removing) one WeChat tag.
func (m *Mirror) drainTag(ctx context.Context, tag string, add bool, ops []store.TagOp, st *DrainStats) error {
	id, ok, err := m.tagID(ctx, tag, add)
	if err != nil {
		if wxapi.ErrCode(err) == 45056 {
			m.o.Log.Error("tag mirror: WeChat refuses to create the tag: the account has 100 tags already; the changes are dropped",
				zap.String("wechat_tag", tag), zap.Int("followers", len(ops)))
			st.AccountFull += len(ops)
			m.m.skipped.WithLabelValues("account_full").Add(float64(len(ops)))
			return m.queue.Done(ctx, ops)
		}
		return err
	}
	if !ok { // removing a tag the account does not have: nothing to do
		return m.queue.Done(ctx, ops)
	}
	for start := 0; start < len(ops); start += wxapi.MaxTagBatch {
		chunk := ops[start:min(start+wxapi.MaxTagBatch, len(ops))]
		if err := m.drainChunk(ctx, store.WeChatTag{ID: id, Name: tag}, add, chunk, st); err != nil {
			return err
		}
	}
	return nil
}

// drainChunk makes one call for up to MaxTagBatch followers. Followers
// whose profile shows the change made already are skipped, as are those
// at WeChat's 20 tags. If WeChat refuses the call for one follower's sake
// (45059, 40003, 49003), the followers are tried one by one so the others
// still get it.
func (m *Mirror) drainChunk(ctx context.Context, tag store.WeChatTag, add bool, ops []store.TagOp, st *DrainStats) error {
	ids := make([]string, len(ops))
	for i, op := range ops {
		ids[i] = op.OpenID
	}
	profiles, err := m.o.Followers.Profiles(ctx, ids)
	if err != nil {
		return err
	}
	var call []*store.Profile
	for _, p := range profiles {
		held := p.WeChatTags()
		has := slices.ContainsFunc(held, func(t store.WeChatTag) bool { return t.ID == tag.ID })
		switch {
		case add && has:
		case add && len(held) >= wxapi.MaxFollowerTags:
			st.FollowerFull++
			m.m.skipped.WithLabelValues("follower_full").Inc()
		case !add && !has && p.SyncRun != 0:
		default:
			call = append(call, p)
		}
	}
	if len(call) > 0 {
		if err := m.tagMembers(ctx, tag, add, call, st); err != nil {
			return err
		}
	}
	return m.queue.Done(ctx, ops)
}

// tagMembers calls WeChat for followers, isolating the ones it refuses
// (wxapi.TagIsolating).
func (m *Mirror) tagMembers(ctx context.Context, tag store.WeChatTag, add bool, ps []*store.Profile, st *DrainStats) error {
	ids := make([]string, len(ps))
	for i, p := range ps {
		ids[i] = p.OpenID
	}
	op := "untag"
	if add {
		op = "tag"
	}
	refused, calls, err := wxapi.TagIsolating(ctx, ids, func(ids []string) error {
		err := m.o.Retry.do(ctx, nil, func() error { return m.o.API.TagMembers(ctx, tag.ID, ids, add) })
		switch code := wxapi.ErrCode(err); {
		case err == nil:
			m.m.calls.WithLabelValues(op, "ok").Inc()
		case code == 45059 || code == 40003 || code == 49003 || code == 45159:
			m.m.calls.WithLabelValues(op, "refused").Inc()
		default:
			m.m.calls.WithLabelValues(op, "failed").Inc()
		}
		return err
	})
	st.Calls += calls
	if wxapi.ErrCode(err) == 45159 {
		// The tag was deleted on WeChat's side: forget its id; the
		// next drain creates it again.
		m.mu.Lock()
		delete(m.ids, tag.Name)
		m.mu.Unlock()
		return fmt.Errorf("WeChat tag %s (id %d) no longer exists: %w", tag.Name, tag.ID, err)
	}
	no := make(map[string]bool, len(refused))
	for _, r := range refused {
		no[r.OpenID] = true
		reason := "invalid_openid"
		if r.Code == 45059 {
			reason = "follower_full"
			st.FollowerFull++
		} else {
			st.Invalid++
		}
		m.m.skipped.WithLabelValues(reason).Inc()
		m.o.Log.Info("tag mirror: WeChat refused a follower", zap.String("openid", r.OpenID),
			zap.String("wechat_tag", tag.Name), zap.Int("errcode", r.Code))
	}
	if err != nil {
		// Which of the rest went through is not known: the queue keeps
		// them, and tagging again is harmless.
		return err
	}
	var done []*store.Profile
	for _, p := range ps {
		if !no[p.OpenID] {
			done = append(done, p)
		}
	}
	if add {
		st.Tagged += len(done)
	} else {
		st.Untagged += len(done)
	}
	return m.record(ctx, tag, add, done)
}

// record notes in the profiles what WeChat now holds.
func (m *Mirror) record(ctx context.Context, tag store.WeChatTag, add bool, ps []*store.Profile) error {
	for _, p := range ps {
		if err := m.o.Followers.SetWeChatTag(ctx, p.OpenID, tag, add); err != nil {
			return err
		}
	}
	return nil
}

// tagID finds a WeChat tag's id by name, reading the account's tags when
// it is not known and, with create set, creating it when missing. ok is
// false when the tag does not exist (and create is off).
func (m *Mirror) tagID(ctx context.Context, name string, create bool) (int, bool, error) {
	m.mu.Lock()
	id, ok := m.ids[name]
	m.mu.Unlock()
	if ok {
		return id, true, nil
	}
	if err := m.readTags(ctx); err != nil {
		return 0, false, err
	}
	m.mu.Lock()
	id, ok = m.ids[name]
	m.mu.Unlock()
	if ok || !create {
		return id, ok, nil
	}
	var t wxapi.TagInfo
	err := m.o.Retry.do(ctx, nil, func() (err error) {
		t, err = m.o.API.CreateTag(ctx, name)
		return err
	})
	if wxapi.ErrCode(err) == 45157 { // created meanwhile by another hand
		if err := m.readTags(ctx); err != nil {
			return 0, false, err
		}
		m.mu.Lock()
		id, ok = m.ids[name]
		m.mu.Unlock()
		if ok {
			return id, true, nil
		}
	}
	if err != nil {
		return 0, false, err
	}
	m.o.Log.Info("tag mirror: created WeChat tag", zap.String("wechat_tag", name), zap.Int("id", t.ID))
	m.mu.Lock()
	m.ids[name] = t.ID
	m.mu.Unlock()
	return t.ID, true, m.readTags(ctx) // keep the saved list, which rules loading checks, current
}

// readTags reads the account's tags into the id cache and saves them for
// the rules loader's account limit check.
func (m *Mirror) readTags(ctx context.Context) error {
	var tags []wxapi.TagInfo
	err := m.o.Retry.do(ctx, nil, func() (err error) {
		tags, err = m.o.API.AccountTags(ctx)
		return err
	})
	if err != nil {
		return err
	}
	ids := make(map[string]int, len(tags))
	for _, t := range tags {
		ids[t.Name] = t.ID
	}
	m.mu.Lock()
	m.ids = ids
	m.mu.Unlock()
	doc, err := json.Marshal(tags)
	if err != nil {
		return err
	}
	return m.state.SaveAccountTags(ctx, doc)
}

// Add adds o's counts to s.
func (s *DrainStats) Add(o DrainStats) {
	s.Calls += o.Calls
	s.Tagged += o.Tagged
	s.Untagged += o.Untagged
	s.FollowerFull += o.FollowerFull
	s.Invalid += o.Invalid
	s.AccountFull += o.AccountFull
}
