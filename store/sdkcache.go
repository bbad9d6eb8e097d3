package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/silenceper/wechat/v2/cache"
)

// SDKCache lets the WeChat SDK cache values (tickets and the like) in our
// Redis. The SDK ships a Redis cache only for go-redis v8; this adapter
// puts its entries on our v9 client, under our prefix, so every replica
// shares them.
type SDKCache struct{ s *Store }

var _ cache.ContextCache = (*SDKCache)(nil)

// SDKCache returns the SDK cache adapter.
func (s *Store) SDKCache() *SDKCache { return &SDKCache{s: s} }

func (c *SDKCache) key(k string) string { return c.s.keys.prefix + "sdk:" + k }

// GetContext returns the cached string, or nil when absent or on error
// (the SDK's interface has no error; a miss makes it fetch again).
func (c *SDKCache) GetContext(ctx context.Context, key string) interface{} {
	v, err := c.s.rdb.Get(ctx, c.key(key)).Result()
	if err != nil {
		return nil
	}
	return v
}

// SetContext stores val, which the SDK always passes as a string or number.
func (c *SDKCache) SetContext(ctx context.Context, key string, val interface{}, timeout time.Duration) error {
	if err := c.s.rdb.Set(ctx, c.key(key), fmt.Sprint(val), timeout).Err(); err != nil {
		return fmt.Errorf("store: sdk cache set %s: %w", key, err)
	}
	return nil
}

// IsExistContext reports whether key is cached.
func (c *SDKCache) IsExistContext(ctx context.Context, key string) bool {
	n, err := c.s.rdb.Exists(ctx, c.key(key)).Result()
	return err == nil && n > 0
}

// DeleteContext removes key.
func (c *SDKCache) DeleteContext(ctx context.Context, key string) error {
	if err := c.s.rdb.Del(ctx, c.key(key)).Err(); err != nil && !errors.Is(err, redis.Nil) {
		return fmt.Errorf("store: sdk cache delete %s: %w", key, err)
	}
	return nil
}

// Get is GetContext without a context.
func (c *SDKCache) Get(key string) interface{} { return c.GetContext(context.Background(), key) }

// Set is SetContext without a context.
func (c *SDKCache) Set(key string, val interface{}, timeout time.Duration) error {
	return c.SetContext(context.Background(), key, val, timeout)
}

// IsExist is IsExistContext without a context.
func (c *SDKCache) IsExist(key string) bool { return c.IsExistContext(context.Background(), key) }

// Delete is DeleteContext without a context.
func (c *SDKCache) Delete(key string) error { return c.DeleteContext(context.Background(), key) }
