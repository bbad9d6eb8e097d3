package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/wxcast/wxcast/internal/redistest"
	"github.com/wxcast/wxcast/store"
)

func TestScanReadsEveryProfileOnce(t *testing.T) {
	t.Parallel()
	f := followers(t, redistest.Open(t))
	ctx := context.Background()
	now := time.Now().Truncate(time.Second)
	const n = 300
	for i := 0; i < n; i++ {
		id := fmt.Sprintf("oScan%04d", i)
		ev := text(id, i, now)
		if i%3 == 0 {
			ev = sub(id, now, store.SubUnsubscribe, "")
		}
		if _, err := f.Record(ctx, ev, now, store.MarkFinal); err != nil {
			t.Fatal(err)
		}
	}
	var (
		mu   sync.Mutex
		seen = map[string]bool{}
		subs int
	)
	err := f.Scan(ctx, store.ScanOptions{Workers: 3, ShardsPerBatch: 500}, func(batch []*store.Profile) error {
		mu.Lock()
		defer mu.Unlock()
		for _, p := range batch {
			if seen[p.OpenID] {
				t.Errorf("%s read twice", p.OpenID)
			}
			seen[p.OpenID] = true
			if p.Subscribed {
				subs++
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != n || subs != n-n/3 {
		t.Fatalf("scanned %d profiles, %d subscribed; want %d, %d", len(seen), subs, n, n-n/3)
	}
}

func TestScanStopsAtFirstError(t *testing.T) {
	t.Parallel()
	f := followers(t, redistest.Open(t))
	ctx := context.Background()
	now := time.Now()
	for i := 0; i < 50; i++ {
		if _, err := f.Record(ctx, text(fmt.Sprintf("oStop%d", i), i, now), now, store.MarkFinal); err != nil {
			t.Fatal(err)
		}
	}
	boom := errors.New("boom")
	err := f.Scan(ctx, store.ScanOptions{ShardsPerBatch: 64}, func(batch []*store.Profile) error {
		if len(batch) > 0 {
			return boom
		}
		return nil
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Scan = %v, want the callback's error", err)
	}
}
