package store

import (
	"context"
	"testing"
	"time"
)

// TestEmbeddedStoreExpiresKeys checks that keys with a TTL go away on the
// embedded store as they do on Redis: dedup keys and leases must not live
// forever in a long-running demo.
func TestEmbeddedStoreExpiresKeys(t *testing.T) {
	ctx := context.Background()
	st, err := Open(ctx, Options{KeyPrefix: "embedded:"})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Redis().Set(ctx, "embedded:short", "1", time.Second).Err(); err != nil {
		t.Fatal(err)
	}
	if err := st.Redis().Set(ctx, "embedded:long", "1", time.Hour).Err(); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		n, err := st.Redis().Exists(ctx, "embedded:short").Result()
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
	if ttl := st.Redis().TTL(ctx, "embedded:long").Val(); ttl <= 50*time.Minute || ttl > time.Hour {
		t.Fatalf("the 1 h key has TTL %v", ttl)
	}
}
