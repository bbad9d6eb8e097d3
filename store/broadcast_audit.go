package store

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// auditMax bounds the audit log; the oldest entries go first.
const auditMax = 100000

// AppendAudit adds one entry to the audit log.
func (b *Broadcasts) AppendAudit(ctx context.Context, entry []byte) error {
	err := b.s.rdb.XAdd(ctx, &redis.XAddArgs{
		Stream: b.s.keys.bcAudit(), MaxLen: auditMax, Approx: true, Values: []any{"e", entry},
	}).Err()
	if err != nil {
		return fmt.Errorf("store: append audit: %w", err)
	}
	return nil
}

// Audit returns the newest n audit entries, newest first.
func (b *Broadcasts) Audit(ctx context.Context, n int) ([][]byte, error) {
	msgs, err := b.s.rdb.XRevRangeN(ctx, b.s.keys.bcAudit(), "+", "-", int64(n)).Result()
	if err != nil {
		return nil, fmt.Errorf("store: read audit: %w", err)
	}
	return entries(msgs), nil
}

// AuditSince calls fn with every audit entry from since on, oldest first,
// reading in pages.
func (b *Broadcasts) AuditSince(ctx context.Context, since time.Time, fn func([]byte) error) error {
	start := strconv.FormatInt(since.UnixMilli(), 10) + "-0"
	for {
		msgs, err := b.s.rdb.XRangeN(ctx, b.s.keys.bcAudit(), start, "+", 1000).Result()
		if err != nil {
			return fmt.Errorf("store: read audit: %w", err)
		}
		for _, e := range entries(msgs) {
			if err := fn(e); err != nil {
				return err
			}
		}
		if len(msgs) < 1000 {
			return nil
		}
		start = "(" + msgs[len(msgs)-1].ID
	}
}

func entries(msgs []redis.XMessage) [][]byte {
	out := make([][]byte, 0, len(msgs))
	for _, m := range msgs {
		if s, ok := m.Values["e"].(string); ok {
			out = append(out, []byte(s))
		}
	}
	return out
}

// noticesMax bounds the general notices kept.
const noticesMax = 100

// AppendNotice keeps a general notice (one that belongs to no broadcast).
func (b *Broadcasts) AppendNotice(ctx context.Context, notice []byte) error {
	pipe := b.s.rdb.TxPipeline()
	pipe.LPush(ctx, b.s.keys.bcNotices(), notice)
	pipe.LTrim(ctx, b.s.keys.bcNotices(), 0, noticesMax-1)
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("store: keep notice: %w", err)
	}
	return nil
}

// Notices returns the newest n general notices, newest first.
func (b *Broadcasts) Notices(ctx context.Context, n int) ([][]byte, error) {
	vals, err := b.s.rdb.LRange(ctx, b.s.keys.bcNotices(), 0, int64(n)-1).Result()
	if err != nil {
		return nil, fmt.Errorf("store: read notices: %w", err)
	}
	out := make([][]byte, len(vals))
	for i, v := range vals {
		out[i] = []byte(v)
	}
	return out, nil
}
