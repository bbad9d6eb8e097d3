package links_test

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wxcast/wxcast/bot/links"
	"github.com/wxcast/wxcast/bot/wxapi"
	"github.com/wxcast/wxcast/store"
)

// gate holds every exchange until released, so a test can fill the queue
// or let time pass while codes wait.
type gate struct {
	next    links.Exchanger
	entered chan struct{}
	release chan struct{}
	calls   atomic.Int64
}

func (g *gate) OAuthOpenID(ctx context.Context, code string) (string, error) {
	g.calls.Add(1)
	g.entered <- struct{}{}
	select {
	case <-g.release:
	case <-ctx.Done():
		return "", ctx.Err()
	}
	return g.next.OAuthOpenID(ctx, code)
}

func gated() (*gate, func(*wxapi.Client) links.Exchanger) {
	g := &gate{entered: make(chan struct{}, 100), release: make(chan struct{})}
	return g, func(wx *wxapi.Client) links.Exchanger { g.next = wx; return g }
}

// A full queue never holds the follower up: the redirect comes at once
// and the tap counts as anonymous.
func TestFullQueueIsAnonymous(t *testing.T) {
	t.Parallel()
	g, ex := gated()
	// The smallest queue the service takes; one worker, held at its first code.
	w := newWorld(t, worldOpts{queue: 1, workers: 1, exchanger: ex})
	sameURL(t, w.follow("/l/"+w.code0, wechatUA, follA, nil).location, targetA)
	<-g.entered // the worker holds the first code
	for range 3 {
		start := time.Now()
		sameURL(t, w.follow("/l/"+w.code0, wechatUA, follA, nil).location, targetA)
		if d := time.Since(start); d > 2*time.Second {
			t.Fatalf("a tap waited %s for the queue", d)
		}
	}
	// One waits in the queue; the two beyond it are anonymous.
	if got := w.taps(store.TapAnonymous, 0); got != 2 {
		t.Fatalf("anonymous taps = %d, want 2", got)
	}
	close(g.release)
	w.settle(2)
	if got := w.taps(store.TapReceiver, 0); got != 2 {
		t.Fatalf("receiver taps = %d, want 2", got)
	}
}

// A code that waited longer than WeChat keeps it (5 minutes) is not sent
// to WeChat: the tap counts as anonymous.
func TestOldCodeIsNotExchanged(t *testing.T) {
	t.Parallel()
	g, ex := gated()
	w := newWorld(t, worldOpts{workers: 1, exchanger: ex})
	sameURL(t, w.follow("/l/"+w.code0, wechatUA, follA, nil).location, targetA)
	<-g.entered
	// A second tap's code waits behind the first.
	if h := w.follow("/l/"+w.code0, wechatUA, follA, nil); h.status != http.StatusFound {
		t.Fatalf("%+v", h)
	}
	w.clock.advance(5*time.Minute + time.Second)
	close(g.release)
	w.settle(2)
	if n := g.calls.Load(); n != 1 {
		t.Fatalf("%d exchanges, want 1: the second code was too old", n)
	}
	if r, a := w.taps(store.TapReceiver, 0), w.taps(store.TapAnonymous, 0); r != 1 || a != 1 {
		t.Fatalf("receiver %d, anonymous %d taps; want 1, 1", r, a)
	}
}
