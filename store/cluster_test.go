package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/wxcast/wxcast/internal/redistest"
	"github.com/wxcast/wxcast/store"
)

// TestClusterOperations runs every multi-key operation against a real
// Redis Cluster: a key without a shared hash tag would fail with CROSSSLOT.
func TestClusterOperations(t *testing.T) {
	t.Parallel()
	s := redistest.OpenCluster(t)
	f := followers(t, s)
	ctx := context.Background()
	now := time.Now().Truncate(time.Second)
	// Many followers, so their keys spread over all three masters.
	for i := 0; i < 50; i++ {
		openid := "oCluster" + string(rune('A'+i%26)) + string(rune('a'+i/26))
		for _, ev := range []store.Event{
			sub(openid, now.Add(-time.Minute), store.SubSubscribe, "qr1"),
			text(openid, i, now),
			sub(openid, now.Add(-time.Minute), store.SubSubscribe, "qr1"), // retry
		} {
			if _, err := f.Record(ctx, ev, now, store.MarkPending); err != nil {
				t.Fatalf("record on cluster: %v", err)
			}
		}
		if ok, err := f.Finish(ctx, openid, fmt.Sprintf("m%d", i), "x", []store.TagChange{{Tag: "t1", Rule: "r"}}, now); err != nil || !ok {
			t.Fatalf("finish on cluster: %v %v", ok, err)
		}
		p, err := f.Profile(ctx, openid)
		if err != nil {
			t.Fatal(err)
		}
		if !p.Subscribed || p.Scene != "qr1" || p.Counts()["subscribe"] != 1 || p.Counts()["text"] != 1 {
			t.Fatalf("%s: profile %+v", openid, p)
		}
		if !p.HasTag("t1", now) {
			t.Fatalf("%s: tag not applied on cluster: %+v", openid, p.Tags)
		}
		if h, err := f.History(ctx, openid); err != nil || len(h) != 3 {
			t.Fatalf("%s: history %v %v", openid, h, err)
		}
	}
	// Caps: one batch's counters, receipts and once-marker in one script.
	var ids []string
	for i := 0; i < 50; i++ {
		ids = append(ids, "oCluster"+string(rune('A'+i%26))+string(rune('a'+i/26)))
	}
	hs, err := f.Histories(ctx, ids)
	if err != nil || len(hs) != len(ids) || len(hs[0]) != 3 {
		t.Fatalf("histories on cluster: %d %v", len(hs), err)
	}
	c := s.Caps()
	periods := []store.Period{{Key: "m", TTL: time.Hour}, {Key: "d", TTL: time.Minute}}
	for range 2 {
		if _, err := c.Count(ctx, 1, 0, ids, periods, now); err != nil {
			t.Fatalf("count on cluster: %v", err)
		}
	}
	if n, err := c.Counts(ctx, "d", ids); err != nil || n[0] != 1 || n[49] != 1 {
		t.Fatalf("counts on cluster: %v %v", n, err)
	}
	if r, err := c.Received(ctx, ids[3], []string{"m"}, now.Add(-time.Hour)); err != nil || len(r) != 1 {
		t.Fatalf("receipts on cluster: %v %v", r, err)
	}
	lim := []store.Limit{{Period: store.Period{Key: "m2", TTL: time.Hour}, Max: 1}}
	if kept, _, err := c.Reserve(ctx, 2, 0, ids, lim, now); err != nil || len(kept) != len(ids) {
		t.Fatalf("reserve on cluster: %d %v", len(kept), err)
	}
	if err := c.Release(ctx, 2, 0); err != nil {
		t.Fatalf("release on cluster: %v", err)
	}
	if ok, err := c.AddUnsubscribe(ctx, 1, ids[0]); err != nil || !ok {
		t.Fatalf("unsubscribe on cluster: %v %v", ok, err)
	}
	if n, err := c.Unsubscribes(ctx, 1); err != nil || n != 1 {
		t.Fatalf("unsubscribes on cluster: %d %v", n, err)
	}
	tok := s.Tokens("wxcluster")
	ok, err := tok.AcquireLease(ctx, "me", time.Second)
	if err != nil || !ok {
		t.Fatalf("lease on cluster: %v %v", ok, err)
	}
	if err := tok.ReleaseLease(ctx, "me"); err != nil {
		t.Fatal(err)
	}
}
