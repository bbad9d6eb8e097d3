package store_test

import (
	"errors"
	"testing"
	"time"

	"github.com/wxcast/wxcast/internal/redistest"
	"github.com/wxcast/wxcast/store"
)

func TestArticleStatsDocumentAndLease(t *testing.T) {
	t.Parallel()
	s := redistest.Open(t)
	ctx := t.Context()
	b := s.Broadcasts()
	if _, ok, err := b.Stats(ctx, 7); err != nil || ok {
		t.Fatalf("no document yet: ok %v, %v", ok, err)
	}
	if err := b.PutStats(ctx, 7, []byte(`{"v":1}`), time.Hour); err != nil {
		t.Fatal(err)
	}
	if doc, ok, err := b.Stats(ctx, 7); err != nil || !ok || string(doc) != `{"v":1}` {
		t.Fatalf("read back %q, %v, %v", doc, ok, err)
	}
	if err := b.PutStats(ctx, 7, make([]byte, store.MaxStatsBytes+1), time.Hour); !errors.Is(err, store.ErrStatsTooLarge) {
		t.Fatalf("an oversized document: %v", err)
	}
	if doc, _, _ := b.Stats(ctx, 7); string(doc) != `{"v":1}` {
		t.Errorf("an oversized document replaced the stored one")
	}
	// One holder at a time; the holder extends it; released, another takes it.
	for _, step := range []struct {
		owner string
		want  bool
	}{{"a", true}, {"b", false}, {"a", true}} {
		if ok, err := b.StatsLease(ctx, step.owner, time.Minute); err != nil || ok != step.want {
			t.Fatalf("lease for %s: %v, %v; want %v", step.owner, ok, err, step.want)
		}
	}
	if err := b.ReleaseStatsLease(ctx, "b"); err != nil { // not b's: nothing happens
		t.Fatal(err)
	}
	if ok, _ := b.StatsLease(ctx, "b", time.Minute); ok {
		t.Fatal("b took a's lease after b's release")
	}
	if err := b.ReleaseStatsLease(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	if ok, err := b.StatsLease(ctx, "b", time.Minute); err != nil || !ok {
		t.Fatalf("b after a released: %v, %v", ok, err)
	}
}
