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

// Store is wxcast's handle on Redis. It is safe for concurrent use.
type Store struct {
	rdb    redis.UniversalClient
	keys   keys
	record *redis.Script
	finish *redis.Script
	attrs  *redis.Script
	lease  *redis.Script
	sync   *redis.Script
	gone   *redis.Script
	wtags  *redis.Script
}

// Options configures Open.
type Options struct {
	// Conn says which Redis to connect to, and how.
	Conn Conn
	// KeyPrefix starts every key wxcast writes.
	KeyPrefix string
}

// Open connects to Redis and checks that it answers: a 7.0 or later
// server, reachable within two seconds.
func Open(ctx context.Context, o Options) (*Store, error) {
	opts, err := o.Conn.options()
	if err != nil {
		return nil, err
	}
	s := New(redis.NewUniversalClient(opts), o.KeyPrefix)
	if err := s.Ping(ctx); err != nil {
		_ = s.Close()
		return nil, err
	}
	if err := s.checkVersion(ctx); err != nil {
		_ = s.Close()
		return nil, err
	}
	return s, nil
}

// checkVersion refuses a Redis older than 7.0: the record script marks a
// delivery with SET … NX GET, which older servers reject, and every
// callback would fail. A server that does not report its version (the
// embedded one) is taken as able.
func (s *Store) checkVersion(ctx context.Context) error {
	info, err := s.rdb.Info(ctx, "server").Result()
	if err != nil {
		return nil // INFO may be renamed or disabled; the scripts will tell
	}
	for _, line := range strings.Split(info, "\n") {
		v, ok := strings.CutPrefix(strings.TrimSpace(line), "redis_version:")
		if !ok {
			continue
		}
		major, _, _ := strings.Cut(v, ".")
		if n, err := strconv.Atoi(major); err == nil && n < 7 {
			return fmt.Errorf("store: Redis %s is too old: wxcast needs 7.0 or later", v)
		}
	}
	return nil
}

// New wraps an existing go-redis client; tests and tools use it directly.
// It adds the hook that applies WithCallTimeout to rdb.
func New(rdb redis.UniversalClient, prefix string) *Store {
	rdb.AddHook(boundHook{})
	return &Store{
		rdb:    rdb,
		keys:   keys{prefix: prefix},
		record: redis.NewScript(recordScript),
		finish: redis.NewScript(finishScript),
		attrs:  redis.NewScript(attrsScript),
		lease:  redis.NewScript(releaseScript),
		sync:   redis.NewScript(syncScript),
		gone:   redis.NewScript(goneScript),
		wtags:  redis.NewScript(weChatTagScript),
	}
}

// Redis exposes the underlying client for tools (benchmarks, memory reports).
func (s *Store) Redis() redis.UniversalClient { return s.rdb }

// Ping reports whether Redis answers within two seconds.
func (s *Store) Ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if err := s.rdb.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("store: ping: %w", err)
	}
	return nil
}

// Close closes the client; closing it twice is not an error.
func (s *Store) Close() error {
	err := s.rdb.Close()
	if errors.Is(err, redis.ErrClosed) {
		return nil
	}
	return err
}

// KeyPrefix is the prefix of every key this store writes.
func (s *Store) KeyPrefix() string { return s.keys.prefix }

// FollowerKeys names the Redis keys of one follower: the shard hash that
// holds its profile (with those of other followers) and its history list.
// For tools that measure memory.
func (s *Store) FollowerKeys(openid string) (shard, history string) {
	return s.keys.profile(openid), s.keys.history(openid)
}

// ShardKey names the hash of profile shard n (0 ≤ n < Shards).
func (s *Store) ShardKey(n int) string { return s.keys.shard(n) }
