package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// QuotaWalls remembers, for one account, the API paths whose daily quota
// WeChat reported spent (45009) and until when. Every replica reads the
// same walls, so the account makes at most one refused call per path a day.
type QuotaWalls struct {
	s     *Store
	appID string
}

// QuotaWalls returns the quota walls of one account.
func (s *Store) QuotaWalls(appID string) *QuotaWalls { return &QuotaWalls{s: s, appID: appID} }

// Set records that path may not be called before until. The key expires
// at until.
func (q *QuotaWalls) Set(ctx context.Context, path string, until, now time.Time) error {
	ttl := until.Sub(now)
	if ttl <= 0 {
		return nil
	}
	// Replicas that race compute the same wall (the next reset), so the
	// last write wins harmlessly; the key expires with the wall.
	key := q.s.keys.quotaWall(q.appID, path)
	v := strconv.FormatInt(until.UnixMilli(), 10)
	if err := q.s.rdb.Set(ctx, key, v, ttl).Err(); err != nil {
		return fmt.Errorf("store: quota wall %s: %w", path, err)
	}
	return nil
}

// Get returns the wall of path; the zero time when there is none or it has
// passed.
func (q *QuotaWalls) Get(ctx context.Context, path string, now time.Time) (time.Time, error) {
	v, err := q.s.rdb.Get(ctx, q.s.keys.quotaWall(q.appID, path)).Result()
	if errors.Is(err, redis.Nil) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("store: quota wall %s: %w", path, err)
	}
	ms, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return time.Time{}, nil
	}
	until := time.UnixMilli(ms)
	if !until.After(now) {
		return time.Time{}, nil
	}
	return until, nil
}
