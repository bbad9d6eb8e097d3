package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// TagOp asks for a follower to get (Add) or lose a WeChat tag.
type TagOp struct {
	Tag    string // the WeChat tag's name
	OpenID string
	Add    bool
}

// TagQueue holds the WeChat tag changes the tag mirror has yet to make.
// It is one hash, field "tag\x1fopenid", value "+" or "-": a burst of
// events about one follower and tag leaves one entry, the newest wish,
// and a drain groups entries by tag into few API calls. An entry goes
// only once WeChat has done what it asks, and only if nobody changed it
// meanwhile, so a crash between the call and the removal repeats the call
// (tagging is idempotent) instead of losing it.
type TagQueue struct {
	s    *Store
	done *redis.Script
	take *redis.Script
}

// TagQueue returns the WeChat tag queue.
func (s *Store) TagQueue() *TagQueue {
	return &TagQueue{s: s, done: redis.NewScript(tagDoneScript), take: redis.NewScript(leaseScript)}
}

func (k keys) tagQueue() string      { return k.prefix + "tagq:{tagq}:pending" }
func (k keys) tagQueueLease() string { return k.prefix + "tagq:{tagq}:lease" }

// tagDoneScript removes entries whose value is still the one drained.
//
// KEYS: 1 queue. ARGV: field, value pairs.
const tagDoneScript = `
local n = 0
for i = 1, #ARGV, 2 do
  if redis.call('HGET', KEYS[1], ARGV[i]) == ARGV[i + 1] then
    redis.call('HDEL', KEYS[1], ARGV[i]); n = n + 1
  end
end
return n
`

// field keys an op by tag and follower; a tag name may hold any byte but
// the separators (scrub), "=" included, so it reaches WeChat as written.
func (op TagOp) field() string { return scrub(op.Tag, 64) + itemSep + op.OpenID }

func (op TagOp) value() string {
	if op.Add {
		return "+"
	}
	return "-"
}

// Add queues ops; a newer op for the same tag and follower replaces an
// older one.
func (q *TagQueue) Add(ctx context.Context, ops []TagOp) error {
	if len(ops) == 0 {
		return nil
	}
	args := make([]any, 0, 2*len(ops))
	for _, op := range ops {
		args = append(args, op.field(), op.value())
	}
	if err := q.s.rdb.HSet(ctx, q.s.keys.tagQueue(), args...).Err(); err != nil {
		return fmt.Errorf("store: queue %d WeChat tag changes: %w", len(ops), err)
	}
	return nil
}

// Scan reads up to about count queued ops from cursor (0 to start); the
// returned cursor is 0 when the whole queue was read.
func (q *TagQueue) Scan(ctx context.Context, cursor uint64, count int64) ([]TagOp, uint64, error) {
	kv, next, err := q.s.rdb.HScan(ctx, q.s.keys.tagQueue(), cursor, "", count).Result()
	if err != nil {
		return nil, 0, fmt.Errorf("store: read WeChat tag queue: %w", err)
	}
	ops := make([]TagOp, 0, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		tag, openid, ok := strings.Cut(kv[i], itemSep)
		if !ok {
			continue
		}
		ops = append(ops, TagOp{Tag: tag, OpenID: openid, Add: kv[i+1] == "+"})
	}
	return ops, next, nil
}

// Done removes ops that were carried out, unless changed since.
func (q *TagQueue) Done(ctx context.Context, ops []TagOp) error {
	if len(ops) == 0 {
		return nil
	}
	args := make([]any, 0, 2*len(ops))
	for _, op := range ops {
		args = append(args, op.field(), op.value())
	}
	if err := q.done.Run(ctx, q.s.rdb, []string{q.s.keys.tagQueue()}, args...).Err(); err != nil {
		return fmt.Errorf("store: clear %d WeChat tag changes: %w", len(ops), err)
	}
	return nil
}

// Len is the number of queued ops.
func (q *TagQueue) Len(ctx context.Context) (int64, error) {
	n, err := q.s.rdb.HLen(ctx, q.s.keys.tagQueue()).Result()
	if err != nil {
		return 0, fmt.Errorf("store: WeChat tag queue length: %w", err)
	}
	return n, nil
}

// Lease takes or extends the lease that lets one replica drain the queue.
func (q *TagQueue) Lease(ctx context.Context, owner string, ttl time.Duration) (bool, error) {
	n, err := q.take.Run(ctx, q.s.rdb, []string{q.s.keys.tagQueueLease()}, owner, ttl.Milliseconds()).Int()
	if err != nil {
		return false, fmt.Errorf("store: WeChat tag queue lease: %w", err)
	}
	return n == 1, nil
}

// Release gives the lease up if owner holds it.
func (q *TagQueue) Release(ctx context.Context, owner string) error {
	if err := q.s.lease.Run(ctx, q.s.rdb, []string{q.s.keys.tagQueueLease()}, owner).Err(); err != nil {
		return fmt.Errorf("store: release WeChat tag queue lease: %w", err)
	}
	return nil
}
