package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"go.uber.org/zap/zaptest/observer"
)

// TestServeWarnsWithoutPersistence starts serve on Redis servers of its
// own, configured with and without AOF and RDB, and checks that it warns
// exactly when a restart of Redis would lose everything.
func TestServeWarnsWithoutPersistence(t *testing.T) {
	t.Parallel()
	const lossy, unknown = "Redis persists nothing", "Redis has AOF off and refuses CONFIG GET"
	cases := []struct {
		name string
		args []string // redis-server options
		want string   // the warning, "" for none
	}{
		{"nothing", []string{"--save", "", "--appendonly", "no"}, lossy},
		{"aof", []string{"--save", "", "--appendonly", "yes"}, ""},
		{"rdb", []string{"--save", "3600 1", "--appendonly", "no"}, ""},
		{"config refused", []string{"--save", "", "--appendonly", "no", "--rename-command", "CONFIG", ""}, unknown},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			url := startRedisServer(t, tc.args...)
			ctx, cancel := context.WithCancel(context.Background())
			_, done, logs := startServeLogged(t, ctx, []string{"WXCAST_REDIS_URL=" + url})
			t.Cleanup(func() { cancel(); <-done })
			for _, w := range []string{lossy, unknown} {
				n := logs.Filter(func(e observer.LoggedEntry) bool { return strings.HasPrefix(e.Message, w) }).Len()
				if want := b2i(w == tc.want); n != want {
					t.Errorf("%d warnings %q, want %d", n, w, want)
				}
			}
			// A server that persists is named, with what it keeps.
			if n := logs.FilterMessage("Redis persistence").Len(); n != b2i(tc.want == "") {
				t.Errorf("%d \"Redis persistence\" lines, want %d", n, b2i(tc.want == ""))
			}
		})
	}
	t.Run("embedded", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithCancel(context.Background())
		_, done, logs := startServeLogged(t, ctx, []string{"WXCAST_REDIS_URL="})
		t.Cleanup(func() { cancel(); <-done })
		if n := logs.FilterMessageSnippet("persist").Len(); n != 0 {
			t.Errorf("%d persistence lines for the embedded store, which is memory-only by design", n)
		}
	})
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// startRedisServer runs a redis-server of the test's own on a free
// loopback port, in a temporary directory, and returns its URL.
func startRedisServer(t *testing.T, args ...string) string {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("redis-server is not on PATH under CI")
		}
		t.Skip("redis-server is not on PATH")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	_ = ln.Close()
	cmd := exec.Command(bin, append([]string{"--port", fmt.Sprint(port), "--bind", "127.0.0.1",
		"--dir", t.TempDir(), "--daemonize", "no", "--protected-mode", "yes"}, args...)...)
	out := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	url := fmt.Sprintf("redis://127.0.0.1:%d/0", port)
	rdb := redis.NewClient(&redis.Options{Addr: fmt.Sprintf("127.0.0.1:%d", port)})
	defer rdb.Close()
	for deadline := time.Now().Add(10 * time.Second); rdb.Ping(context.Background()).Err() != nil; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("redis-server on port %d did not answer within 10 s:\n%s", port, out.String())
		}
	}
	return url
}
