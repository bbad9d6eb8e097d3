package clocktest

import (
	"testing"
	"time"
)

var t0 = time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)

func TestManualTimerFiresOnlyWhenDue(t *testing.T) {
	c := NewManual(t0)
	tc, stop := c.Timer(time.Minute)
	defer stop()
	got := make(chan time.Time, 1)
	go func() { got <- <-tc }()
	c.Add(59 * time.Second)
	select {
	case <-got:
		t.Fatal("timer fired before it was due")
	default:
	}
	c.Add(time.Second) // returns once the tick was received
	select {
	case at := <-got:
		if !at.Equal(t0.Add(time.Minute)) {
			t.Fatalf("fired at %v", at)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Add returned but the tick was not received")
	}
	if n := c.Waiting(); n != 0 {
		t.Fatalf("%d waiters after the timer fired", n)
	}
}

func TestManualTickerCoalescesAndAddWaitsForTheReceiver(t *testing.T) {
	c := NewManual(t0)
	tc, stop := c.Ticker(time.Second)
	rounds := 0
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range tc {
			rounds++
			if rounds == 2 {
				return
			}
		}
	}()
	c.Add(time.Hour) // many periods: one tick
	c.Add(time.Second)
	<-done
	if rounds != 2 {
		t.Fatalf("%d rounds, want 2", rounds)
	}
	stop()
	c.Add(time.Second) // a stopped ticker does not block Add
}

func TestStoppedTimerDoesNotBlockAdd(t *testing.T) {
	c := NewManual(t0)
	_, stop := c.Timer(time.Second)
	stop()
	stop() // twice is harmless
	c.Add(time.Minute)
	if c.Waiting() != 0 {
		t.Fatal("a stopped timer is still waiting")
	}
}

func TestRealClockOnlySetsNow(t *testing.T) {
	c := New(t0)
	c.Add(time.Hour)
	if !c.Now().Equal(t0.Add(time.Hour)) {
		t.Fatalf("now %v", c.Now())
	}
	tc, stop := c.Timer(time.Millisecond)
	defer stop()
	select {
	case <-tc:
	case <-time.After(5 * time.Second):
		t.Fatal("a real timer did not fire")
	}
}
