package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// MaxStatsBytes bounds one broadcast's stored article statistics: a
// larger document is refused, so a runaway answer cannot fill Redis.
const MaxStatsBytes = 1 << 20

// ErrStatsTooLarge: a statistics document over MaxStatsBytes.
var ErrStatsTooLarge = errors.New("store: article statistics document too large")

// Article statistics. WeChat's per-article figures for a broadcast are one
// opaque document (bot/stats encodes it), kept for a TTL; the replicas
// share one fetch lease, so one of them calls WeChat at a time.

func (k keys) bcStats(id int64) string {
	return k.prefix + "bc:{bca:" + strconv.FormatInt(id, 10) + "}:stats"
}
func (k keys) bcStatsLease() string { return k.bc("stats_lease") }

// PutStats stores broadcast id's statistics document for ttl.
func (b *Broadcasts) PutStats(ctx context.Context, id int64, doc []byte, ttl time.Duration) error {
	if len(doc) > MaxStatsBytes {
		return fmt.Errorf("store: statistics of broadcast %d: %d bytes: %w", id, len(doc), ErrStatsTooLarge)
	}
	if err := b.s.rdb.Set(ctx, b.s.keys.bcStats(id), doc, ttl).Err(); err != nil {
		return fmt.Errorf("store: statistics of broadcast %d: %w", id, err)
	}
	return nil
}

// Stats reads broadcast id's statistics document; ok is false when there
// is none (never fetched, or expired).
func (b *Broadcasts) Stats(ctx context.Context, id int64) (doc []byte, ok bool, err error) {
	doc, err = b.s.rdb.Get(ctx, b.s.keys.bcStats(id)).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("store: statistics of broadcast %d: %w", id, err)
	}
	return doc, true, nil
}

// StatsLease takes or extends the statistics fetch lease for owner (the
// send lease's script on a key of its own); it reports whether owner holds
// it for ttl from now.
func (b *Broadcasts) StatsLease(ctx context.Context, owner string, ttl time.Duration) (bool, error) {
	n, err := b.lease.Run(ctx, b.s.rdb, []string{b.s.keys.bcStatsLease()}, owner, ttl.Milliseconds()).Int()
	if err != nil {
		return false, fmt.Errorf("store: statistics lease: %w", err)
	}
	return n == 1, nil
}

// ReleaseStatsLease gives the statistics lease up if owner holds it.
func (b *Broadcasts) ReleaseStatsLease(ctx context.Context, owner string) error {
	if err := b.s.lease.Run(ctx, b.s.rdb, []string{b.s.keys.bcStatsLease()}, owner).Err(); err != nil {
		return fmt.Errorf("store: release statistics lease: %w", err)
	}
	return nil
}
