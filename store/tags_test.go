package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/wxcast/wxcast/internal/redistest"
	"github.com/wxcast/wxcast/store"
)

// record records a text message as a delivery that Finish will complete.
func record(t *testing.T, f *store.Followers, openid string, id int, at time.Time) {
	t.Helper()
	if out, err := f.Record(context.Background(), text(openid, id, at), at, store.MarkPending); err != nil || out.Duplicate {
		t.Fatalf("record: %+v %v", out, err)
	}
}

func finish(t *testing.T, f *store.Followers, openid string, id int, now time.Time, changes ...store.TagChange) {
	t.Helper()
	if ok, err := f.Finish(context.Background(), openid, fmt.Sprintf("m%d", id), "", changes, now); err != nil || !ok {
		t.Fatalf("finish: %v %v", ok, err)
	}
}

func TestTagChangesAndHistory(t *testing.T) {
	t.Parallel()
	f := followers(t, redistest.Open(t))
	ctx := context.Background()
	t0 := time.Date(2026, 11, 20, 10, 0, 0, 0, shanghai)

	record(t, f, "ot", 1, t0)
	finish(t, f, "ot", 1, t0,
		store.TagChange{Tag: "vip", Rule: "vip_rule"},
		store.TagChange{Tag: "promo", Rule: "promo_rule", Expires: t0.Add(time.Hour)})
	p, _ := f.Profile(ctx, "ot")
	if got := p.ActiveTags(t0); fmt.Sprint(got) != "[vip promo]" {
		t.Fatalf("tags = %v", got)
	}
	if p.HasTag("promo", t0.Add(2*time.Hour)) || !p.HasTag("vip", t0.Add(1000*time.Hour)) {
		t.Fatalf("expiry not honoured: %+v", p.Tags)
	}

	// Two hours later: promo has expired and is dropped with the next change,
	// dated at its expiry; vip is removed by a rule.
	t1 := t0.Add(2 * time.Hour)
	record(t, f, "ot", 2, t1)
	finish(t, f, "ot", 2, t1, store.TagChange{Remove: true, Tag: "vip", Rule: "vip_rule"},
		store.TagChange{Remove: true, Tag: "never_had", Rule: "x"})
	p, _ = f.Profile(ctx, "ot")
	if len(p.Tags) != 0 {
		t.Fatalf("tags after expiry and removal = %+v", p.Tags)
	}
	h, _ := f.History(ctx, "ot")
	var changes []string
	for _, e := range h {
		if e.IsTagChange() {
			changes = append(changes, fmt.Sprintf("%s %s %s %s", e.At.In(shanghai).Format("15:04"), e.Kind, e.Key, e.Content))
		}
	}
	want := "[12:00 tag_removed vip vip_rule 11:00 tag_removed promo ttl 10:00 tag_added promo promo_rule 10:00 tag_added vip vip_rule]"
	if fmt.Sprint(changes) != want {
		t.Fatalf("tag history = %v\nwant %v", changes, want)
	}
}

func TestTagExpiryRefreshed(t *testing.T) {
	t.Parallel()
	f := followers(t, redistest.Open(t))
	ctx := context.Background()
	t0 := time.Date(2026, 11, 20, 10, 0, 0, 0, shanghai)
	record(t, f, "or", 1, t0)
	finish(t, f, "or", 1, t0, store.TagChange{Tag: "hot", Rule: "r", Expires: t0.Add(time.Hour)})
	t1 := t0.Add(50 * time.Minute)
	record(t, f, "or", 2, t1)
	finish(t, f, "or", 2, t1, store.TagChange{Tag: "hot", Rule: "r", Expires: t1.Add(time.Hour)})
	p, _ := f.Profile(ctx, "or")
	if !p.HasTag("hot", t0.Add(90*time.Minute)) {
		t.Fatalf("expiry not refreshed: %+v", p.Tags)
	}
	h, _ := f.History(ctx, "or")
	added := 0
	for _, e := range h {
		if e.Kind == store.KindTagAdded {
			added++
		}
	}
	if added != 1 {
		t.Fatalf("a refresh was recorded as a new addition (%d additions)", added)
	}
}

func TestAttributes(t *testing.T) {
	t.Parallel()
	f := followers(t, redistest.Open(t))
	ctx := context.Background()
	// Attributes may arrive before any callback.
	if changed, err := f.SetAttributes(ctx, "oa", map[string]string{"vip_level": "3", "city": "上海=浦东"}); err != nil || !changed {
		t.Fatal(changed, err)
	}
	now := time.Now().Truncate(time.Second)
	record(t, f, "oa", 1, now)
	if changed, err := f.SetAttributes(ctx, "oa", map[string]string{"vip_level": "4", "city": ""}); err != nil || !changed {
		t.Fatal(changed, err)
	}
	p, _ := f.Profile(ctx, "oa")
	if a := p.Attrs(); len(a) != 1 || a["vip_level"] != "4" {
		t.Fatalf("attrs = %v", a)
	}
	if p.Counts()["text"] != 1 || !p.Subscribed {
		t.Fatalf("attributes clobbered the behaviour: %+v", p)
	}
}

func TestLocationReportsCoalesceInHistory(t *testing.T) {
	t.Parallel()
	f := followers(t, redistest.Open(t))
	ctx := context.Background()
	t0 := time.Date(2026, 11, 20, 10, 0, 0, 0, shanghai)
	// A report every 5 s for 15 minutes, then a text.
	for i := 0; i < 180; i++ {
		at := t0.Add(time.Duration(5*i) * time.Second)
		ev := store.Event{OpenID: "oloc", DedupID: fmt.Sprintf("e%d", at.Unix()), At: at, Kind: "location_report",
			Class: store.ClassEvent, Location: &store.Location{Lat: 31, Lng: 121}}
		if _, err := f.Record(ctx, ev, at, store.MarkFinal); err != nil {
			t.Fatal(err)
		}
	}
	record(t, f, "oloc", 1, t0.Add(16*time.Minute))
	h, _ := f.History(ctx, "oloc")
	if len(h) != 3 || h[0].Kind != "text" {
		t.Fatalf("history has %d entries, want text + 2 coalesced reports: %+v", len(h), h)
	}
	p, _ := f.Profile(ctx, "oloc")
	if p.Counts()["location_report"] != 180 {
		t.Fatalf("reports counted %d, want 180", p.Counts()["location_report"])
	}
}
