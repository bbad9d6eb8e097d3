package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/wxcast/wxcast/internal/redistest"
	"github.com/wxcast/wxcast/store"
)

func TestConversionsKeepTheFirst(t *testing.T) {
	t.Parallel()
	testConversions(t, redistest.Open(t))
}

// TestConversionsOnCluster: a broadcast's conversions and member index
// live in its own slot; the set of recently sent broadcasts in {bc}.
func TestConversionsOnCluster(t *testing.T) {
	t.Parallel()
	testConversions(t, redistest.OpenCluster(t))
}

func testConversions(t *testing.T, s *store.Store) {
	ctx := context.Background()
	c := s.Conversions()
	t0 := time.UnixMilli(1_800_000_000_000)
	first, err := c.Record(ctx, 7, "oA", t0.Add(time.Hour))
	if err != nil || !first {
		t.Fatalf("first record: %v %v", first, err)
	}
	// A later conversion keeps the first; an earlier one (an import of
	// older orders) replaces it, and neither is the first again.
	if first, _ := c.Record(ctx, 7, "oA", t0.Add(2*time.Hour)); first {
		t.Fatal("a second conversion counted as first")
	}
	if first, _ := c.Record(ctx, 7, "oA", t0.Add(30*time.Minute)); first {
		t.Fatal("an earlier conversion counted as first")
	}
	if _, err := c.Record(ctx, 7, "oB", t0); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Record(ctx, 8, "oC", t0); err != nil {
		t.Fatal(err)
	}
	ts, err := c.Times(ctx, 7, []string{"oA", "oB", "oC"})
	if err != nil || !ts[0].Equal(t0.Add(30*time.Minute)) || !ts[1].Equal(t0) || !ts[2].IsZero() {
		t.Fatalf("times %v %v", ts, err)
	}
	if n, err := c.Count(ctx, 7); n != 2 || err != nil {
		t.Fatalf("count %d %v", n, err)
	}
	got := map[string]time.Time{}
	if err := c.Scan(ctx, 7, func(o string, at time.Time) error { got[o] = at; return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || !got["oB"].Equal(t0) {
		t.Fatalf("scan %v", got)
	}

	b := s.Broadcasts()
	for _, m := range []struct {
		id int64
		at time.Time
	}{{9, t0.Add(-40 * 24 * time.Hour)}, {7, t0}, {8, t0.Add(24 * time.Hour)}} {
		if err := b.MarkAccepted(ctx, m.id, m.at); err != nil {
			t.Fatal(err)
		}
	}
	// An older batch accepted later (a retry) does not move it back.
	if err := b.MarkAccepted(ctx, 7, t0.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	ids, err := b.AcceptedSince(ctx, t0.Add(-50*24*time.Hour))
	slices.Sort(ids)
	if err != nil || !slices.Equal(ids, []int64{7, 8}) {
		t.Fatalf("accepted: %v %v (9 is too old to be kept)", ids, err)
	}
	if ids, _ := b.AcceptedSince(ctx, t0.Add(time.Minute)); !slices.Equal(ids, []int64{8}) {
		t.Fatalf("accepted since t0+1m: %v", ids)
	}
	if err := b.WriteMembers(ctx, 8, []string{"oA", "oB"}, []string{"b0", "h"}, time.Hour); err != nil {
		t.Fatal(err)
	}
	if err := b.WriteMembers(ctx, 7, []string{"oA"}, []string{"b3"}, time.Hour); err != nil {
		t.Fatal(err)
	}
	vs, err := b.MemberOfEach(ctx, []int64{7, 8, 9}, "oA")
	if err != nil || !slices.Equal(vs, []string{"b3", "b0", ""}) {
		t.Fatalf("member of each: %q %v", vs, err)
	}
}
