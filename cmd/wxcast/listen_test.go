package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestTakenAddressIsExplained binds an address first, then runs serve,
// demo and sim on it: each must fail naming the address, the flag that
// changes it and the likely culprit, another wxcast.
func TestTakenAddressIsExplained(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	addr := ln.Addr().String()
	for _, args := range [][]string{
		{"serve", "--config", "../../configs/wxcast.example.yaml", "--listen", addr},
		{"demo", "--followers", "0", "--listen", addr},
		{"sim", "--listen", addr},
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		err := run(ctx, args, []string{"WXCAST_LOG_LEVEL=error"}, io.Discard, io.Discard)
		cancel()
		if err == nil {
			t.Fatalf("wxcast %v ran on a taken address", args)
		}
		for _, want := range []string{addr + " is already in use", "another wxcast", "--listen"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("wxcast %v: %q lacks %q", args, err, want)
			}
		}
	}
}

// TestServeListenFlagWins runs serve with WXCAST_LISTEN on a taken
// address and --listen on a free one: the flag wins.
func TestServeListenFlagWins(t *testing.T) {
	t.Parallel()
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--config", "../../configs/wxcast.example.yaml", "--listen", addr},
			[]string{"WXCAST_LISTEN=" + taken.Addr().String(), "WXCAST_LOG_LEVEL=error"}, io.Discard, io.Discard)
	}()
	defer func() { cancel(); <-done }()
	waitFor(t, 20*time.Second, "serve on the --listen address", func() bool {
		select {
		case err := <-done:
			done <- err
			t.Fatalf("serve stopped: %v", err)
		default:
		}
		resp, err := http.Get("http://" + addr + "/healthz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})

	if err := run(context.Background(), []string{"serve", "--listen", "8080"}, nil, io.Discard, io.Discard); err == nil ||
		!strings.Contains(err.Error(), `--listen "8080": want host:port`) {
		t.Errorf("serve --listen 8080: %v", err)
	}
}
