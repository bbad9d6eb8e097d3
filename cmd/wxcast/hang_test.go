package main

import (
	"context"
	"net"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/wxcast/wxcast/internal/redistest"
	"github.com/wxcast/wxcast/internal/wxsim"
)

// TestHungRedisAnswersInTime pauses the Redis a server uses (a proxy in
// front of it stops passing bytes, as a SIGSTOPped or partitioned server
// would) and checks that a callback still gets its 503 before WeChat's 5 s
// run out, and /readyz its "not ready" before a probe's 1 s; once Redis
// answers again, callbacks succeed; once it is gone, they fail in time too.
func TestHungRedisAnswersInTime(t *testing.T) {
	t.Parallel()
	target, prefix := redistest.SharedURL(t), redistest.Prefix(t)
	p := startPausableProxy(t, hostOf(t, target))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addr, done := startServe(t, ctx, []string{"WXCAST_REDIS_URL=" + withHost(t, target, p.addr()), "WXCAST_REDIS_KEY_PREFIX=" + prefix})
	t.Cleanup(func() { cancel(); <-done })
	// Keys the server wrote go when the test ends; Redis is reached
	// directly, not through the proxy.
	redistest.OpenAt(t, target, prefix)

	c, err := wxsim.NewClient(wxsim.ClientConfig{URL: "http://" + addr + "/wechat", Token: tToken,
		EncodingAESKey: tAESKey, AppID: tAppID, OriginalID: "gh_hang", Mode: wxsim.ModeSafe})
	if err != nil {
		t.Fatal(err)
	}
	send := func(m wxsim.Message) (int, time.Duration) {
		t.Helper()
		cctx, ccancel := context.WithTimeout(ctx, 15*time.Second)
		defer ccancel()
		start := time.Now()
		res, err := c.Send(cctx, m)
		if err != nil {
			t.Fatalf("callback: %v after %v", err, time.Since(start))
		}
		return res.Status, time.Since(start)
	}
	ready := func() (int, time.Duration) {
		t.Helper()
		start := time.Now()
		res, err := http.Get("http://" + addr + "/readyz")
		if err != nil {
			t.Fatalf("readyz: %v", err)
		}
		_ = res.Body.Close()
		return res.StatusCode, time.Since(start)
	}

	if st, _ := send(wxsim.Text("oHangUser", "你好", 1001)); st != 200 {
		t.Fatalf("callback before the pause: status %d", st)
	}
	p.pause()
	// The first callback after the pause, and one more while the first's
	// connections are stuck too.
	for i, id := range []int64{1002, 1003} {
		st, took := send(wxsim.Text("oHangUser", "你好", id))
		t.Logf("callback %d on a hung Redis: %d after %v", i+1, st, took)
		if st != http.StatusServiceUnavailable || took > 3500*time.Millisecond {
			t.Fatalf("callback %d on a hung Redis: status %d after %v, want 503 within 3.5s", i+1, st, took)
		}
	}
	// A text shaped like an admin code makes its own first Redis call (the
	// claim), under the same bound.
	if st, took := send(wxsim.Text("oHangUser", "wxcast-1234-5678-9012", 1005)); st != http.StatusServiceUnavailable || took > 3500*time.Millisecond {
		t.Fatalf("an admin code on a hung Redis: status %d after %v, want 503 within 3.5s", st, took)
	}
	st, took := ready()
	t.Logf("readyz on a hung Redis: %d after %v", st, took)
	if st != http.StatusServiceUnavailable || took > 1500*time.Millisecond {
		t.Fatalf("readyz on a hung Redis: status %d after %v, want 503 within 1.5s", st, took)
	}

	p.resume()
	// WeChat retries the refused delivery; it is recorded now.
	if st, took := send(wxsim.Text("oHangUser", "你好", 1002)); st != 200 {
		t.Fatalf("callback after the resume: status %d after %v", st, took)
	}
	if st, _ := ready(); st != 200 {
		t.Fatalf("readyz after the resume: status %d", st)
	}

	// A Redis that is gone (connections closed, dials refused) gets its
	// 503 as before (about 1.7 s: go-redis's dial retries).
	p.cut()
	st, took = send(wxsim.Text("oHangUser", "你好", 1004))
	t.Logf("callback on a dead Redis: %d after %v", st, took)
	if st != http.StatusServiceUnavailable || took > 3500*time.Millisecond {
		t.Fatalf("callback on a dead Redis: status %d after %v, want 503 within 3.5s", st, took)
	}
}

// pausableProxy passes TCP connections to a Redis until paused; then it
// still accepts connections and reads what clients send, but passes
// nothing on in either direction until resumed, as a stopped process
// whose kernel still holds its sockets would.
type pausableProxy struct {
	ln     net.Listener
	target string

	mu      sync.Mutex
	running chan struct{} // closed while not paused
	conns   []net.Conn
	closed  bool
}

func startPausableProxy(t *testing.T, target string) *pausableProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &pausableProxy{ln: ln, target: target, running: make(chan struct{})}
	close(p.running)
	var wg sync.WaitGroup
	wg.Go(func() { p.serve(&wg) })
	t.Cleanup(func() {
		p.resume()
		p.cut()
		wg.Wait()
	})
	return p
}

func (p *pausableProxy) addr() string { return p.ln.Addr().String() }

// cut closes every connection and the listener: Redis is gone, and a
// dial is refused.
func (p *pausableProxy) cut() {
	p.mu.Lock()
	p.closed = true
	conns := p.conns
	p.mu.Unlock()
	_ = p.ln.Close()
	for _, c := range conns {
		_ = c.Close()
	}
}

// hostOf is the host:port of a Redis URL.
func hostOf(t *testing.T, redisURL string) string {
	t.Helper()
	u, err := url.Parse(redisURL)
	if err != nil {
		t.Fatal(err)
	}
	return u.Host
}

// withHost is redisURL with its host:port replaced.
func withHost(t *testing.T, redisURL, hostport string) string {
	t.Helper()
	u, err := url.Parse(redisURL)
	if err != nil {
		t.Fatal(err)
	}
	u.Host = hostport
	return u.String()
}

func (p *pausableProxy) pause() {
	p.mu.Lock()
	defer p.mu.Unlock()
	select {
	case <-p.running:
		p.running = make(chan struct{})
	default:
	}
}

func (p *pausableProxy) resume() {
	p.mu.Lock()
	defer p.mu.Unlock()
	select {
	case <-p.running:
	default:
		close(p.running)
	}
}

// gate blocks while the proxy is paused.
func (p *pausableProxy) gate() {
	p.mu.Lock()
	ch := p.running
	p.mu.Unlock()
	<-ch
}

func (p *pausableProxy) serve(wg *sync.WaitGroup) {
	for {
		client, err := p.ln.Accept()
		if err != nil {
			return
		}
		server, err := net.Dial("tcp", p.target)
		if err != nil {
			_ = client.Close()
			continue
		}
		p.mu.Lock()
		if p.closed {
			p.mu.Unlock()
			_ = client.Close()
			_ = server.Close()
			return
		}
		p.conns = append(p.conns, client, server)
		p.mu.Unlock()
		wg.Go(func() { p.pump(server, client) })
		wg.Go(func() { p.pump(client, server) })
	}
}

// pump copies src to dst, holding each chunk while paused; closing either
// side ends both directions.
func (p *pausableProxy) pump(dst, src net.Conn) {
	defer func() { _ = dst.Close(); _ = src.Close() }()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			p.gate()
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}
