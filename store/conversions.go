package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// Conversions: a follower of a broadcast's audience who "bought" (an
// attribute listed in results.conversion_attributes changed) after the
// broadcast reached them. Each broadcast keeps its converters' first
// conversion time in a hash beside its audience lists, in their hash slot
// {bca:<id>}; results count them per version and against the holdout.
//
// Which broadcasts a conversion may belong to is found from the sorted
// set of broadcasts by the time of their latest accepted batch (in the
// {bc} slot): the sender marks each accepted batch, the results look at
// the broadcasts whose latest batch is recent enough to be measured.

// ConversionsTTL keeps a broadcast's conversions as long as its audience
// lists and member index (broadcast.ListTTL), from the latest conversion.
const ConversionsTTL = 30 * 24 * time.Hour

func (k keys) bcConversions(id int64) string { return k.bcList(id, "cv", 0) }
func (k keys) bcAccepted() string            { return k.bc("accepted") }

// keepFirstScript keeps the earliest of the times written to a hash
// field, so conversions arriving out of order (an import of old orders)
// keep the first one.
//
// KEYS: 1 the hash. ARGV: 1 field, 2 unix ms, 3 ttl ms.
// Returns 1 when the field was new.
const keepFirstScript = `
local old = redis.call('HGET', KEYS[1], ARGV[1])
if not old or tonumber(ARGV[2]) < tonumber(old) then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
end
redis.call('PEXPIRE', KEYS[1], ARGV[3])
if old then return 0 end
return 1
`

// Conversions keeps broadcasts' conversions. It is safe for concurrent
// use.
type Conversions struct {
	s     *Store
	first *redis.Script
}

// Conversions returns the conversions of broadcasts.
func (s *Store) Conversions() *Conversions {
	return &Conversions{s: s, first: redis.NewScript(keepFirstScript)}
}

// Record keeps openid's first conversion time for broadcast id: the
// earliest at ever recorded (first is true the first time). The caller
// records only conversions at or after the broadcast reached the
// follower (for the holdout, after it began sending), so the kept time
// is the first conversion that may be laid at the broadcast's door.
func (c *Conversions) Record(ctx context.Context, id int64, openid string, at time.Time) (first bool, err error) {
	n, err := c.first.Run(ctx, c.s.rdb, []string{c.s.keys.bcConversions(id)},
		openid, at.UnixMilli(), ConversionsTTL.Milliseconds()).Int()
	if err != nil {
		return false, fmt.Errorf("store: record a conversion of broadcast %d: %w", id, err)
	}
	return n == 1, nil
}

// Times reads the first conversion time of each openid for broadcast id
// (zero when none).
func (c *Conversions) Times(ctx context.Context, id int64, openids []string) ([]time.Time, error) {
	if len(openids) == 0 {
		return nil, nil
	}
	vs, err := c.s.rdb.HMGet(ctx, c.s.keys.bcConversions(id), openids...).Result()
	if err != nil {
		return nil, fmt.Errorf("store: read %d conversions of broadcast %d: %w", len(openids), id, err)
	}
	out := make([]time.Time, len(vs))
	for i, v := range vs {
		if s, ok := v.(string); ok {
			out[i] = parseMillis(s)
		}
	}
	return out, nil
}

// Count is how many followers converted after broadcast id reached them.
func (c *Conversions) Count(ctx context.Context, id int64) (int64, error) {
	n, err := c.s.rdb.HLen(ctx, c.s.keys.bcConversions(id)).Result()
	if err != nil {
		return 0, fmt.Errorf("store: count conversions of broadcast %d: %w", id, err)
	}
	return n, nil
}

// Scan calls fn with each converter of broadcast id and their first
// conversion time, in no particular order, a page at a time.
func (c *Conversions) Scan(ctx context.Context, id int64, fn func(openid string, at time.Time) error) error {
	return c.s.scanHash(ctx, c.s.keys.bcConversions(id), fmt.Sprintf("conversions of broadcast %d", id),
		func(openid, ms string) error { return fn(openid, parseMillis(ms)) })
}

func parseMillis(s string) time.Time {
	ms, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return time.Time{}
	}
	return time.UnixMilli(ms)
}

// MarkAccepted notes that a batch of broadcast id was accepted at at: the
// broadcast's entry in the set of recently sent broadcasts moves to at if
// that is later. Entries older than ConversionsTTL are dropped.
func (b *Broadcasts) MarkAccepted(ctx context.Context, id int64, at time.Time) error {
	key := b.s.keys.bcAccepted()
	_, err := b.s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.ZAddGT(ctx, key, redis.Z{Score: float64(at.UnixMilli()), Member: strconv.FormatInt(id, 10)})
		p.ZRemRangeByScore(ctx, key, "-inf", "("+strconv.FormatInt(at.Add(-ConversionsTTL).UnixMilli(), 10))
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: mark broadcast %d accepted: %w", id, err)
	}
	return nil
}

// AcceptedSince lists the broadcasts whose latest accepted batch was
// accepted at or after since, in no particular order.
func (b *Broadcasts) AcceptedSince(ctx context.Context, since time.Time) ([]int64, error) {
	vals, err := b.s.rdb.ZRangeByScore(ctx, b.s.keys.bcAccepted(), &redis.ZRangeBy{
		Min: strconv.FormatInt(since.UnixMilli(), 10), Max: "+inf",
	}).Result()
	if err != nil {
		return nil, fmt.Errorf("store: broadcasts accepted since %s: %w", since.Format(time.RFC3339), err)
	}
	return parseIDs(vals), nil
}

// MemberOfEach reads openid's value in the member index of each broadcast
// of ids ("" where they are not in it), in one round trip.
func (b *Broadcasts) MemberOfEach(ctx context.Context, ids []int64, openid string) ([]string, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	cmds := make([]*redis.StringCmd, len(ids))
	_, err := b.s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, id := range ids {
			cmds[i] = p.HGet(ctx, b.s.keys.bcMembers(id), openid)
		}
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("store: read a member of %d broadcasts: %w", len(ids), err)
	}
	out := make([]string, len(ids))
	for i, c := range cmds {
		v, err := c.Result()
		switch {
		case errors.Is(err, redis.Nil):
		case err != nil:
			return nil, fmt.Errorf("store: read a member of broadcast %d: %w", ids[i], err)
		default:
			out[i] = v
		}
	}
	return out, nil
}
