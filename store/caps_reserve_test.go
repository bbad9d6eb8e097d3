package store_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/wxcast/wxcast/internal/redistest"
	"github.com/wxcast/wxcast/store"
)

// TestCapsReserveTakesOnlyFreeSlots: followers at a maximum are left out,
// the rest are taken once, and a second reservation of the same batch
// returns the same followers without counting again.
func TestCapsReserveTakesOnlyFreeSlots(t *testing.T) {
	t.Parallel()
	c := redistest.Open(t).Caps()
	ctx := context.Background()
	now := time.Now()
	ids := openids("oR", 6)
	lim := []store.Limit{{Period: month, Max: 2}}
	if _, err := c.Count(ctx, 1, 0, ids[:3], []store.Period{month}, now); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Count(ctx, 2, 0, ids[:2], []store.Period{month}, now); err != nil {
		t.Fatal(err)
	}
	// ids[0], ids[1] have 2 (at the maximum), ids[2] has 1, the rest 0.
	kept, first, err := c.Reserve(ctx, 3, 0, ids, lim, now)
	if err != nil || !first || !slices.Equal(kept, ids[2:]) {
		t.Fatalf("reserve: %v %v %v, want %v", kept, first, err, ids[2:])
	}
	again, first, err := c.Reserve(ctx, 3, 0, ids, lim, now)
	if err != nil || first || !slices.Equal(again, kept) {
		t.Fatalf("again: %v %v %v", again, first, err)
	}
	if got := counts(t, c, month.Key, ids); !slices.Equal(got, []int{2, 2, 2, 1, 1, 1}) {
		t.Fatalf("counts %v", got)
	}
	// Released (WeChat refused the batch for good): the slots come back, once.
	for range 2 {
		if err := c.Release(ctx, 3, 0); err != nil {
			t.Fatal(err)
		}
	}
	if got := counts(t, c, month.Key, ids); !slices.Equal(got, []int{2, 2, 1, 0, 0, 0}) {
		t.Fatalf("after release %v", got)
	}
	if kept, first, _ := c.Reserve(ctx, 3, 0, ids, lim, now); first || len(kept) != 0 {
		t.Fatalf("a released batch reserved again: %v %v", kept, first)
	}
	// The receipt of a released broadcast is gone: its followers never
	// got it, an unsubscribe is not its doing.
	if r, _ := c.Received(ctx, ids[4], []string{month.Key}, now.Add(-time.Hour)); len(r) != 0 {
		t.Fatalf("receipt of a released batch: %+v", r)
	}
}

// TestCapsReleaseUsesTheReservedPeriods: a release gives back the slots
// in the periods the reservation took them in, whatever the caller's
// clock or caps say by then.
func TestCapsReleaseUsesTheReservedPeriods(t *testing.T) {
	t.Parallel()
	c := redistest.Open(t).Caps()
	ctx := context.Background()
	ids := openids("oP", 4)
	lim := []store.Limit{{Period: month, Max: 4}, {Period: day, Max: 1}}
	if _, _, err := c.Reserve(ctx, 7, 2, ids, lim, time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := c.Release(ctx, 7, 2); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{month.Key, day.Key} {
		if got := counts(t, c, p, ids); !slices.Equal(got, all(4, 0)) {
			t.Fatalf("%s after release: %v", p, got)
		}
	}
}

// TestCapsReserveLastSlotOnce: two broadcasts reserving the same followers
// at once never take more than the maximum between them.
func TestCapsReserveLastSlotOnce(t *testing.T) {
	t.Parallel()
	c := redistest.Open(t).Caps()
	ctx := context.Background()
	ids := openids("oL", 300)
	lim := []store.Limit{{Period: month, Max: 1}, {Period: day, Max: 1}}
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		taken = map[string]int{}
	)
	for id := range 4 {
		wg.Go(func() {
			kept, _, err := c.Reserve(ctx, int64(100+id), 0, ids, lim, time.Now())
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			defer mu.Unlock()
			for _, o := range kept {
				taken[o]++
			}
		})
	}
	wg.Wait()
	for _, o := range ids {
		if taken[o] != 1 {
			t.Fatalf("%s taken %d times, want exactly once", o, taken[o])
		}
	}
	if got := counts(t, c, day.Key, ids); !slices.Equal(got, all(300, 1)) {
		t.Fatalf("day counts %v", got)
	}
}
