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

func TestLinksFreezeAndResolve(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		open func(testing.TB) *store.Store
	}{{"single", redistest.Open}, {"cluster", redistest.OpenCluster}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			l := tc.open(t).Links()
			ctx := context.Background()
			targets := []store.LinkTarget{
				{Broadcast: 7, Version: 0, Link: 0, URL: "https://shop.example/a?x=1"},
				{Broadcast: 7, Version: 1, Link: 0, URL: "https://shop.example/b#top"},
			}
			if err := l.Freeze(ctx, []string{"codeAAAAAAAAAAAA", "codeBBBBBBBBBBBB"}, targets); err != nil {
				t.Fatal(err)
			}
			for i, c := range []string{"codeAAAAAAAAAAAA", "codeBBBBBBBBBBBB"} {
				got, ok, err := l.Resolve(ctx, c)
				if err != nil || !ok || got != targets[i] {
					t.Errorf("resolve %s: %+v %v %v, want %+v", c, got, ok, err, targets[i])
				}
			}
			if _, ok, err := l.Resolve(ctx, "codeUnknownXXXXX"); ok || err != nil {
				t.Errorf("unknown code resolved: %v %v", ok, err)
			}
			// A code is frozen once: it never starts leading elsewhere.
			err := l.Freeze(ctx, []string{"codeAAAAAAAAAAAA"}, []store.LinkTarget{{Broadcast: 8, URL: "https://evil.example"}})
			if !errors.Is(err, store.ErrCodeTaken) {
				t.Fatalf("refreeze: %v, want ErrCodeTaken", err)
			}
			if got, _, _ := l.Resolve(ctx, "codeAAAAAAAAAAAA"); got != targets[0] {
				t.Errorf("a refused freeze changed the target to %+v", got)
			}
			if err := l.Freeze(ctx, []string{"a"}, nil); err == nil {
				t.Error("codes without targets were accepted")
			}
		})
	}
}

// Concurrent taps by the same followers count each clicker once per
// version and every tap.
func TestClicksCountClickersOnceAndEveryTap(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		open func(testing.TB) *store.Store
	}{{"single", redistest.Open}, {"cluster", redistest.OpenCluster}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			l := tc.open(t).Links()
			ctx := context.Background()
			t0 := time.Date(2026, 12, 7, 20, 0, 0, 0, time.UTC)
			var firsts sync.Map
			var wg sync.WaitGroup
			for g := range 8 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for f := range 5 {
						o := fmt.Sprintf("oFan%d", f)
						first, err := l.RecordClick(ctx, 3, 0, f%2, o, t0.Add(time.Duration(g)*time.Second))
						if err != nil {
							t.Error(err)
							return
						}
						if first {
							if _, dup := firsts.LoadOrStore(o, g); dup {
								t.Errorf("%s counted as a first clicker twice", o)
							}
						}
					}
				}()
			}
			wg.Wait()
			if _, err := l.RecordClick(ctx, 3, 1, 0, "oFan0", t0); err != nil {
				t.Fatal(err)
			}
			for _, k := range []string{store.TapOther, store.TapAnonymous, store.TapAnonymous} {
				if err := l.RecordTap(ctx, 3, 0, 0, k); err != nil {
					t.Fatal(err)
				}
			}
			c, err := l.ClickCounts(ctx, 3, 2)
			if err != nil {
				t.Fatal(err)
			}
			if c.Clickers[0] != 5 || c.Clickers[1] != 1 {
				t.Errorf("clickers %v, want [5 1]", c.Clickers)
			}
			want := map[store.TapKey]int64{
				{Kind: store.TapReceiver, Version: 0, Link: 0}:  8 * 3, // followers 0, 2, 4
				{Kind: store.TapReceiver, Version: 0, Link: 1}:  8 * 2,
				{Kind: store.TapReceiver, Version: 1, Link: 0}:  1,
				{Kind: store.TapOther, Version: 0, Link: 0}:     1,
				{Kind: store.TapAnonymous, Version: 0, Link: 0}: 2,
			}
			if len(c.Taps) != len(want) {
				t.Errorf("taps %v, want %v", c.Taps, want)
			}
			for k, n := range want {
				if c.Taps[k] != n {
					t.Errorf("taps %+v = %d, want %d", k, c.Taps[k], n)
				}
			}
			// The first tap's time is kept.
			times, err := l.FirstClicks(ctx, 3, 0, []string{"oFan1", "oNobody"})
			if err != nil {
				t.Fatal(err)
			}
			g, _ := firsts.Load("oFan1")
			if want := t0.Add(time.Duration(g.(int)) * time.Second); !times[0].Equal(want) || !times[1].IsZero() {
				t.Errorf("first clicks %v, want %v and zero", times, want)
			}
			seen := map[string]bool{}
			if err := l.ScanClickers(ctx, 3, 0, func(o string, at time.Time) error {
				seen[o] = true
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			if len(seen) != 5 {
				t.Errorf("scanned %d clickers, want 5", len(seen))
			}
		})
	}
}
