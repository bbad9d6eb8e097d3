package main

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/wxcast/wxcast/internal/redistest"
)

// mainProcessEnv turns a re-executed test binary into the wxcast binary:
// main itself runs, with the variable's value as arguments.
const mainProcessEnv = "WXCASTTEST_MAIN_ARGS"

// TestRedisLogAdapter checks that one go-redis Printf is one zap entry,
// with the formatted message, in the logger a command handed over, and
// in the fallback before and after.
func TestRedisLogAdapter(t *testing.T) {
	t.Parallel()
	fbCore, fallback := observer.New(zap.DebugLevel)
	core, logs := observer.New(zap.DebugLevel)
	rl := &redisLog{fallback: zap.New(fbCore)} // not installed: go-redis's logger is the process's
	ctx := withRedisLog(context.Background(), rl)

	rl.Printf(ctx, "redis: connection pool: failed to dial after %d attempts: %v\n", 5, "refused")
	restore := useRedisLog(ctx, zap.New(core))
	rl.Printf(ctx, "Conn has unread data (not push notification), removing it")
	restore()
	rl.Printf(ctx, "after %s", "the command")

	if got := entries(fallback); strings.Join(got, "|") != "connection pool: failed to dial after 5 attempts: refused|after the command" {
		t.Fatalf("fallback got %q", got)
	}
	if got := entries(logs); len(got) != 1 || got[0] != "Conn has unread data (not push notification), removing it" {
		t.Fatalf("the command's logger got %q", got)
	}
	e := logs.All()[0]
	if e.Level != zap.WarnLevel || e.ContextMap()["component"] != "go-redis" {
		t.Fatalf("entry %+v %v", e.Entry, e.ContextMap())
	}
}

func entries(l *observer.ObservedLogs) []string {
	var out []string
	for _, e := range l.All() {
		out = append(out, e.Message)
	}
	return out
}

// TestJSONLogWhenRedisDrops runs the binary's main with JSON logs, cuts
// its Redis off (connections closed, new ones refused) and checks that
// every line on stderr is still a JSON object, go-redis's own complaints
// included.
func TestJSONLogWhenRedisDrops(t *testing.T) {
	t.Parallel()
	target, prefix := redistest.SharedURL(t), redistest.Prefix(t)
	p := startPausableProxy(t, hostOf(t, target))
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), mainProcessEnv+"=serve --config ../../configs/wxcast.example.yaml",
		"WXCAST_LISTEN=127.0.0.1:0", "WXCAST_LOG_FORMAT=json", "WXCAST_LOG_LEVEL=info",
		"WXCAST_REDIS_URL="+withHost(t, target, p.addr()), "WXCAST_REDIS_KEY_PREFIX="+prefix)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Signal(os.Interrupt); _ = cmd.Wait() })
	redistest.OpenAt(t, target, prefix) // deletes the keys it wrote

	lines := make(chan string, 1000)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	var all []string
	next := func(until time.Time) (string, bool) {
		select {
		case l, ok := <-lines:
			if ok {
				all = append(all, l)
			}
			return l, ok
		case <-time.After(time.Until(until)):
			return "", false
		}
	}
	addr := ""
	for deadline := time.Now().Add(20 * time.Second); addr == ""; {
		l, ok := next(deadline)
		if !ok {
			t.Fatalf("no \"wxcast listening\" line; stderr:\n%s", strings.Join(all, "\n"))
		}
		var e struct{ Msg, Addr string }
		if json.Unmarshal([]byte(l), &e) == nil && e.Msg == "wxcast listening" {
			addr = e.Addr
		}
	}

	p.cut()
	// Each probe needs a connection the pool can no longer dial.
	sawRedis := false
	for deadline := time.Now().Add(20 * time.Second); !sawRedis && time.Now().Before(deadline); {
		if res, err := http.Get("http://" + addr + "/readyz"); err == nil {
			_ = res.Body.Close()
		}
		for {
			l, ok := next(time.Now().Add(200 * time.Millisecond))
			if !ok {
				break
			}
			sawRedis = sawRedis || strings.Contains(l, `"component":"go-redis"`)
		}
	}
	for _, l := range all {
		var obj map[string]any
		if err := json.Unmarshal([]byte(l), &obj); err != nil {
			t.Errorf("not a JSON line: %q", l)
		}
	}
	if !sawRedis {
		t.Fatalf("go-redis logged nothing through zap once Redis was cut off; stderr:\n%s", strings.Join(all, "\n"))
	}
}
