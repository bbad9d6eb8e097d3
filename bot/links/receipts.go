package links

import (
	"context"
	"sync"
	"time"

	"github.com/wxcast/wxcast/bot/broadcast"
)

// Members reads a broadcast's member index (store.Broadcasts).
type Members interface {
	Member(ctx context.Context, id int64, openid string) (value string, ok bool, err error)
}

// Records reads broadcast records (broadcast.Records).
type Records interface {
	Get(ctx context.Context, id int64) (*broadcast.Broadcast, error)
}

// recordLife is how long a broadcast record is kept in memory: the
// batches' outcomes change rarely once a broadcast is out. A tap whose
// batch the cached copy shows unsent reads the record again (see
// Received).
const recordLife = 10 * time.Second

// MemberReceipts answers Received from the member index and the
// broadcast's record (its batches' outcomes), the record cached briefly.
type MemberReceipts struct {
	members Members
	records Records
	now     func() time.Time

	mu    sync.Mutex
	cache map[int64]cachedRecord
}

type cachedRecord struct {
	b  *broadcast.Broadcast
	at time.Time
}

var _ Receipts = (*MemberReceipts)(nil)

// NewReceipts builds the receipts; now is the cache's clock (time.Now
// when nil).
func NewReceipts(m Members, r Records, now func() time.Time) *MemberReceipts {
	if now == nil {
		now = time.Now
	}
	return &MemberReceipts{members: m, records: r, now: now, cache: make(map[int64]cachedRecord)}
}

// Received reports which version of broadcast id openid received; ok is
// false when they are not in its audience or their batch was not
// accepted.
func (r *MemberReceipts) Received(ctx context.Context, id int64, openid string) (int, bool, error) {
	v, ok, err := r.members.Member(ctx, id, openid)
	if err != nil || !ok {
		return 0, false, err
	}
	m, ok := broadcast.ParseMember(v)
	if !ok {
		return 0, false, nil
	}
	b, err := r.record(ctx, id, false)
	if err != nil {
		return 0, false, err
	}
	version, ok := b.Received(m)
	if !ok && unsettled(b, m) {
		// The cached record may predate the acceptance of their batch:
		// a follower taps within seconds of receiving it, while the
		// broadcast's later batches are still going out.
		if b, err = r.record(ctx, id, true); err != nil {
			return 0, false, err
		}
		version, ok = b.Received(m)
	}
	return version, ok, nil
}

// unsettled reports whether b does not yet know what became of member
// m's batch: it is not made yet (a tag run's), or not yet sent.
func unsettled(b *broadcast.Broadcast, m broadcast.Member) bool {
	if m.Left != "" {
		return false
	}
	i := b.BatchOf(m)
	if i < 0 {
		return true
	}
	s := b.Batches[i].State
	return s == broadcast.BatchPending || s == broadcast.BatchSending
}

// record reads broadcast id's record, from the cache unless fresh is set
// or the cached copy is older than recordLife.
func (r *MemberReceipts) record(ctx context.Context, id int64, fresh bool) (*broadcast.Broadcast, error) {
	now := r.now()
	r.mu.Lock()
	c, ok := r.cache[id]
	r.mu.Unlock()
	if ok && !fresh && now.Sub(c.at) < recordLife {
		return c.b, nil
	}
	b, err := r.records.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for k, old := range r.cache { // few broadcasts are clicked at once
		if now.Sub(old.at) >= recordLife {
			delete(r.cache, k)
		}
	}
	r.cache[id] = cachedRecord{b: b, at: now}
	return b, nil
}
