package embedredis

import (
	"context"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// TestKeysExpire checks that keys with a TTL go away on the embedded
// server as they do on Redis: dedup keys and leases must not live forever
// in a long-running demo.
func TestKeysExpire(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, err := Start()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	rdb := redis.NewClient(&redis.Options{Addr: s.Addr()})
	defer rdb.Close()
	if err := rdb.Set(ctx, "embedded:short", "1", time.Second).Err(); err != nil {
		t.Fatal(err)
	}
	if err := rdb.Set(ctx, "embedded:long", "1", time.Hour).Err(); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		n, err := rdb.Exists(ctx, "embedded:short").Result()
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("a key with a 1 s TTL still exists after 10 s")
		}
	}
	if ttl := rdb.TTL(ctx, "embedded:long").Val(); ttl <= 50*time.Minute || ttl > time.Hour {
		t.Fatalf("the 1 h key has TTL %v", ttl)
	}
}

// TestURL checks that the URL names the server: redistest hands it to
// components that parse redis.url.
func TestURL(t *testing.T) {
	t.Parallel()
	s, err := Start()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	o, err := redis.ParseURL(s.URL())
	if err != nil || o.Addr != s.Addr() || o.DB != 0 {
		t.Fatalf("%s: %+v, %v", s.URL(), o, err)
	}
}
