package store

import (
	"context"
	"io"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// TestWithCallTimeout runs calls against a Redis that accepts connections
// and never answers: a bounded call, a bounded script and a bounded
// pipeline fail once their bound has passed, not after go-redis's own
// read timeout (5 s) and retries; a plain context deadline reaches the
// socket too.
func TestWithCallTimeout(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var conns []net.Conn
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			wg.Go(func() { _, _ = io.Copy(io.Discard, c) }) // reads, never answers
		}
	})
	t.Cleanup(func() {
		_ = ln.Close()
		mu.Lock()
		for _, c := range conns {
			_ = c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	opts, err := Conn{Addrs: []string{ln.Addr().String()}}.options()
	if err != nil {
		t.Fatal(err)
	}
	opts.Protocol = 2 // no HELLO: the first command is the call itself
	s := New(redis.NewUniversalClient(opts), "t:")
	defer s.Close()

	const bound = 300 * time.Millisecond
	bounded := WithCallTimeout(context.Background(), bound)
	for _, tc := range []struct {
		name string
		call func() error
	}{
		{"command", func() error { return s.rdb.Get(bounded, "k").Err() }},
		{"script", func() error { return s.record.Run(bounded, s.rdb, []string{"k"}).Err() }},
		{"pipeline", func() error {
			_, err := s.rdb.Pipelined(bounded, func(p redis.Pipeliner) error { p.Get(bounded, "k"); return nil })
			return err
		}},
		{"context deadline", func() error {
			ctx, cancel := context.WithTimeout(context.Background(), bound)
			defer cancel()
			return s.rdb.Get(ctx, "k").Err()
		}},
	} {
		start := time.Now()
		err := tc.call()
		took := time.Since(start)
		if err == nil || took > 3*bound {
			t.Errorf("%s on a Redis that never answers: %v after %v, want an error within %v", tc.name, err, took, 3*bound)
		}
	}
}
