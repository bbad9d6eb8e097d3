package usersync

import (
	"context"
	"sync"
	"testing"
	"time"
)

// TestScheduleSyncsOncePerInterval runs the scheduled sync on two
// replicas at once: one syncs, the other finds it busy and then the run
// done; a replica started later waits for the interval.
func TestScheduleSyncsOncePerInterval(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	sim.PopulateFollowers(e.appID, 300, 5)
	ctx, cancel := context.WithCancel(e.ctx)
	var wg sync.WaitGroup
	defer func() { cancel(); wg.Wait() }()
	for _, owner := range []string{"replica-1", "replica-2"} {
		o := e.opts()
		o.Owner = owner
		wg.Go(func() { Schedule(ctx, time.Hour, o) })
	}
	var last Summary
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		s, ok, err := LastSummary(e.ctx, e.st)
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			last = s
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no scheduled sync finished within 10 s")
		}
	}
	if last.Listed != 300 {
		t.Fatalf("scheduled sync: %+v", last)
	}
	o := e.opts()
	o.Owner = "replica-3"
	wg.Go(func() { Schedule(ctx, time.Hour, o) })
	time.Sleep(300 * time.Millisecond)
	// One run: one page of 300 and the empty page after it.
	if n := sim.CountCalls(e.appID, "/cgi-bin/user/get"); n != 2 {
		t.Errorf("user/get was called %d times, want 2: the replicas synced more than once", n)
	}
}
