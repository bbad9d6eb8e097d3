package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/wxcast/wxcast/internal/redistest"
	"github.com/wxcast/wxcast/store"
)

func TestBroadcastCompareAndSet(t *testing.T) {
	t.Parallel()
	s := redistest.Open(t)
	ctx := context.Background()
	b := s.Broadcasts()
	id, err := b.NextID(ctx)
	if err != nil || id != 1 {
		t.Fatalf("first id %d, %v", id, err)
	}
	if err := b.Create(ctx, id, []byte(`v1`)); err != nil {
		t.Fatal(err)
	}
	if err := b.Create(ctx, id, []byte(`again`)); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("creating an existing id: %v, want ErrConflict", err)
	}
	rec, rev, ok, err := b.Load(ctx, id)
	if err != nil || !ok || rev != 1 || string(rec) != "v1" {
		t.Fatalf("load: %q rev %d %v %v", rec, rev, ok, err)
	}
	if err := b.Save(ctx, id, 1, []byte("v2"), store.Change{Active: 1, MsgIDs: map[int64]int{777: 3}}); err != nil {
		t.Fatal(err)
	}
	// A writer that read revision 1 loses.
	if err := b.Save(ctx, id, 1, []byte("stale"), store.Change{}); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("stale save: %v, want ErrConflict", err)
	}
	rec, rev, _, _ = b.Load(ctx, id)
	if rev != 2 || string(rec) != "v2" {
		t.Fatalf("after saves: %q rev %d", rec, rev)
	}
	if act, _ := b.Active(ctx); !slices.Equal(act, []int64{id}) {
		t.Fatalf("active %v", act)
	}
	if bid, batch, ok, err := b.Batch(ctx, 777); err != nil || !ok || bid != id || batch != 3 {
		t.Fatalf("msg index: %d %d %v %v", bid, batch, ok, err)
	}
	if _, _, ok, _ := b.Batch(ctx, 778); ok {
		t.Fatal("unknown msg_id found")
	}
	if err := b.Save(ctx, id, 2, []byte("v3"), store.Change{Active: -1}); err != nil {
		t.Fatal(err)
	}
	if act, _ := b.Active(ctx); len(act) != 0 {
		t.Fatalf("active after removal %v", act)
	}
	if _, _, ok, _ := b.Load(ctx, 99); ok {
		t.Fatal("missing broadcast loaded")
	}
}

func TestBroadcastLease(t *testing.T) {
	t.Parallel()
	s := redistest.Open(t)
	ctx := context.Background()
	b := s.Broadcasts()
	id, _ := b.NextID(ctx)
	_ = b.Create(ctx, id, []byte("r"))
	if ok, err := b.Lease(ctx, id, "A", time.Minute); !ok || err != nil {
		t.Fatalf("A takes the free lease: %v %v", ok, err)
	}
	if ok, _ := b.Lease(ctx, id, "B", time.Minute); ok {
		t.Fatal("B took A's lease")
	}
	if ok, _ := b.Lease(ctx, id, "A", time.Minute); !ok {
		t.Fatal("A could not extend its lease")
	}
	// Writes that need the lease fail for B, succeed for A.
	if err := b.Save(ctx, id, 1, []byte("B"), store.Change{Owner: "B"}); !errors.Is(err, store.ErrLeaseLost) {
		t.Fatalf("B saved without the lease: %v", err)
	}
	if err := b.Save(ctx, id, 1, []byte("A"), store.Change{Owner: "A"}); err != nil {
		t.Fatal(err)
	}
	if err := b.ReleaseLease(ctx, id, "B"); err != nil {
		t.Fatal(err)
	}
	if ok, _ := b.Lease(ctx, id, "B", time.Minute); ok {
		t.Fatal("B's release freed A's lease")
	}
	_ = b.ReleaseLease(ctx, id, "A")
	if ok, _ := b.Lease(ctx, id, "B", 50*time.Millisecond); !ok {
		t.Fatal("B could not take a released lease")
	}
	if ttl := s.Redis().PTTL(ctx, s.KeyPrefix()+"bc:{bc}:lease:1").Val(); ttl <= 0 || ttl > 50*time.Millisecond {
		t.Fatalf("lease ttl %v, want at most 50ms", ttl)
	}
}

func TestBroadcastListsAuditNotices(t *testing.T) {
	t.Parallel()
	s := redistest.Open(t)
	ctx := context.Background()
	b := s.Broadcasts()
	list := []string{"o1", "o2", "o3"}
	if err := b.WriteList(ctx, 5, "a1", 0, list, time.Hour); err != nil {
		t.Fatal(err)
	}
	got, err := b.ReadList(ctx, 5, "a1", 0)
	if err != nil || !slices.Equal(got, list) {
		t.Fatalf("read %v %v", got, err)
	}
	if _, err := b.ReadList(ctx, 5, "a1", 1); err == nil {
		t.Fatal("a missing list read without error")
	}
	start := time.Now()
	for i := range 1205 {
		if err := b.AppendAudit(ctx, fmt.Appendf(nil, "e%d", i)); err != nil {
			t.Fatal(err)
		}
	}
	last, err := b.Audit(ctx, 2)
	if err != nil || len(last) != 2 || string(last[0]) != "e1204" || string(last[1]) != "e1203" {
		t.Fatalf("newest audit entries %q %v", last, err)
	}
	var all []string
	if err := b.AuditSince(ctx, start.Add(-time.Second), func(e []byte) error { all = append(all, string(e)); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(all) != 1205 || all[0] != "e0" || all[1204] != "e1204" {
		t.Fatalf("audit since: %d entries, first %q", len(all), all[0])
	}
	var none int
	_ = b.AuditSince(ctx, time.Now().Add(time.Hour), func([]byte) error { none++; return nil })
	if none != 0 {
		t.Fatalf("%d entries from the future", none)
	}
	for i := range 3 {
		_ = b.AppendNotice(ctx, fmt.Appendf(nil, "n%d", i))
	}
	ns, _ := b.Notices(ctx, 2)
	if len(ns) != 2 || string(ns[0]) != "n2" {
		t.Fatalf("notices %q", ns)
	}
	if p, _ := b.Paused(ctx); p {
		t.Fatal("paused from the start")
	}
	_ = b.SetPaused(ctx, true, "owner", time.Now())
	if p, _ := b.Paused(ctx); !p {
		t.Fatal("pause did not stick")
	}
	_ = b.SetPaused(ctx, false, "owner", time.Now())
	if p, _ := b.Paused(ctx); p {
		t.Fatal("resume did not stick")
	}
	if first, _ := b.Once(ctx, "x", time.Minute); !first {
		t.Fatal("first Once false")
	}
	if again, _ := b.Once(ctx, "x", time.Minute); again {
		t.Fatal("second Once true")
	}
}

func TestBegin(t *testing.T) {
	t.Parallel()
	s := redistest.Open(t)
	ctx := context.Background()
	f := s.Followers(store.Calendar{}, store.Limits{DedupTTL: time.Minute, HistoryMax: 10, HistoryDays: 1})
	now := time.Now()
	out, err := f.Begin(ctx, "oAdmin", "m1", now)
	if err != nil || out.Duplicate {
		t.Fatalf("first begin: %+v %v", out, err)
	}
	out, _ = f.Begin(ctx, "oAdmin", "m1", now)
	if !out.Duplicate || out.Answered {
		t.Fatalf("second begin before finish: %+v", out)
	}
	if _, err := f.Finish(ctx, "oAdmin", "m1", "answer", nil, now); err != nil {
		t.Fatal(err)
	}
	out, _ = f.Begin(ctx, "oAdmin", "m1", now)
	if !out.Duplicate || !out.Answered || out.Answer != "answer" {
		t.Fatalf("begin after finish: %+v", out)
	}
}
