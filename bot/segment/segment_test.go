package segment_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/wxcast/wxcast/bot/segment"
	"github.com/wxcast/wxcast/internal/redistest"
	"github.com/wxcast/wxcast/rules"
	"github.com/wxcast/wxcast/store"
)

var shanghai = time.FixedZone("CST", 8*3600)

// seedFollowers writes n followers with random behaviour, tags and
// attributes through the store, as callbacks would, and returns their
// openids and, worked out from the events themselves, which of them are
// subscribed (an unsubscribe not followed by any activity).
func seedFollowers(t *testing.T, f *store.Followers, n int, now time.Time) ([]string, []bool) {
	t.Helper()
	ctx := context.Background()
	ids := make([]string, n)
	subscribed := make([]bool, n)
	var wg sync.WaitGroup
	work := make(chan int)
	for range 8 {
		wg.Go(func() {
			for i := range work {
				rng := rand.New(rand.NewPCG(uint64(i), 7))
				id := fmt.Sprintf("oSeg%06d", i)
				ids[i] = id
				at := now.Add(-time.Duration(rng.IntN(20*24)) * time.Hour)
				evs := []store.Event{{OpenID: id, DedupID: "s", At: at, Kind: "subscribe", Class: store.ClassEvent, Sub: store.SubSubscribe, Scene: "qr"}}
				for j := range rng.IntN(4) {
					at2 := now.Add(-time.Duration(rng.IntN(10*24)) * time.Hour)
					evs = append(evs, store.Event{OpenID: id, DedupID: fmt.Sprintf("m%d", j), At: at2, Kind: "text", Class: store.ClassMessage})
				}
				for j := range rng.IntN(3) {
					evs = append(evs, store.Event{OpenID: id, DedupID: fmt.Sprintf("c%d", j), At: at.Add(time.Minute), Kind: "click",
						Class: store.ClassEvent, ClickKey: []string{"PROMO", "NEWS"}[rng.IntN(2)]})
				}
				if rng.IntN(3) == 0 {
					evs = append(evs, store.Event{OpenID: id, DedupID: "l", At: at, Kind: "location_report", Class: store.ClassEvent,
						Location: &store.Location{Lat: 31, Lng: 121}})
				}
				if rng.IntN(5) == 0 {
					evs = append(evs, store.Event{OpenID: id, DedupID: "u", At: now.Add(-time.Hour), Kind: "unsubscribe", Class: store.ClassPassive, Sub: store.SubUnsubscribe})
				}
				var lastActive, unsubAt time.Time
				for _, ev := range evs {
					if ev.Sub == store.SubUnsubscribe {
						unsubAt = ev.At
					} else if ev.At.After(lastActive) {
						lastActive = ev.At
					}
				}
				// The unsubscribe is recorded last, so it wins a tie.
				subscribed[i] = unsubAt.IsZero() || lastActive.After(unsubAt)
				for k, ev := range evs {
					mark := store.MarkFinal
					if k == 0 {
						mark = store.MarkNoAnswer
					}
					if _, err := f.Record(ctx, ev, now, mark); err != nil {
						t.Error(err)
						return
					}
				}
				if rng.IntN(2) == 0 {
					if _, err := f.Finish(ctx, id, "s", "", []store.TagChange{{Tag: "vip", Rule: "seed"}}, now); err != nil {
						t.Error(err)
					}
				}
				if rng.IntN(2) == 0 {
					if _, err := f.SetAttributes(ctx, id, map[string]string{"level": fmt.Sprint(rng.IntN(6))}); err != nil {
						t.Error(err)
					}
				}
			}
		})
	}
	for i := range n {
		work <- i
	}
	close(work)
	wg.Wait()
	return ids, subscribed
}

func TestSegmentsAgreeWithBruteForce(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 20, 10, 0, 0, 0, shanghai)
	cal := store.Calendar{Loc: shanghai}
	f := redistest.Open(t).Followers(cal, store.Limits{})
	ids, subscribed := seedFollowers(t, f, 10000, now)
	rs, err := rules.Parse("seg.yaml", []byte(`
attributes:
  level: int
segments:
  - name: everyone
    rule: user.subscribed
  - name: vip_talkers
    rule: '"vip" in user.tags && user.messages_7d >= 2'
  - name: level_or_promo
    rule: user.attrs.level >= 3 || user.last_click_key == "PROMO"
  - name: clickers_located
    rule: user.counts["click"] >= 2 && user.location.known
  - name: sample
    rule: bucket(user.openid, 10) < 3 && user.days_since_active <= 7
`), rules.Options{Location: shanghai, Clock: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, seg := range rs.Segments {
		t.Run(seg.Name, func(t *testing.T) {
			// Brute force: one follower at a time, everything built.
			var want []string
			ev := rules.NewEvaluator()
			for _, id := range ids {
				p, err := f.Profile(ctx, id)
				if err != nil {
					t.Fatal(err)
				}
				env := rules.Env{User: segment.User(rs, p, cal, now)}
				if ok, err := ev.Eval(seg.Rule, &env); err == nil && ok && p.Subscribed {
					want = append(want, id)
				}
			}
			if seg.Name == "everyone" {
				// Independently of the profile code: from the events seeded.
				var fromSeed []string
				for i, id := range ids {
					if subscribed[i] {
						fromSeed = append(fromSeed, id)
					}
				}
				if !slices.Equal(fromSeed, want) {
					t.Fatalf("profiles say %d subscribed, the seeded events %d", len(want), len(fromSeed))
				}
			}
			sel := segment.Select(rs, seg, cal, now)
			tally, err := sel.Count(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			if tally.Matched != len(want) || tally.Scanned != len(ids) {
				t.Fatalf("count %+v, brute force %d of %d", tally, len(want), len(ids))
			}
			var got []string
			if _, err := sel.Audience(ctx, f, 777, func(batch []string) error {
				if len(batch) > 777 {
					t.Errorf("batch of %d", len(batch))
				}
				got = append(got, batch...)
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Fatalf("audience of %d differs from brute force's %d", len(got), len(want))
			}
			sample, _, err := sel.Sample(ctx, f, 50, 1)
			if err != nil {
				t.Fatal(err)
			}
			if len(sample) != min(50, len(want)) {
				t.Fatalf("sample of %d, want %d", len(sample), min(50, len(want)))
			}
			for _, id := range sample {
				if _, ok := slices.BinarySearch(want, id); !ok {
					t.Fatalf("sample has %s, not in the segment", id)
				}
			}
			again, _, _ := sel.Sample(ctx, f, 50, 1)
			slices.Sort(sample)
			slices.Sort(again)
			if !slices.Equal(sample, again) {
				t.Fatal("the same seed gave another sample")
			}
		})
	}
}
