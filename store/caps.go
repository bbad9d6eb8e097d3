package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// Caps counts the broadcasts each follower received, per period, for
// frequency caps (WeChat lets a service account reach a follower with 4
// mass messages a calendar month), keeps a short receipt of each for two
// days, and attributes unsubscribes to the broadcast that preceded them.
//
// A broadcast is counted when WeChat accepts one of its batches. The
// sender may retry a batch, crash after sending it and be resumed by
// another replica, or two replicas may record the same batch at once:
// each of them records the same thing, so Count counts a batch once,
// however often it is called for it.
type Caps struct {
	s     *Store
	count *redis.Script
}

// Caps returns the frequency-cap store.
func (s *Store) Caps() *Caps {
	return &Caps{s: s, count: redis.NewScript(capCountScript)}
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
	// receiptKeep is how long a receipt is kept at least: a day's receipts
	// expire receiptKeep after the day ends (UTC).
	receiptKeep = 48 * time.Hour
	// unsubKeep is how long a broadcast's unsubscribes are kept after the
	// latest one.
	unsubKeep = 30 * 24 * time.Hour
)

// receiptDay names the UTC day of t, yyyymmdd.
func receiptDay(t time.Time) string { return t.UTC().Format("20060102") }

// Count adds one to each openid's counter in every period and records a
// receipt (id, at) per openid, for batch batch of broadcast id, atomically
// and only once per (id, batch): a later call for the same batch changes
// nothing and returns false. The once-marker lives as long as the longest
// period and the receipts at least, so a batch recorded again is still
// recognised for as long as its counts exist. An openid listed twice in a
// batch is counted once. A batch of more than CapBatchMax openids is
// counted in runs of CapBatchMax, each atomically and once; true then
// means some run was counted by this call.
func (c *Caps) Count(ctx context.Context, id int64, batch int, openids []string, periods []Period, at time.Time) (bool, error) {
	onceTTL := receiptKeep + 24*time.Hour
	for _, p := range periods {
		if p.Key == "" || p.TTL <= 0 {
			return false, fmt.Errorf("store: count broadcast %d: bad period %+v", id, p)
		}
		onceTTL = max(onceTTL, p.TTL)
	}
	openids = uniq(openids)
	if len(openids) == 0 {
		return false, nil
	}
	parts := (len(openids) + CapBatchMax - 1) / CapBatchMax
	rec := strconv.FormatInt(id, 10) + "@" + strconv.FormatInt(at.Unix(), 10)
	day := at.UTC().Truncate(24 * time.Hour)
	recAt := day.Add(24*time.Hour + receiptKeep).UnixMilli()
	cmds, err := c.s.evalEach(ctx, c.count, parts, func(i int) ([]string, []any) {
		run := openids[i*CapBatchMax : min((i+1)*CapBatchMax, len(openids))]
		return c.countArgs(id, batch, i, run, periods, onceTTL, rec, receiptDay(day), recAt)
	})
	if err != nil {
		return false, fmt.Errorf("store: count broadcast %d batch %d: %w", id, batch, err)
	}
	counted := false
	for _, cmd := range cmds {
		if n, _ := cmd.Int(); n == 1 {
			counted = true
		}
	}
	return counted, nil
}

// countArgs lays out the keys and arguments of capCountScript for one run.
func (c *Caps) countArgs(id int64, batch, part int, openids []string, periods []Period, onceTTL time.Duration, rec, day string, recAt int64) ([]string, []any) {
	k := c.s.keys
	slot := make(map[int]int) // shard → its index j among the run's shards
	var shards []int
	argv := make([]any, 0, 5+len(periods)+2*len(openids))
	argv = append(argv, onceTTL.Milliseconds(), rec, recAt, len(periods), 0)
	for _, p := range periods {
		argv = append(argv, p.TTL.Milliseconds())
	}
	for _, o := range openids {
		sh := shardOf(o)
		j, ok := slot[sh]
		if !ok {
			j = len(shards)
			slot[sh] = j
			shards = append(shards, sh)
		}
		argv = append(argv, o, j)
	}
	argv[4] = len(shards)
	keys := make([]string, 0, 1+(len(periods)+1)*len(shards))
	keys = append(keys, k.capOnce(id, batch, part))
	for _, p := range periods {
		for _, sh := range shards {
			keys = append(keys, k.capCounter(p.Key, sh))
		}
	}
	for _, sh := range shards {
		keys = append(keys, k.capReceipts(day, sh))
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
		sh := shardOf(o)
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
				out[g.at[i]] = int(atoi(s))
			}
		}
	}
	return out, nil
}

// Received returns the broadcasts openid received at or after since (to
// the second), oldest first. Receipts are kept 48 to 72 hours, so a since
// older than 48 hours ago returns only what is kept.
func (c *Caps) Received(ctx context.Context, openid string, since time.Time) ([]Receipt, error) {
	now := time.Now()
	from := since
	if earliest := now.Add(-receiptKeep - 24*time.Hour); from.Before(earliest) {
		from = earliest
	}
	sh := shardOf(openid)
	pipe := c.s.rdb.Pipeline()
	var cmds []*redis.StringCmd
	// Up to a day ahead, for a receipt another replica's clock dated so.
	last := now.Add(24 * time.Hour).UTC().Truncate(24 * time.Hour)
	for d := from.UTC().Truncate(24 * time.Hour); !d.After(last); d = d.Add(24 * time.Hour) {
		cmds = append(cmds, pipe.HGet(ctx, c.s.keys.capReceipts(receiptDay(d), sh), openid))
	}
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("store: receipts of %s: %w", openid, err)
	}
	var out []Receipt
	for _, cmd := range cmds {
		for _, r := range strings.Split(cmd.Val(), ",") {
			a, b, ok := strings.Cut(r, "@")
			if !ok {
				continue
			}
			id, err1 := strconv.ParseInt(a, 10, 64)
			u, err2 := strconv.ParseInt(b, 10, 64)
			if err1 != nil || err2 != nil || u < since.Unix() {
				continue
			}
			out = append(out, Receipt{ID: id, At: time.Unix(u, 0)})
		}
	}
	slices.SortStableFunc(out, func(a, b Receipt) int { return a.At.Compare(b.At) })
	return out, nil
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
