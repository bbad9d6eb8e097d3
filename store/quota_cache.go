package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// QuotaCounts caches, for one account, today's remaining daily quota of
// the API paths wxcast plans with, as WeChat last reported it, and counts
// the calls made since: every replica reads and spends the same numbers.
// A reading lives briefly (the caller's ttl); then WeChat is asked again.
type QuotaCounts struct {
	s     *Store
	appID string
	spend *redis.Script
}

// QuotaCounts returns the cached quotas of one account.
func (s *Store) QuotaCounts(appID string) *QuotaCounts {
	return &QuotaCounts{s: s, appID: appID, spend: redis.NewScript(quotaSpendScript)}
}

// quotaSpendScript takes one call off a cached reading, only if there is
// one: a call made while nothing is cached is in WeChat's next answer.
// DECRBY keeps the key's expiry. KEYS: 1 the reading. ARGV: 1 calls.
const quotaSpendScript = `
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
return redis.call('HINCRBY', KEYS[1], 'remain', -tonumber(ARGV[1]))
`

// QuotaReading is one cached quota: the daily limit and what remains.
type QuotaReading struct {
	Limit, Remain int
}

// Get returns the cached reading of path; ok is false when there is none.
func (q *QuotaCounts) Get(ctx context.Context, path string) (r QuotaReading, ok bool, err error) {
	v, err := q.s.rdb.HMGet(ctx, q.s.keys.quotaCount(q.appID, path), "limit", "remain").Result()
	if err != nil {
		return r, false, fmt.Errorf("store: quota reading %s: %w", path, err)
	}
	limit, lok := v[0].(string)
	remain, rok := v[1].(string)
	if !lok || !rok {
		return r, false, nil
	}
	r.Limit, _ = strconv.Atoi(limit)
	r.Remain, _ = strconv.Atoi(remain)
	return r, true, nil
}

// Put caches a reading of path for ttl (nothing when ttl ≤ 0).
func (q *QuotaCounts) Put(ctx context.Context, path string, r QuotaReading, ttl time.Duration) error {
	if ttl <= 0 {
		return nil
	}
	key := q.s.keys.quotaCount(q.appID, path)
	pipe := q.s.rdb.TxPipeline()
	pipe.HSet(ctx, key, "limit", r.Limit, "remain", r.Remain)
	pipe.PExpire(ctx, key, ttl)
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("store: quota reading %s: %w", path, err)
	}
	return nil
}

// Spend counts n calls of path against its cached reading, if any.
func (q *QuotaCounts) Spend(ctx context.Context, path string, n int) error {
	err := q.spend.Run(ctx, q.s.rdb, []string{q.s.keys.quotaCount(q.appID, path)}, n).Err()
	if err != nil && !errors.Is(err, redis.Nil) {
		return fmt.Errorf("store: spend quota %s: %w", path, err)
	}
	return nil
}

// Value returns a small cached number of the account stored by SetValue
// (the mass-send delivery speed, say); ok is false when there is none.
func (q *QuotaCounts) Value(ctx context.Context, name string) (v int, ok bool, err error) {
	s, err := q.s.rdb.Get(ctx, q.s.keys.quotaValue(q.appID, name)).Result()
	if errors.Is(err, redis.Nil) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("store: cached %s: %w", name, err)
	}
	v, err = strconv.Atoi(s)
	return v, err == nil, nil
}

// SetValue caches a number of the account for ttl.
func (q *QuotaCounts) SetValue(ctx context.Context, name string, v int, ttl time.Duration) error {
	if ttl <= 0 {
		return nil
	}
	if err := q.s.rdb.Set(ctx, q.s.keys.quotaValue(q.appID, name), v, ttl).Err(); err != nil {
		return fmt.Errorf("store: cache %s: %w", name, err)
	}
	return nil
}
