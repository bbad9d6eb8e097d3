package store_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/wxcast/wxcast/internal/redistest"
	"github.com/wxcast/wxcast/store"
)

var (
	month = store.Period{Key: "m2026-11", TTL: 62 * 24 * time.Hour}
	day   = store.Period{Key: "d2026-11-27", TTL: 3 * 24 * time.Hour}
)

func openids(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s%06d", prefix, i)
	}
	return out
}

func counts(t *testing.T, c *store.Caps, period string, ids []string) []int {
	t.Helper()
	n, err := c.Counts(context.Background(), period, ids)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func all(n, v int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = v
	}
	return out
}

// capKeysExpire checks that every Caps key has a ttl, at most max.
func capKeysExpire(t *testing.T, s *store.Store, max time.Duration) int {
	t.Helper()
	ctx := context.Background()
	n := 0
	iter := s.Redis().Scan(ctx, 0, s.KeyPrefix()+"cap:*", 1000).Iterator()
	for iter.Next(ctx) {
		n++
		if ttl := s.Redis().PTTL(ctx, iter.Val()).Val(); ttl <= 0 || ttl > max {
			t.Fatalf("%s: ttl %v, want in (0, %v]", iter.Val(), ttl, max)
		}
	}
	if err := iter.Err(); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestCapsCountOncePerBatch(t *testing.T) {
	t.Parallel()
	s := redistest.Open(t)
	c := s.Caps()
	ctx := context.Background()
	ids := openids("oA", 300)
	now := time.Now()
	ok, err := c.Count(ctx, 1, 0, ids, []store.Period{month, day}, now)
	if err != nil || !ok {
		t.Fatalf("first count: %v %v", ok, err)
	}
	// The sender retries, or another replica records the same batch.
	ok, err = c.Count(ctx, 1, 0, ids, []store.Period{month, day}, now.Add(time.Minute))
	if err != nil || ok {
		t.Fatalf("second count of the same batch: %v %v", ok, err)
	}
	if got := counts(t, c, month.Key, ids); !slices.Equal(got, all(len(ids), 1)) {
		t.Fatalf("month counts after a retry: %v", got)
	}
	if r, _ := c.Received(ctx, ids[7], []string{month.Key}, now.Add(-time.Hour)); len(r) != 1 || r[0].ID != 1 || r[0].At.Unix() != now.Unix() {
		t.Fatalf("receipts after a retry: %+v", r)
	}
	// Another batch of the same broadcast and another broadcast add up;
	// an openid listed twice counts once.
	if ok, _ := c.Count(ctx, 1, 1, []string{ids[0], "oNew", "oNew"}, []store.Period{month, day}, now); !ok {
		t.Fatal("batch 1 not counted")
	}
	if ok, _ := c.Count(ctx, 2, 0, ids[:2], []store.Period{month, day}, now); !ok {
		t.Fatal("broadcast 2 not counted")
	}
	if got := counts(t, c, month.Key, []string{ids[0], ids[1], ids[2], "oNew", "oUnknown"}); !slices.Equal(got, []int{3, 2, 1, 1, 0}) {
		t.Fatalf("month counts: %v", got)
	}
	if got := counts(t, c, "m1999-01", ids[:3]); !slices.Equal(got, []int{0, 0, 0}) {
		t.Fatalf("counts of an unknown period: %v", got)
	}
	if got := counts(t, c, month.Key, nil); len(got) != 0 {
		t.Fatalf("counts of nobody: %v", got)
	}
	if ok, err := c.Count(ctx, 3, 0, nil, []store.Period{month}, now); ok || err != nil {
		t.Fatalf("count of an empty batch: %v %v", ok, err)
	}
	if _, err := c.Count(ctx, 3, 0, ids, []store.Period{{Key: "x"}}, now); err == nil {
		t.Fatal("a period without ttl was accepted")
	}
	if n := capKeysExpire(t, s, month.TTL); n == 0 {
		t.Fatal("no cap keys written")
	}
}

func TestCapsCountConcurrent(t *testing.T) {
	t.Parallel()
	s := redistest.Open(t)
	ctx := context.Background()
	ids := openids("oC", 2000)
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		counted int
	)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Each replica has its own client and its own Caps.
			c := store.New(s.Redis(), s.KeyPrefix()).Caps()
			ok, err := c.Count(ctx, 9, 4, ids, []store.Period{month, day}, time.Now())
			if err != nil {
				t.Error(err)
			}
			if ok {
				mu.Lock()
				counted++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if counted != 1 {
		t.Fatalf("%d of 8 concurrent calls counted the batch, want 1", counted)
	}
	c := s.Caps()
	for _, p := range []string{month.Key, day.Key} {
		if got := counts(t, c, p, ids); !slices.Equal(got, all(len(ids), 1)) {
			t.Fatalf("%s counts after concurrent calls: %v", p, got)
		}
	}
}

func TestCapsCountLongBatchInRuns(t *testing.T) {
	t.Parallel()
	s := redistest.Open(t)
	c := s.Caps()
	ctx := context.Background()
	ids := openids("oL", store.CapBatchMax+5)
	if ok, err := c.Count(ctx, 1, 0, ids, []store.Period{month}, time.Now()); !ok || err != nil {
		t.Fatalf("first count: %v %v", ok, err)
	}
	if ok, err := c.Count(ctx, 1, 0, ids, []store.Period{month}, time.Now()); ok || err != nil {
		t.Fatalf("second count: %v %v", ok, err)
	}
	if got := counts(t, c, month.Key, ids); !slices.Equal(got, all(len(ids), 1)) {
		t.Fatal("a long batch was not counted exactly once")
	}
}

func TestCapsPeriodsSeparateAndExpire(t *testing.T) {
	t.Parallel()
	s := redistest.Open(t)
	c := s.Caps()
	ctx := context.Background()
	ids := openids("oP", 50)
	short := store.Period{Key: "d-short", TTL: 2 * time.Second} // long enough to scan under load
	now := time.Now()
	if _, err := c.Count(ctx, 1, 0, ids, []store.Period{month, short}, now); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Count(ctx, 2, 0, ids[:10], []store.Period{month}, now); err != nil {
		t.Fatal(err)
	}
	if got := counts(t, c, short.Key, ids[:10]); !slices.Equal(got, all(10, 1)) {
		t.Fatalf("short period: %v", got)
	}
	if got := counts(t, c, month.Key, ids[:10]); !slices.Equal(got, all(10, 2)) {
		t.Fatalf("month: %v", got)
	}
	// The short period's hashes carry its ttl, the month's its own.
	iter := s.Redis().Scan(ctx, 0, s.KeyPrefix()+"cap:{cap}:n:*", 1000).Iterator()
	var nShort, nMonth int
	for iter.Next(ctx) {
		ttl := s.Redis().PTTL(ctx, iter.Val()).Val()
		switch k := iter.Val()[len(s.KeyPrefix()):]; {
		case k[:len("cap:{cap}:n:d-short:")] == "cap:{cap}:n:d-short:":
			nShort++
			if ttl <= 0 || ttl > short.TTL {
				t.Fatalf("%s: ttl %v", k, ttl)
			}
		default:
			nMonth++
			if ttl <= month.TTL-time.Minute || ttl > month.TTL {
				t.Fatalf("%s: ttl %v", k, ttl)
			}
		}
	}
	if nShort == 0 || nMonth == 0 {
		t.Fatalf("%d short and %d month hashes", nShort, nMonth)
	}
	// The once-marker outlives every retry of the batch (23 h), not more:
	// it holds the openids taken.
	if ttl := s.Redis().PTTL(ctx, s.KeyPrefix()+"cap:{cap}:once:1:0").Val(); ttl <= 47*time.Hour || ttl > 48*time.Hour {
		t.Fatalf("once-marker ttl %v, want 48h", ttl)
	}
	// The embedded store's clock advances once a second: wait up to 5 s.
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		got := counts(t, c, short.Key, ids)
		if slices.Equal(got, all(len(ids), 0)) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("short period after its ttl: %v", got)
		}
	}
	if got := counts(t, c, month.Key, ids[:10]); !slices.Equal(got, all(10, 2)) {
		t.Fatalf("month after the short period expired: %v", got)
	}
}

func TestCapsReceived(t *testing.T) {
	t.Parallel()
	s := redistest.Open(t)
	c := s.Caps()
	ctx := context.Background()
	now := time.Now().Truncate(time.Second)
	last := store.Period{Key: "m2026-10", TTL: time.Hour}
	o := "oR"
	for i, x := range []struct {
		p  store.Period
		at time.Time
	}{
		{last, now.Add(-30 * time.Hour)},
		{last, now.Add(-20 * time.Hour)}, // the newest of last month
		{month, now.Add(-40 * time.Hour)},
	} {
		if ok, err := c.Count(ctx, int64(10+i), 0, []string{o, "oOther"}, []store.Period{x.p, day}, x.at); !ok || err != nil {
			t.Fatalf("count %d: %v %v", i, ok, err)
		}
	}
	periods := []string{month.Key, last.Key}
	r, err := c.Received(ctx, o, periods, now.Add(-24*time.Hour))
	if err != nil || len(r) != 1 || r[0].ID != 11 || !r[0].At.Equal(now.Add(-20*time.Hour)) {
		t.Fatalf("received in 24 h: %+v %v, want broadcast 11 only", r, err)
	}
	if r, _ := c.Received(ctx, o, periods, now.Add(-10*time.Hour)); len(r) != 0 {
		t.Fatalf("received in 10 h: %+v, want none", r)
	}
	if r, _ := c.Received(ctx, "oNobody", periods, now.Add(-time.Hour)); len(r) != 0 {
		t.Fatalf("receipts of an unknown follower: %v", r)
	}
	// The receipt rides with the count: counts still read as numbers.
	if got := counts(t, c, month.Key, []string{o}); got[0] != 1 {
		t.Fatalf("count beside the receipt: %v", got)
	}
	if got := counts(t, c, day.Key, []string{o}); got[0] != 3 {
		t.Fatalf("day count: %v", got)
	}
}

func TestCapsUnsubscribes(t *testing.T) {
	t.Parallel()
	s := redistest.Open(t)
	c := s.Caps()
	ctx := context.Background()
	if n, err := c.Unsubscribes(ctx, 5); n != 0 || err != nil {
		t.Fatalf("unsubscribes of a fresh broadcast: %d %v", n, err)
	}
	if first, err := c.AddUnsubscribe(ctx, 5, "o1"); !first || err != nil {
		t.Fatalf("first unsubscribe: %v %v", first, err)
	}
	if again, _ := c.AddUnsubscribe(ctx, 5, "o1"); again {
		t.Fatal("the same unsubscribe counted twice")
	}
	_, _ = c.AddUnsubscribe(ctx, 5, "o2")
	_, _ = c.AddUnsubscribe(ctx, 6, "o1")
	if n, _ := c.Unsubscribes(ctx, 5); n != 2 {
		t.Fatalf("broadcast 5: %d unsubscribes, want 2", n)
	}
	if n, _ := c.Unsubscribes(ctx, 6); n != 1 {
		t.Fatalf("broadcast 6: %d unsubscribes, want 1", n)
	}
	if in, err := c.Unsubscribed(ctx, 5, []string{"o2", "o3", "o1"}); err != nil || !slices.Equal(in, []bool{true, false, true}) {
		t.Fatalf("broadcast 5: o2, o3, o1 unsubscribed %v %v, want true false true", in, err)
	}
	if in, err := c.Unsubscribed(ctx, 7, []string{"o1"}); err != nil || !slices.Equal(in, []bool{false}) {
		t.Fatalf("broadcast 7 (none recorded): %v %v", in, err)
	}
	capKeysExpire(t, s, 30*24*time.Hour)
}

func BenchmarkCapsCount10k(b *testing.B) {
	s := redistest.Open(b)
	c := s.Caps()
	ctx := context.Background()
	ids := openids("oBench", store.CapBatchMax)
	periods := []store.Period{month, day}
	now := time.Now()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if ok, err := c.Count(ctx, 1, i, ids, periods, now); !ok || err != nil {
			b.Fatalf("count: %v %v", ok, err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/store.CapBatchMax, "µs/openid")
}

func BenchmarkCapsCounts10k(b *testing.B) {
	s := redistest.Open(b)
	c := s.Caps()
	ctx := context.Background()
	ids := openids("oBench", store.CapBatchMax)
	if _, err := c.Count(ctx, 1, 0, ids, []store.Period{month}, time.Now()); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := c.Counts(ctx, month.Key, ids); err != nil {
			b.Fatal(err)
		}
	}
}
