package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/wxcast/wxcast/configs"
	"github.com/wxcast/wxcast/internal/redisconn"
	"github.com/wxcast/wxcast/store"
)

// scanBatch is the SCAN COUNT hint and the largest DEL or pipeline.
const scanBatch = 1000

// singleNode returns the client of a single Redis server: memory
// accounting and SCAN over a prefix are per server.
func singleNode(rdb redis.UniversalClient) (*redis.Client, error) {
	c, ok := rdb.(*redis.Client)
	if !ok {
		return nil, errors.New("a single Redis server is needed (not Cluster or Sentinel)")
	}
	return c, nil
}

// openStore opens the store at url (wxcast's redis.url, whose empty value
// means the embedded server) under prefix. The caller calls closeAll.
func openStore(ctx context.Context, url, prefix string) (st *store.Store, closeAll func() error, err error) {
	return redisconn.Open(ctx, configs.RedisConfig{URL: configs.Secret(url), KeyPrefix: prefix}, nil)
}

// openSingle opens the store at url under prefix on a single Redis
// server: the tools read its memory figures and scan its keys, which
// Cluster and Sentinel do not allow this way. The caller calls closeAll.
func openSingle(ctx context.Context, url, prefix string) (st *store.Store, rdb *redis.Client, closeAll func() error, err error) {
	st, closeAll, err = openStore(ctx, url, prefix)
	if err != nil {
		return nil, nil, nil, err
	}
	if rdb, err = singleNode(st.Redis()); err != nil {
		_ = closeAll()
		return nil, nil, nil, err
	}
	return st, rdb, closeAll, nil
}

// usedMemory returns INFO memory's used_memory, the bytes the allocator
// has handed to Redis.
func usedMemory(ctx context.Context, rdb *redis.Client) (int64, error) {
	info, err := rdb.Info(ctx, "memory").Result()
	if err != nil {
		return 0, fmt.Errorf("info memory: %w", err)
	}
	for _, line := range strings.Split(info, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "used_memory:"); ok {
			return strconv.ParseInt(v, 10, 64)
		}
	}
	return 0, errors.New("info memory: no used_memory")
}

// memoryUsage returns MEMORY USAGE key SAMPLES 0 (every element counted)
// for each key, pipelined; a missing key counts 0.
func memoryUsage(ctx context.Context, rdb *redis.Client, keys []string) ([]int64, error) {
	out := make([]int64, 0, len(keys))
	for len(keys) > 0 {
		n := min(len(keys), scanBatch)
		pipe := rdb.Pipeline()
		cmds := make([]*redis.IntCmd, n)
		for i, k := range keys[:n] {
			cmds[i] = pipe.MemoryUsage(ctx, k, 0)
		}
		if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
			return nil, fmt.Errorf("memory usage: %w", err)
		}
		for _, c := range cmds {
			v, _ := c.Result()
			out = append(out, v)
		}
		keys = keys[n:]
	}
	return out, nil
}

// escapeGlob quotes the characters SCAN MATCH treats as patterns.
func escapeGlob(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`*?[]\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// scanPrefix calls fn with batches of the keys that start with prefix.
func scanPrefix(ctx context.Context, rdb *redis.Client, prefix string, fn func([]string) error) error {
	var cursor uint64
	for {
		keys, next, err := rdb.Scan(ctx, cursor, escapeGlob(prefix)+"*", scanBatch).Result()
		if err != nil {
			return fmt.Errorf("scan %s*: %w", prefix, err)
		}
		if len(keys) > 0 {
			if err := fn(keys); err != nil {
				return err
			}
		}
		if next == 0 {
			return nil
		}
		cursor = next
	}
}

// anyKey reports whether some key starts with prefix.
func anyKey(ctx context.Context, rdb *redis.Client, prefix string) (bool, error) {
	errFound := errors.New("found")
	err := scanPrefix(ctx, rdb, prefix, func([]string) error { return errFound })
	if errors.Is(err, errFound) {
		return true, nil
	}
	return false, err
}

// deletePrefix deletes every key that starts with prefix (SCAN + DEL,
// never FLUSHALL) and returns how many it deleted. DEL rather than UNLINK
// so that used_memory reflects the deletion at once.
func deletePrefix(ctx context.Context, rdb *redis.Client, prefix string) (int64, error) {
	if prefix == "" {
		return 0, errors.New("refusing to delete with an empty prefix")
	}
	var n int64
	err := scanPrefix(ctx, rdb, prefix, func(keys []string) error {
		d, err := rdb.Del(ctx, keys...).Result()
		n += d
		return err
	})
	return n, err
}

// redisURLFlag defines --redis-url, defaulting to $WXCAST_REDIS_URL (the
// server's redis.url) or the local server.
func redisURLFlag(fs *flag.FlagSet) *string {
	url := os.Getenv("WXCAST_REDIS_URL")
	if url == "" {
		url = "redis://127.0.0.1:6379/0"
	}
	return fs.String("redis-url", url, "Redis URL, as wxcast's redis.url (default $WXCAST_REDIS_URL)")
}
