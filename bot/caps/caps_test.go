package caps_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/wxcast/wxcast/bot/caps"
	"github.com/wxcast/wxcast/internal/redistest"
)

var shanghai = time.FixedZone("CST", 8*3600)

func TestNoCapsCapNobody(t *testing.T) {
	var c *caps.Caps = caps.New(nil, 4, 1, nil)
	ctx := context.Background()
	in := []string{"oA", "oB"}
	kept, n, err := c.Uncapped(ctx, in, time.Now())
	if err != nil || n != 0 || !slices.Equal(kept, in) {
		t.Fatalf("uncapped %v %d %v", kept, n, err)
	}
	if kept, err := c.Reserve(ctx, 1, 0, in, time.Now()); err != nil || !slices.Equal(kept, in) {
		t.Fatalf("reserve %v %v", kept, err)
	}
	if err := c.Release(ctx, 1, 0); err != nil || c.Monthly() != 0 || c.Daily() != 0 {
		t.Fatalf("release %v, limits %d %d", err, c.Monthly(), c.Daily())
	}
	if got, err := c.Received(ctx, "oA", time.Time{}, time.Now()); got != nil || err != nil {
		t.Fatalf("received %v %v", got, err)
	}
}

// The daily cap counts calendar days in the account's zone: 23:30 and
// 00:30 in Shanghai are two days, though one UTC day.
func TestCapsCountCalendarPeriodsInTheZone(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := caps.New(redistest.Open(t).Caps(), 2, 1, shanghai)
	late := time.Date(2026, 11, 30, 23, 30, 0, 0, shanghai)
	in := []string{"oA", "oB", "oC"}
	if kept, err := c.Reserve(ctx, 1, 0, in[:2], late); err != nil || len(kept) != 2 {
		t.Fatalf("first: %v %v", kept, err)
	}
	kept, n, err := c.Uncapped(ctx, in, late.Add(10*time.Minute))
	if err != nil || n != 2 || !slices.Equal(kept, []string{"oC"}) {
		t.Fatalf("same day: kept %v, %d capped, %v", kept, n, err)
	}
	// Past midnight in Shanghai: a new day, and a new month too.
	next := late.Add(time.Hour)
	if kept, err := c.Reserve(ctx, 2, 0, in, next); err != nil || len(kept) != 3 {
		t.Fatalf("next day: %v %v", kept, err)
	}
	// The same batch reserved again gets the same followers, counted once.
	if kept, err := c.Reserve(ctx, 2, 0, in, next); err != nil || len(kept) != 3 {
		t.Fatalf("again: %v %v", kept, err)
	}
	// Each has one in December (November's do not count): under the
	// monthly cap of 2 until a second one.
	kept, n, err = c.Uncapped(ctx, in, next.Add(48*time.Hour))
	if err != nil || n != 0 || len(kept) != 3 {
		t.Fatalf("December 3rd: kept %v, %d capped, %v", kept, n, err)
	}
	if kept, err := c.Reserve(ctx, 3, 0, in, next.Add(48*time.Hour)); err != nil || len(kept) != 3 {
		t.Fatalf("third: %v %v", kept, err)
	}
	kept, n, err = c.Uncapped(ctx, in, next.Add(96*time.Hour))
	if err != nil || n != 3 || len(kept) != 0 {
		t.Fatalf("two in December each: kept %v, %d capped, %v", kept, n, err)
	}
	// A batch given back frees its slots.
	if err := c.Release(ctx, 3, 0); err != nil {
		t.Fatal(err)
	}
	if kept, _, _ := c.Uncapped(ctx, in, next.Add(96*time.Hour)); len(kept) != 3 {
		t.Fatalf("after release: kept %v", kept)
	}
}

func TestReceiptsAndUnsubscribes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := caps.New(redistest.Open(t).Caps(), 4, 0, shanghai)
	at := time.Date(2026, 12, 1, 0, 10, 0, 0, shanghai)
	if _, err := c.Reserve(ctx, 7, 0, []string{"oA", "oB"}, at.Add(-time.Hour)); err != nil { // November in Shanghai
		t.Fatal(err)
	}
	got, err := c.Received(ctx, "oA", at.Add(-24*time.Hour), at)
	if err != nil || len(got) != 1 || got[0].ID != 7 {
		t.Fatalf("received %+v %v: last month's receipt is read across the month's end", got, err)
	}
	for range 2 {
		if _, err := c.AddUnsubscribe(ctx, 7, "oA"); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := c.Unsubscribes(ctx, 7); n != 1 || err != nil {
		t.Fatalf("unsubscribes %d %v, want 1", n, err)
	}
}
