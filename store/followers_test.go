package store_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wxcast/wxcast/internal/redistest"
	"github.com/wxcast/wxcast/store"
)

var shanghai = time.FixedZone("CST", 8*3600)

func followers(t *testing.T, s *store.Store) *store.Followers {
	return s.Followers(store.Calendar{Loc: shanghai}, store.Limits{DedupTTL: time.Minute, HistoryMax: 5, HistoryDays: 8})
}

func text(openid string, id int, at time.Time) store.Event {
	return store.Event{OpenID: openid, DedupID: fmt.Sprintf("m%d", id), At: at, Kind: "text",
		Class: store.ClassMessage, Content: fmt.Sprintf("hello %d", id)}
}

func sub(openid string, at time.Time, change store.SubChange, scene string) store.Event {
	kind, class := "subscribe", store.ClassEvent
	if change == store.SubUnsubscribe {
		kind, class = "unsubscribe", store.ClassPassive
	}
	return store.Event{OpenID: openid, DedupID: fmt.Sprintf("e%d:%s", at.Unix(), kind), At: at,
		Kind: kind, Class: class, Sub: change, Scene: scene, Key: scene}
}

func TestRecordDedupSequential(t *testing.T) {
	t.Parallel()
	f := followers(t, redistest.Open(t))
	ctx := context.Background()
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, shanghai)
	ev := text("o1", 42, now)

	out, err := f.Record(ctx, ev, now, store.MarkPending)
	if err != nil || out.Duplicate {
		t.Fatalf("first record: %+v %v", out, err)
	}
	// While the first delivery has not answered, a retry sees it pending.
	out, err = f.Record(ctx, ev, now, store.MarkPending)
	if err != nil || !out.Duplicate || out.Answered {
		t.Fatalf("retry before finish: %+v %v", out, err)
	}
	if ok, err := f.Finish(ctx, "o1", "m42", "the answer", nil, now); err != nil || !ok {
		t.Fatalf("finish: %v %v", ok, err)
	}
	out, err = f.Record(ctx, ev, now, store.MarkPending)
	if err != nil || !out.Duplicate || !out.Answered || out.Answer != "the answer" {
		t.Fatalf("retry after finish: %+v %v", out, err)
	}
	p, err := f.Profile(ctx, "o1")
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Counts()["text"]; got != 1 {
		t.Fatalf("text count = %d after three deliveries of one message, want 1", got)
	}
	if w := p.Windows(store.Calendar{Loc: shanghai}, now); w.Messages1d != 1 || w.ActiveDays7d != 1 {
		t.Fatalf("windows = %+v", w)
	}
}

func TestRecordDedupConcurrent(t *testing.T) {
	t.Parallel()
	f := followers(t, redistest.Open(t))
	ctx := context.Background()
	now := time.Now()
	var fresh atomic.Int32
	var wg sync.WaitGroup
	for i := 0; i < 3; i++ {
		for id := 0; id < 20; id++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				out, err := f.Record(ctx, text("oc", id, now), now, store.MarkPending)
				if err != nil {
					t.Error(err)
				}
				if !out.Duplicate {
					fresh.Add(1)
				}
			}()
		}
	}
	wg.Wait()
	if fresh.Load() != 20 {
		t.Fatalf("%d deliveries were applied, want 20 (one per message)", fresh.Load())
	}
	p, _ := f.Profile(ctx, "oc")
	if p.Counts()["text"] != 20 {
		t.Fatalf("text count = %d, want 20", p.Counts()["text"])
	}
}

func TestSubscriptionOrdering(t *testing.T) {
	t.Parallel()
	base := time.Date(2026, 11, 25, 9, 0, 0, 0, shanghai)
	t1, t2, t3 := base, base.Add(time.Minute), base.Add(2*time.Minute)
	cases := []struct {
		name   string
		events []store.Event
		want   bool
		scene  string
	}{
		{"in order ends subscribed", []store.Event{
			sub("o", t1, store.SubSubscribe, "a"), sub("o", t2, store.SubUnsubscribe, ""), sub("o", t3, store.SubSubscribe, "b")}, true, "b"},
		{"late first subscribe is ignored", []store.Event{
			sub("o", t2, store.SubUnsubscribe, ""), sub("o", t3, store.SubSubscribe, "b"), sub("o", t1, store.SubSubscribe, "a")}, true, "b"},
		{"late subscribe cannot undo unsubscribe", []store.Event{
			sub("o", t2, store.SubUnsubscribe, ""), sub("o", t1, store.SubSubscribe, "a")}, false, "a"},
		{"late subscribe after a newer message keeps its scene", []store.Event{
			text("o", 1, t2), sub("o", t1, store.SubSubscribe, "a")}, true, "a"},
		{"message after unsubscribe means subscribed again", []store.Event{
			sub("o", t1, store.SubUnsubscribe, ""), text("o", 1, t2)}, true, ""},
		{"retries interleaved", []store.Event{
			sub("o", t1, store.SubSubscribe, "a"), sub("o", t2, store.SubUnsubscribe, ""), sub("o", t1, store.SubSubscribe, "a"),
			sub("o", t3, store.SubSubscribe, "b"), sub("o", t2, store.SubUnsubscribe, ""), sub("o", t1, store.SubSubscribe, "a")}, true, "b"},
		{"late message does not resubscribe", []store.Event{
			sub("o", t2, store.SubUnsubscribe, ""), text("o", 1, t1)}, false, ""},
		{"message implies subscription", []store.Event{text("o", 1, t1)}, true, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := followers(t, redistest.Open(t))
			ctx := context.Background()
			for _, ev := range tc.events {
				if _, err := f.Record(ctx, ev, t3, store.MarkPending); err != nil {
					t.Fatal(err)
				}
			}
			p, err := f.Profile(ctx, "o")
			if err != nil {
				t.Fatal(err)
			}
			if p.Subscribed != tc.want || p.Scene != tc.scene {
				t.Fatalf("subscribed=%v scene=%q, want %v %q", p.Subscribed, p.Scene, tc.want, tc.scene)
			}
			// Whatever the order, the times are those of the newest events.
			var wantSub, wantUnsub time.Time
			for _, ev := range tc.events {
				switch {
				case ev.Sub == store.SubSubscribe && ev.At.After(wantSub):
					wantSub = ev.At
				case ev.Sub == store.SubUnsubscribe && ev.At.After(wantUnsub):
					wantUnsub = ev.At
				}
			}
			if !p.SubscribedAt.Equal(wantSub) || !p.UnsubscribedAt.Equal(wantUnsub) {
				t.Fatalf("subscribed at %v, unsubscribed at %v; want %v, %v", p.SubscribedAt, p.UnsubscribedAt, wantSub, wantUnsub)
			}
		})
	}
}

func TestRollingWindows(t *testing.T) {
	t.Parallel()
	f := followers(t, redistest.Open(t))
	cal := store.Calendar{Loc: shanghai}
	ctx := context.Background()
	day0 := time.Date(2026, 11, 1, 12, 0, 0, 0, shanghai)
	// One message on each of days 0, 1, 5, 20 and 35, one click on day 35.
	id := 0
	for _, d := range []int{0, 1, 5, 20, 35} {
		at := day0.AddDate(0, 0, d)
		id++
		if _, err := f.Record(ctx, text("ow", id, at), at, store.MarkPending); err != nil {
			t.Fatal(err)
		}
	}
	at := day0.AddDate(0, 0, 35).Add(time.Hour)
	click := store.Event{OpenID: "ow", DedupID: "click", At: at, Kind: "click", Class: store.ClassEvent, ClickKey: "PROMO", Key: "PROMO"}
	if _, err := f.Record(ctx, click, at, store.MarkPending); err != nil {
		t.Fatal(err)
	}
	p, _ := f.Profile(ctx, "ow")
	cases := []struct {
		name string
		now  time.Time
		want store.Windows
	}{
		{"day 35 afternoon", day0.AddDate(0, 0, 35).Add(2 * time.Hour),
			store.Windows{Messages1d: 1, Events1d: 1, Messages7d: 1, Events7d: 1, Messages30d: 2, Events30d: 1, ActiveDays7d: 1, ActiveDays30d: 2}},
		{"one day later the 24h window is empty", day0.AddDate(0, 0, 36).Add(3 * time.Hour),
			store.Windows{Messages7d: 1, Events7d: 1, Messages30d: 2, Events30d: 1, ActiveDays7d: 1, ActiveDays30d: 2}},
		{"ten days later", day0.AddDate(0, 0, 45),
			store.Windows{Messages30d: 2, Events30d: 1, ActiveDays30d: 2}},
	}
	for _, tc := range cases {
		if got := p.Windows(cal, tc.now); got != tc.want {
			t.Errorf("%s: windows = %+v, want %+v", tc.name, got, tc.want)
		}
	}
	if p.LastClickKey != "PROMO" || !p.LastActive.Equal(at) {
		t.Errorf("last click %q active %v", p.LastClickKey, p.LastActive)
	}
	if !p.FirstSeen.Equal(day0) {
		t.Errorf("first seen %v, want %v", p.FirstSeen, day0)
	}
}

func TestHistoryBounded(t *testing.T) {
	t.Parallel()
	f := followers(t, redistest.Open(t))
	ctx := context.Background()
	start := time.Date(2026, 11, 1, 0, 0, 0, 0, shanghai)
	for i := 0; i < 8; i++ {
		at := start.Add(time.Duration(i) * time.Hour)
		if _, err := f.Record(ctx, text("oh", i, at), at, store.MarkPending); err != nil {
			t.Fatal(err)
		}
	}
	h, err := f.History(ctx, "oh")
	if err != nil {
		t.Fatal(err)
	}
	if len(h) != 5 || h[0].Content != "hello 7" || h[4].Content != "hello 3" {
		t.Fatalf("history = %+v, want the 5 newest, newest first", h)
	}
	// Ten days later, one more event: everything older than 8 days goes.
	late := start.AddDate(0, 0, 10)
	if _, err := f.Record(ctx, text("oh", 99, late), late, store.MarkPending); err != nil {
		t.Fatal(err)
	}
	h, _ = f.History(ctx, "oh")
	if len(h) != 1 || h[0].Content != "hello 99" {
		t.Fatalf("history after 10 days = %+v, want only the new entry", h)
	}
}

func TestLocationKeepsNewest(t *testing.T) {
	t.Parallel()
	f := followers(t, redistest.Open(t))
	ctx := context.Background()
	now := time.Now().Truncate(time.Second)
	newer := store.Event{OpenID: "ol", DedupID: "a", At: now, Kind: "location_report", Class: store.ClassEvent,
		Location: &store.Location{Lat: 31.2, Lng: 121.5, Precision: 30}}
	older := store.Event{OpenID: "ol", DedupID: "b", At: now.Add(-time.Minute), Kind: "location_report", Class: store.ClassEvent,
		Location: &store.Location{Lat: 39.9, Lng: 116.4, Precision: 10}}
	for _, ev := range []store.Event{newer, older} {
		if _, err := f.Record(ctx, ev, now, store.MarkPending); err != nil {
			t.Fatal(err)
		}
	}
	p, _ := f.Profile(ctx, "ol")
	if p.Location == nil || p.Location.Lat != 31.2 || p.Location.Lng != 121.5 || !p.Location.At.Equal(now) {
		t.Fatalf("location = %+v, want the newest report", p.Location)
	}
}

func TestMarkSeen(t *testing.T) {
	t.Parallel()
	f := followers(t, redistest.Open(t))
	ctx := context.Background()
	out, err := f.MarkSeen(ctx, "sys", "mass1")
	if err != nil || out.Duplicate {
		t.Fatalf("first: %+v %v", out, err)
	}
	out, err = f.MarkSeen(ctx, "sys", "mass1")
	if err != nil || !out.Duplicate || !out.Answered {
		t.Fatalf("second: %+v %v", out, err)
	}
}

func TestMarksTellRetriesTheAnswer(t *testing.T) {
	t.Parallel()
	f := followers(t, redistest.Open(t))
	ctx := context.Background()
	now := time.Now()
	for i, mark := range []store.Mark{store.MarkFinal, store.MarkNoAnswer} {
		if out, err := f.Record(ctx, text("of", i, now), now, mark); err != nil || out.Duplicate || out.Profile == nil {
			t.Fatalf("%s first: %+v %v", mark, out, err)
		}
		out, err := f.Record(ctx, text("of", i, now), now, store.MarkPending)
		if err != nil || !out.Duplicate || !out.Answered || out.Answer != "" {
			t.Fatalf("%s retry: %+v %v; want answered with nothing at once", mark, out, err)
		}
	}
	// A final delivery takes no tag changes; a no-answer one takes them once.
	if ok, err := f.Finish(ctx, "of", "m0", "", []store.TagChange{{Tag: "x", Rule: "r"}}, now); err != nil || ok {
		t.Fatalf("finish after final mark applied: %v %v", ok, err)
	}
	if ok, err := f.Finish(ctx, "of", "m1", "", []store.TagChange{{Tag: "x", Rule: "r"}}, now); err != nil || !ok {
		t.Fatalf("finish after no-answer mark: %v %v", ok, err)
	}
	if ok, err := f.Finish(ctx, "of", "m1", "", []store.TagChange{{Tag: "y", Rule: "r"}}, now); err != nil || ok {
		t.Fatalf("second finish applied again: %v %v", ok, err)
	}
	p, _ := f.Profile(ctx, "of")
	if got := p.ActiveTags(now); len(got) != 1 || got[0] != "x" {
		t.Fatalf("tags = %v, want [x]", got)
	}
}

func TestHistoriesMatchHistory(t *testing.T) {
	t.Parallel()
	s := redistest.Open(t)
	f := followers(t, s)
	ctx := context.Background()
	now := time.Now().Truncate(time.Second)
	ids := []string{"oH1", "oH2", "oNever", "oH3"}
	for i, o := range ids {
		if o == "oNever" {
			continue
		}
		for j := range i + 1 {
			record(t, f, o, j, now.Add(time.Duration(j)*time.Second))
		}
	}
	hs, err := f.Histories(ctx, ids)
	if err != nil || len(hs) != len(ids) {
		t.Fatalf("histories: %d %v", len(hs), err)
	}
	for i, o := range ids {
		h, err := f.History(ctx, o)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(hs[i], h) {
			t.Fatalf("%s: Histories %+v, History %+v", o, hs[i], h)
		}
	}
	if len(hs[3]) != 4 || len(hs[2]) != 0 {
		t.Fatalf("history lengths %d %d", len(hs[3]), len(hs[2]))
	}
	if hs, err := f.Histories(ctx, nil); err != nil || len(hs) != 0 {
		t.Fatalf("histories of nobody: %v %v", hs, err)
	}
}

// Made-up callback types cannot grow a profile without bound: past
// MaxKinds kinds, new ones count as "other".
func TestMadeUpKindsAreBounded(t *testing.T) {
	t.Parallel()
	if !strings.Contains(store.RecordScriptForTest, fmt.Sprintf("local MAXKINDS = %d", store.MaxKinds)) {
		t.Fatal("the record script's MAXKINDS differs from store.MaxKinds")
	}
	f := followers(t, redistest.Open(t))
	ctx := context.Background()
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, shanghai)
	const n = 200
	for i := range n {
		ev := store.Event{OpenID: "o1", DedupID: fmt.Sprintf("m%d", i), At: now, Kind: fmt.Sprintf("madeup%d", i), Class: store.ClassMessage}
		if _, err := f.Record(ctx, ev, now, store.MarkPending); err != nil {
			t.Fatal(err)
		}
	}
	p, err := f.Profile(ctx, "o1")
	if err != nil {
		t.Fatal(err)
	}
	c := p.Counts()
	if len(c) != store.MaxKinds {
		t.Fatalf("%d kinds counted apart, want %d", len(c), store.MaxKinds)
	}
	if c["madeup0"] != 1 || c["other"] != n-(store.MaxKinds-1) {
		t.Fatalf("madeup0 %d, other %d; want 1 and %d", c["madeup0"], c["other"], n-(store.MaxKinds-1))
	}
}
