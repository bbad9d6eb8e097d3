package embedredis

import (
	"context"
	"strings"
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
	rdb := redis.NewClient(&redis.Options{Addr: s.Addr(), Password: s.Password()})
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
	if err != nil || o.Addr != s.Addr() || o.DB != 0 || o.Password != s.Password() {
		t.Fatalf("%s: %+v, %v", s.URL(), o, err)
	}
}

// TestRequiresPassword checks that the embedded server, whose port any
// user of the host can reach, refuses a client without its password, and
// that each start has a password of its own.
func TestRequiresPassword(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, err := Start()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, tc := range []struct{ name, password, want string }{
		{"no password", "", "NOAUTH"},
		{"wrong password", "not-" + s.Password(), "WRONGPASS"},
	} {
		rdb := redis.NewClient(&redis.Options{Addr: s.Addr(), Password: tc.password, MaxRetries: -1})
		err := rdb.Set(ctx, "embedded:intruder", "1", 0).Err()
		_ = rdb.Close()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Fatalf("%s: SET gave %v, want a %s refusal", tc.name, err, tc.want)
		}
	}
	other, err := Start()
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if len(s.Password()) < 32 || s.Password() == other.Password() {
		t.Fatalf("passwords %q and %q: want random ones of at least 32 characters", s.Password(), other.Password())
	}
}
