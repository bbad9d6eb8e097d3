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

// Caps counts the broadcasts each follower received, per period, for
// frequency caps (WeChat lets a service account reach a follower with 4
// mass messages a calendar month), keeps the newest receipt beside the
// count, and attributes unsubscribes to the broadcast that preceded them.
//
// A batch is reserved (its followers' slots taken) just before its first
// call to WeChat. The sender may retry a batch, crash after sending it and
// be resumed by another replica, or two replicas may reserve the same
// batch at once: each of them gets the same answer, so a batch is counted
// once, however often it is reserved.
type Caps struct {
	s              *Store
	count, release *redis.Script
}

// Caps returns the frequency-cap store.
func (s *Store) Caps() *Caps {
	return &Caps{s: s, count: redis.NewScript(capCountScript), release: redis.NewScript(capReleaseScript)}
}

// Period is one counting period, e.g. {Key: "m2026-11", TTL: 62*24h} or
// {Key: "d2026-11-27", TTL: 3*24h}; the caller names it. Its counters are
// kept for TTL from the first count in it.
type Period struct {
	Key string
	TTL time.Duration
}

// Receipt is one broadcast a follower received.
type Receipt struct {
	ID int64
	At time.Time // to the second
}

const (
	// CapBatchMax is the most openids one script counts (WeChat's batch
	// size); a longer batch is counted in runs of this size, each once.
	CapBatchMax = 10000
	// unsubKeep is how long a broadcast's unsubscribes are kept after the
	// latest one.
	unsubKeep = 30 * 24 * time.Hour
)

// Limit is a period and the most broadcasts a follower may receive in
// it; Max 0 counts without a limit.
type Limit struct {
	Period
	Max int
}

// Reserve takes a slot in every limit for each openid of batch batch of
// broadcast id that is under all of them, and records a receipt (id, at)
// for each, atomically and once per (id, batch): it returns the openids it
// took, and the same openids, changing nothing, to every later call for
// that batch for two days. The sender reserves a batch before its first
// call to WeChat and sends only what it got, so two broadcasts sending at
// once cannot both take a follower's last slot, and a batch retried,
// resumed after a crash or reserved by a second replica is counted once.
// An openid listed twice is taken once. A batch of more than
// CapBatchMax openids is reserved in runs of CapBatchMax, each atomically
// and once. first reports whether this call took the slots.
func (c *Caps) Reserve(ctx context.Context, id int64, batch int, openids []string, limits []Limit, at time.Time) (kept []string, first bool, err error) {
	if len(limits) == 0 {
		return nil, false, fmt.Errorf("store: reserve broadcast %d: no period", id)
	}
	for _, l := range limits {
		if l.Key == "" || l.TTL <= 0 || l.Max < 0 {
			return nil, false, fmt.Errorf("store: reserve broadcast %d: bad limit %+v", id, l)
		}
	}
	openids = uniq(openids)
	if len(openids) == 0 {
		return nil, false, nil
	}
	parts := (len(openids) + CapBatchMax - 1) / CapBatchMax
	rec := strconv.FormatInt(id, 10) + "@" + strconv.FormatInt(at.Unix(), 10)
	cmds, err := c.s.evalEach(ctx, c.count, parts, func(i int) ([]string, []any) {
		run := openids[i*CapBatchMax : min((i+1)*CapBatchMax, len(openids))]
		return c.countArgs(id, batch, i, run, limits, reserveKeep, rec)
	})
	if err != nil {
		return nil, false, fmt.Errorf("store: reserve broadcast %d batch %d: %w", id, batch, err)
	}
	for _, cmd := range cmds {
		vals, err := cmd.Slice()
		if err != nil || len(vals) != 2 {
			return nil, false, fmt.Errorf("store: reserve broadcast %d batch %d: bad answer %v", id, batch, vals)
		}
		if n, _ := vals[0].(int64); n == 1 {
			first = true
		}
		v, _ := vals[1].(string)
		if _, list, ok := cutMarker(v); ok && list != "" {
			kept = append(kept, strings.Split(list, ",")...)
		}
	}
	return kept, first, nil
}

// reserveKeep is how long a reservation is remembered: a batch is
// reserved once, before its first call, and retried for at most 23 hours
// (WeChat's clientmsgid window), so two days cover every retry and a
// release. The marker holds the openids taken (some 300 KB for a batch
// of 10,000), so it should not live longer.
const reserveKeep = 48 * time.Hour

// releasedMark starts a once-marker whose slots Release gave back.
const releasedMark = '!'

// cutMarker reads a once-marker, "<period>,<period>;<openid>,<openid>…":
// the periods the reservation took slots in and the openids it took. ok is
// false for a released marker.
func cutMarker(v string) (periods []string, openids string, ok bool) {
	if v == "" || v[0] == releasedMark {
		return nil, "", false
	}
	head, list, found := strings.Cut(v, ";")
	if !found {
		return nil, v, true
	}
	return strings.Split(head, ","), list, true
}

// Release gives back the slots Reserve took for batch batch of broadcast
// id (a batch WeChat refused for good, or one too small to send), in the
// periods that reservation took them in, once; it also drops the
// followers' receipt of this broadcast, which they never got.
func (c *Caps) Release(ctx context.Context, id int64, batch int) error {
	for part := 0; ; part++ {
		marker := c.s.keys.capOnce(id, batch, part)
		v, err := c.s.rdb.Get(ctx, marker).Result()
		if errors.Is(err, redis.Nil) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("store: release broadcast %d batch %d: %w", id, batch, err)
		}
		periods, list, ok := cutMarker(v)
		if !ok || list == "" {
			continue
		}
		keys, argv := c.releaseArgs(marker, id, strings.Split(list, ","), periods)
		if err := c.release.Run(ctx, c.s.rdb, keys, argv...).Err(); err != nil {
			return fmt.Errorf("store: release broadcast %d batch %d: %w", id, batch, err)
		}
	}
}

// countArgs lays out the keys and arguments of capCountScript for one
// run: the openids grouped by cap hash.
func (c *Caps) countArgs(id int64, batch, part int, openids []string, periods []Limit, onceTTL time.Duration, rec string) ([]string, []any) {
	k := c.s.keys
	groups := map[int][]string{}
	var shards []int
	for _, o := range openids {
		sh := capShardOf(o)
		if _, ok := groups[sh]; !ok {
			shards = append(shards, sh)
		}
		groups[sh] = append(groups[sh], o)
	}
	head := make([]string, len(periods))
	for i, p := range periods {
		head[i] = p.Key
	}
	argv := make([]any, 0, 5+2*len(periods)+len(shards)+len(openids))
	argv = append(argv, onceTTL.Milliseconds(), rec, len(periods), len(shards), strings.Join(head, ","))
	for _, p := range periods {
		argv = append(argv, p.TTL.Milliseconds())
	}
	for _, p := range periods {
		argv = append(argv, p.Max)
	}
	for _, sh := range shards {
		argv = append(argv, len(groups[sh]))
		for _, o := range groups[sh] {
			argv = append(argv, o)
		}
	}
	keys := make([]string, 0, 1+len(periods)*len(shards))
	keys = append(keys, k.capOnce(id, batch, part))
	for _, p := range periods {
		for _, sh := range shards {
			keys = append(keys, k.capCounter(p.Key, sh))
		}
	}
	return keys, argv
}

// releaseArgs lays out the keys and arguments of capReleaseScript.
func (c *Caps) releaseArgs(marker string, id int64, openids []string, periods []string) ([]string, []any) {
	k := c.s.keys
	slot := make(map[int]int)
	var shards []int
	argv := make([]any, 0, 3+2*len(openids))
	argv = append(argv, len(periods), 0, strconv.FormatInt(id, 10)+"@")
	for _, o := range openids {
		sh := capShardOf(o)
		j, ok := slot[sh]
		if !ok {
			j = len(shards)
			slot[sh] = j
			shards = append(shards, sh)
		}
		argv = append(argv, o, j)
	}
	argv[1] = len(shards)
	keys := make([]string, 0, 1+len(periods)*len(shards))
	keys = append(keys, marker)
	for _, p := range periods {
		for _, sh := range shards {
			keys = append(keys, k.capCounter(p, sh))
		}
	}
	return keys, argv
}

// uniq drops repeated openids, keeping the first of each.
func uniq(openids []string) []string {
	seen := make(map[string]struct{}, len(openids))
	out := openids[:0:0]
	for _, o := range openids {
		if _, ok := seen[o]; !ok {
			seen[o] = struct{}{}
			out = append(out, o)
		}
	}
	return out
}

// Counts returns each openid's counter in period (0 when none), in the
// order given: one HMGET per shard hash, all in one pipeline.
func (c *Caps) Counts(ctx context.Context, period string, openids []string) ([]int, error) {
	type group struct {
		fields []string
		at     []int // positions in openids
		cmd    *redis.SliceCmd
	}
	groups := make(map[int]*group)
	for i, o := range openids {
		sh := capShardOf(o)
		g := groups[sh]
		if g == nil {
			g = new(group)
			groups[sh] = g
		}
		g.fields = append(g.fields, o)
		g.at = append(g.at, i)
	}
	pipe := c.s.rdb.Pipeline()
	for sh, g := range groups {
		g.cmd = pipe.HMGet(ctx, c.s.keys.capCounter(period, sh), g.fields...)
	}
	if _, err := pipe.Exec(ctx); err != nil && len(groups) > 0 {
		return nil, fmt.Errorf("store: read %d counts of %s: %w", len(openids), period, err)
	}
	out := make([]int, len(openids))
	for _, g := range groups {
		for i, v := range g.cmd.Val() {
			if s, ok := v.(string); ok {
				n, _, _ := strings.Cut(s, "|") // "count|receipt"
				out[g.at[i]] = int(atoi(n))
			}
		}
	}
	return out, nil
}

// Received returns the newest broadcast openid received, as its
// counters in periods (the first period of the reservations, e.g. this
// month and the last) record it, if that was at or after since; the
// newest of several periods wins. Only the newest is kept: a follower
// who got two broadcasts within a day has their unsubscribe laid at the
// door of the later one.
func (c *Caps) Received(ctx context.Context, openid string, periods []string, since time.Time) ([]Receipt, error) {
	sh := capShardOf(openid)
	pipe := c.s.rdb.Pipeline()
	cmds := make([]*redis.StringCmd, len(periods))
	for i, p := range periods {
		cmds[i] = pipe.HGet(ctx, c.s.keys.capCounter(p, sh), openid)
	}
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("store: receipts of %s: %w", openid, err)
	}
	var best *Receipt
	for _, cmd := range cmds {
		_, r, ok := strings.Cut(cmd.Val(), "|")
		a, b, ok2 := strings.Cut(r, "@")
		if !ok || !ok2 {
			continue
		}
		id, err1 := strconv.ParseInt(a, 10, 64)
		u, err2 := strconv.ParseInt(b, 10, 64)
		if err1 != nil || err2 != nil || u < since.Unix() {
			continue
		}
		if best == nil || u > best.At.Unix() {
			best = &Receipt{ID: id, At: time.Unix(u, 0)}
		}
	}
	if best == nil {
		return nil, nil
	}
	return []Receipt{*best}, nil
}

// AddUnsubscribe records that openid unsubscribed after receiving
// broadcast id; true the first time. A broadcast's set is kept 30 days
// after its latest unsubscribe.
func (c *Caps) AddUnsubscribe(ctx context.Context, id int64, openid string) (bool, error) {
	k := c.s.keys.capUnsub(id)
	pipe := c.s.rdb.TxPipeline()
	add := pipe.SAdd(ctx, k, openid)
	pipe.Expire(ctx, k, unsubKeep)
	if _, err := pipe.Exec(ctx); err != nil {
		return false, fmt.Errorf("store: unsubscribe of %s after broadcast %d: %w", openid, id, err)
	}
	return add.Val() == 1, nil
}

// Unsubscribes counts the followers AddUnsubscribe recorded for broadcast
// id.
func (c *Caps) Unsubscribes(ctx context.Context, id int64) (int, error) {
	n, err := c.s.rdb.SCard(ctx, c.s.keys.capUnsub(id)).Result()
	if err != nil {
		return 0, fmt.Errorf("store: unsubscribes of broadcast %d: %w", id, err)
	}
	return int(n), nil
}
