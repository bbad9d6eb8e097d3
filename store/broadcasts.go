package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// Broadcasts keeps broadcasts for the admin bot: each one's record (an
// opaque document the broadcast package encodes), written only by compare
// and set; the set of broadcasts the sender must look at; send leases; the
// msg_id index of sent batches; the global pause; the audit log; and the
// audience lists. It knows nothing of what a record means.
type Broadcasts struct {
	s     *Store
	save  *redis.Script
	lease *redis.Script
}

// Broadcasts returns the broadcast store.
func (s *Store) Broadcasts() *Broadcasts {
	return &Broadcasts{s: s, save: redis.NewScript(saveBroadcastScript), lease: redis.NewScript(leaseScript)}
}

// Save outcomes.
var (
	// ErrConflict means the record changed since it was read.
	ErrConflict = errors.New("store: broadcast changed since it was read")
	// ErrLeaseLost means the writer no longer holds the send lease.
	ErrLeaseLost = errors.New("store: send lease lost")
	// ErrListGone means an openid list expired or was never written.
	ErrListGone = errors.New("store: openid list is gone")
)

// NextID allocates a broadcast id: 1, 2, 3…
func (b *Broadcasts) NextID(ctx context.Context) (int64, error) {
	id, err := b.s.rdb.Incr(ctx, b.s.keys.bcSeq()).Result()
	if err != nil {
		return 0, fmt.Errorf("store: next broadcast id: %w", err)
	}
	return id, nil
}

// Create stores the first version (revision 1) of broadcast id.
func (b *Broadcasts) Create(ctx context.Context, id int64, rec []byte) error {
	k := b.s.keys
	ok, err := b.s.rdb.HSetNX(ctx, k.bcRecord(id), "rev", "1").Result()
	if err != nil {
		return fmt.Errorf("store: create broadcast %d: %w", id, err)
	}
	if !ok {
		return fmt.Errorf("store: create broadcast %d: %w", id, ErrConflict)
	}
	pipe := b.s.rdb.TxPipeline()
	pipe.HSet(ctx, k.bcRecord(id), "rec", rec)
	pipe.ZAdd(ctx, k.bcIDs(), redis.Z{Score: float64(id), Member: id})
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("store: create broadcast %d: %w", id, err)
	}
	return nil
}

// Load reads broadcast id; ok is false when there is none.
func (b *Broadcasts) Load(ctx context.Context, id int64) (rec []byte, rev int64, ok bool, err error) {
	vals, err := b.s.rdb.HMGet(ctx, b.s.keys.bcRecord(id), "rev", "rec").Result()
	if err != nil {
		return nil, 0, false, fmt.Errorf("store: load broadcast %d: %w", id, err)
	}
	rs, _ := vals[0].(string)
	r, _ := vals[1].(string)
	if rs == "" || r == "" {
		return nil, 0, false, nil
	}
	rev, err = strconv.ParseInt(rs, 10, 64)
	if err != nil {
		return nil, 0, false, fmt.Errorf("store: load broadcast %d: bad revision %q", id, rs)
	}
	return []byte(r), rev, true, nil
}

// Change is what Save does besides writing the record.
type Change struct {
	// Active adds the broadcast to (+1) or removes it from (-1) the set the
	// sender watches.
	Active int
	// Owner, when set, makes the write conditional on holding the lease.
	Owner string
	// MsgIDs indexes sent batches: msg_id → batch number.
	MsgIDs map[int64]int
}

// Save writes rec as the next revision of broadcast id if its revision is
// still rev: ErrConflict otherwise, ErrLeaseLost when c.Owner no longer
// holds the lease.
func (b *Broadcasts) Save(ctx context.Context, id, rev int64, rec []byte, c Change) error {
	k := b.s.keys
	active := ""
	switch {
	case c.Active > 0:
		active = "+"
	case c.Active < 0:
		active = "-"
	}
	args := make([]any, 0, 5+2*len(c.MsgIDs))
	args = append(args, rev, rec, id, active, c.Owner)
	for m, i := range c.MsgIDs {
		args = append(args, m, strconv.FormatInt(id, 10)+":"+strconv.Itoa(i))
	}
	n, err := b.save.Run(ctx, b.s.rdb, []string{k.bcRecord(id), k.bcActive(), k.bcLease(id), k.bcMsgIndex()}, args...).Int()
	switch {
	case err != nil:
		return fmt.Errorf("store: save broadcast %d: %w", id, err)
	case n == 0:
		return ErrConflict
	case n < 0:
		return ErrLeaseLost
	}
	return nil
}

// List returns the ids of the newest n broadcasts, newest first.
func (b *Broadcasts) List(ctx context.Context, n int) ([]int64, error) {
	vals, err := b.s.rdb.ZRevRange(ctx, b.s.keys.bcIDs(), 0, int64(n)-1).Result()
	if err != nil {
		return nil, fmt.Errorf("store: list broadcasts: %w", err)
	}
	return parseIDs(vals), nil
}

// Active returns the broadcasts the sender must look at (scheduled or
// sending), in no order.
func (b *Broadcasts) Active(ctx context.Context) ([]int64, error) {
	vals, err := b.s.rdb.SMembers(ctx, b.s.keys.bcActive()).Result()
	if err != nil {
		return nil, fmt.Errorf("store: active broadcasts: %w", err)
	}
	return parseIDs(vals), nil
}

func parseIDs(vals []string) []int64 {
	out := make([]int64, 0, len(vals))
	for _, v := range vals {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil {
			out = append(out, id)
		}
	}
	return out
}

// Lease takes or extends broadcast id's send lease for owner; it reports
// whether owner holds it for ttl from now.
func (b *Broadcasts) Lease(ctx context.Context, id int64, owner string, ttl time.Duration) (bool, error) {
	n, err := b.lease.Run(ctx, b.s.rdb, []string{b.s.keys.bcLease(id)}, owner, ttl.Milliseconds()).Int()
	if err != nil {
		return false, fmt.Errorf("store: lease broadcast %d: %w", id, err)
	}
	return n == 1, nil
}

// ReleaseLease gives the lease up if owner holds it.
func (b *Broadcasts) ReleaseLease(ctx context.Context, id int64, owner string) error {
	if err := b.s.lease.Run(ctx, b.s.rdb, []string{b.s.keys.bcLease(id)}, owner).Err(); err != nil {
		return fmt.Errorf("store: release broadcast %d: %w", id, err)
	}
	return nil
}

// Batch finds the broadcast and batch a mass-send msg_id belongs to.
func (b *Broadcasts) Batch(ctx context.Context, msgID int64) (id int64, batch int, ok bool, err error) {
	v, err := b.s.rdb.HGet(ctx, b.s.keys.bcMsgIndex(), strconv.FormatInt(msgID, 10)).Result()
	if errors.Is(err, redis.Nil) {
		return 0, 0, false, nil
	}
	if err != nil {
		return 0, 0, false, fmt.Errorf("store: find msg_id %d: %w", msgID, err)
	}
	a, c, _ := strings.Cut(v, ":")
	id, err1 := strconv.ParseInt(a, 10, 64)
	n, err2 := strconv.Atoi(c)
	if err1 != nil || err2 != nil {
		return 0, 0, false, fmt.Errorf("store: msg_id %d: bad index entry %q", msgID, v)
	}
	return id, n, true, nil
}

// SetPaused pauses (with who and when, for status) or resumes all sending.
func (b *Broadcasts) SetPaused(ctx context.Context, paused bool, by string, at time.Time) error {
	var err error
	if paused {
		err = b.s.rdb.Set(ctx, b.s.keys.bcPaused(), by+"|"+strconv.FormatInt(at.Unix(), 10), 0).Err()
	} else {
		err = b.s.rdb.Del(ctx, b.s.keys.bcPaused()).Err()
	}
	if err != nil {
		return fmt.Errorf("store: pause: %w", err)
	}
	return nil
}

// Paused reports whether sending is paused.
func (b *Broadcasts) Paused(ctx context.Context) (bool, error) {
	n, err := b.s.rdb.Exists(ctx, b.s.keys.bcPaused()).Result()
	if err != nil {
		return false, fmt.Errorf("store: paused: %w", err)
	}
	return n == 1, nil
}

// Once reports whether this is the first call for what within ttl, across
// replicas (for alerts every replica would otherwise send).
func (b *Broadcasts) Once(ctx context.Context, what string, ttl time.Duration) (bool, error) {
	ok, err := b.s.rdb.SetNX(ctx, b.s.keys.bcOnce(what), "1", ttl).Result()
	if err != nil {
		return false, fmt.Errorf("store: once %s: %w", what, err)
	}
	return ok, nil
}

// WriteList stores one list of openids of broadcast id (an audience chunk
// or a batch), kept for ttl.
func (b *Broadcasts) WriteList(ctx context.Context, id int64, name string, i int, openids []string, ttl time.Duration) error {
	n := 0
	for _, o := range openids {
		n += len(o) + 1
	}
	var sb strings.Builder
	sb.Grow(n)
	for j, o := range openids {
		if j > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString(o)
	}
	if err := b.s.rdb.Set(ctx, b.s.keys.bcList(id, name, i), sb.String(), ttl).Err(); err != nil {
		return fmt.Errorf("store: write list %s:%d of broadcast %d: %w", name, i, id, err)
	}
	return nil
}

// ReadList reads a list WriteList stored; a missing list is an error.
func (b *Broadcasts) ReadList(ctx context.Context, id int64, name string, i int) ([]string, error) {
	v, err := b.s.rdb.Get(ctx, b.s.keys.bcList(id, name, i)).Result()
	if errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("list %s:%d of broadcast %d: %w", name, i, id, ErrListGone)
	}
	if err != nil {
		return nil, fmt.Errorf("store: read list %s:%d of broadcast %d: %w", name, i, id, err)
	}
	if v == "" {
		return nil, nil
	}
	return strings.Split(v, ","), nil
}

// earlyTTL keeps job reports that came before their batch was recorded:
// long enough for a replica to take over a crashed sender's batch.
const earlyTTL = 24 * time.Hour

// KeepEarlyReport keeps a job report whose msg_id is not indexed yet (the
// sender that got it died before recording it, or is about to record it).
func (b *Broadcasts) KeepEarlyReport(ctx context.Context, msgID int64, report []byte) error {
	pipe := b.s.rdb.TxPipeline()
	pipe.HSet(ctx, b.s.keys.bcEarlyReports(), strconv.FormatInt(msgID, 10), report)
	pipe.Expire(ctx, b.s.keys.bcEarlyReports(), earlyTTL)
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("store: keep early report %d: %w", msgID, err)
	}
	return nil
}

// TakeEarlyReport returns and forgets the report kept for msgID, if any.
func (b *Broadcasts) TakeEarlyReport(ctx context.Context, msgID int64) ([]byte, bool, error) {
	field := strconv.FormatInt(msgID, 10)
	pipe := b.s.rdb.TxPipeline()
	get := pipe.HGet(ctx, b.s.keys.bcEarlyReports(), field)
	pipe.HDel(ctx, b.s.keys.bcEarlyReports(), field)
	_, err := pipe.Exec(ctx)
	if errors.Is(err, redis.Nil) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("store: take early report %d: %w", msgID, err)
	}
	return []byte(get.Val()), true, nil
}
