package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
	"go.uber.org/zap"
)

// Store is wxcast's handle on Redis. It is safe for concurrent use.
type Store struct {
	rdb    redis.UniversalClient
	keys   keys
	mini   *miniredis.Miniredis // set only for the embedded fallback
	record *redis.Script
	finish *redis.Script
	attrs  *redis.Script
	lease  *redis.Script
	sync   *redis.Script
	gone   *redis.Script
	wtags  *redis.Script

	// stopClock ends the embedded server's clock (see runEmbeddedClock);
	// clockDone closes when it has stopped.
	stopClock, clockDone chan struct{}
}

// Options configures Open.
type Options struct {
	// URL selects the Redis deployment; empty starts the embedded store.
	URL string
	// KeyPrefix starts every key wxcast writes.
	KeyPrefix string
	// Log receives the embedded-store warning.
	Log *zap.Logger
}

// Open connects to Redis, or starts the embedded in-memory server when no
// URL is given, and checks that it answers.
func Open(ctx context.Context, o Options) (*Store, error) {
	if o.Log == nil {
		o.Log = zap.NewNop()
	}
	var (
		opts *redis.UniversalOptions
		mini *miniredis.Miniredis
		err  error
	)
	if o.URL == "" {
		mini = miniredis.NewMiniRedis()
		if err := mini.StartAddr("127.0.0.1:0"); err != nil {
			return nil, fmt.Errorf("store: start embedded redis: %w", err)
		}
		o.Log.Warn("redis.url is empty: using the embedded in-memory store; all data is lost when wxcast exits",
			zap.String("addr", mini.Addr()))
		opts = &redis.UniversalOptions{Addrs: []string{mini.Addr()}}
	} else if opts, err = parseURL(o.URL); err != nil {
		return nil, err
	}
	s := New(redis.NewUniversalClient(opts), o.KeyPrefix)
	if mini != nil {
		s.mini = mini
		s.stopClock, s.clockDone = make(chan struct{}), make(chan struct{})
		go s.runEmbeddedClock(time.Second)
	}
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
func New(rdb redis.UniversalClient, prefix string) *Store {
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

// runEmbeddedClock counts the embedded server's TTLs down as time
// passes. The embedded server only expires keys when told how much time
// went by, so without this every dedup key, lease and expiring list would
// live until exit: a long-running demo would grow by about 2 KB a
// callback. Once a tick keeps the cost (a walk over every key) small.
func (s *Store) runEmbeddedClock(every time.Duration) {
	defer close(s.clockDone)
	t := time.NewTicker(every)
	defer t.Stop()
	last := time.Now()
	for {
		select {
		case <-s.stopClock:
			return
		case now := <-t.C:
			s.mini.FastForward(now.Sub(last))
			last = now
		}
	}
}

// Close closes the client and stops the embedded server, if any.
func (s *Store) Close() error {
	err := s.rdb.Close()
	if s.mini != nil {
		close(s.stopClock)
		<-s.clockDone
		s.mini.Close()
	}
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
