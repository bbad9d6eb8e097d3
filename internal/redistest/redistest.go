// Package redistest gives tests a store on a real Redis when one is
// configured, and on the embedded in-memory server otherwise.
//
// TEST_REDIS_URL selects the server (CI sets it); TEST_REDIS_CLUSTER_URL a
// Redis Cluster (redis+cluster://h1:p1,h2:p2); TEST_REDIS_SENTINEL_URL a
// primary and replica behind Sentinels (redis+sentinel://s1,s2,s3/master/db)
// that a test may fail over. Each test gets its own key
// prefix and deletes its keys afterwards, so test packages can share one
// server in parallel; nothing here ever flushes a database. Only tests
// import it.
package redistest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/wxcast/wxcast/configs"
	"github.com/wxcast/wxcast/internal/embedredis"
	"github.com/wxcast/wxcast/internal/redisconn"
	"github.com/wxcast/wxcast/store"
)

// URL is the Redis URL tests should use: TEST_REDIS_URL, or "" for the
// embedded store.
func URL() string { return os.Getenv("TEST_REDIS_URL") }

// Prefix returns a key prefix unique to this test run.
func Prefix(t testing.TB) string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	name := strings.NewReplacer("/", ".", " ", "_", "{", "(", "}", ")").Replace(t.Name())
	return "t:" + name + ":" + hex.EncodeToString(b[:]) + ":"
}

// Open returns a store on TEST_REDIS_URL (or the embedded server) with a
// fresh prefix whose keys are deleted when the test ends.
func Open(t testing.TB) *store.Store {
	t.Helper()
	return OpenAt(t, URL(), Prefix(t))
}

// OpenCluster returns a store on TEST_REDIS_CLUSTER_URL. Without it the
// test is skipped, except under CI, where a missing cluster is a failure.
func OpenCluster(t testing.TB) *store.Store {
	t.Helper()
	return OpenAt(t, Require(t, "TEST_REDIS_CLUSTER_URL", "the cluster tests need a Redis Cluster"), Prefix(t))
}

// SentinelURL returns TEST_REDIS_SENTINEL_URL. Without it the test is
// skipped, except under CI, where a missing Sentinel setup is a failure.
func SentinelURL(t testing.TB) string {
	t.Helper()
	return Require(t, "TEST_REDIS_SENTINEL_URL", "the failover test needs a primary, a replica and Sentinels")
}

// Require returns the environment variable name, which names a Redis the
// test needs. Without it the test is skipped, saying why (what needs it),
// except under CI, where .ci/run sets it and its absence is a failure.
func Require(t testing.TB, name, why string) string {
	t.Helper()
	u := os.Getenv(name)
	if u == "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is not set under CI, where .ci/run sets it: %s", name, why)
		}
		t.Skipf("%s not set: %s", name, why)
	}
	return u
}

// OpenAt returns a store on url (a redis.url; empty starts an embedded
// server) under prefix, whose keys are deleted when the test ends. Tests
// use it to look into the Redis of a server they started on SharedURL.
func OpenAt(t testing.TB, url, prefix string) *store.Store {
	t.Helper()
	if prefix == "" {
		t.Fatal("redistest: OpenAt needs a prefix: its keys are deleted after the test")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s, closeAll, err := redisconn.Open(ctx, configs.RedisConfig{URL: configs.Secret(url), KeyPrefix: prefix}, nil)
	if err != nil {
		t.Fatalf("redistest: open %q: %v", url, err)
	}
	t.Cleanup(func() {
		Clean(t, s.Redis(), prefix)
		_ = closeAll()
	})
	return s
}

// Clean deletes every key under prefix, on every master of a cluster.
func Clean(t testing.TB, rdb redis.UniversalClient, prefix string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	del := func(ctx context.Context, c *redis.Client) error {
		var batch []string
		flush := func() error {
			if len(batch) == 0 {
				return nil
			}
			// One UNLINK per key, pipelined: on a cluster node the keys of a
			// batch sit in different slots, which one multi-key command
			// may not span.
			pipe := c.Pipeline()
			for _, k := range batch {
				pipe.Unlink(ctx, k)
			}
			_, err := pipe.Exec(ctx)
			batch = batch[:0]
			return err
		}
		iter := c.Scan(ctx, 0, prefix+"*", 1000).Iterator()
		for iter.Next(ctx) {
			if batch = append(batch, iter.Val()); len(batch) == 500 {
				if err := flush(); err != nil {
					return err
				}
			}
		}
		if err := iter.Err(); err != nil {
			return err
		}
		return flush()
	}
	var err error
	switch c := rdb.(type) {
	case *redis.ClusterClient:
		err = c.ForEachMaster(ctx, del)
	case *redis.Client:
		err = del(ctx, c)
	}
	if err != nil {
		t.Logf("redistest: clean %s: %v", prefix, err)
	}
}

// SharedURL returns a Redis URL several components of one test can connect
// to: TEST_REDIS_URL, or an embedded server started for this test.
func SharedURL(t testing.TB) string {
	t.Helper()
	if u := URL(); u != "" {
		return u
	}
	srv, err := embedredis.Start()
	if err != nil {
		t.Fatalf("redistest: %v", err)
	}
	t.Cleanup(srv.Close)
	return srv.URL()
}
