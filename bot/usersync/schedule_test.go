package usersync

import (
	"context"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"
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
	var waiting []*observer.ObservedLogs
	start := func(owner string) {
		core, logs := observer.New(zap.DebugLevel)
		waiting = append(waiting, logs)
		o := e.opts()
		o.Owner = owner
		o.Log = zap.New(zapcore.NewTee(o.Log.Core(), core))
		wg.Go(func() { Schedule(ctx, time.Hour, o) })
	}
	start("replica-1")
	start("replica-2")
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
	start("replica-3")
	// A replica decides how long to wait only after the sync it decided
	// to run, if any, has ended: once all three have, every sync there
	// was to be has happened.
	for i, logs := range waiting {
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
			if logs.FilterMessage("follower sync: waiting to look again").Len() > 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("replica-%d did not decide to wait within 10 s", i+1)
			}
		}
	}
	// One run: one page of 300 and the empty page after it.
	if n := sim.CountCalls(e.appID, "/cgi-bin/user/get"); n != 2 {
		t.Errorf("user/get was called %d times, want 2: the replicas synced more than once", n)
	}
}
