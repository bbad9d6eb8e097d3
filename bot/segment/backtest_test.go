package segment_test

import (
	"context"
	"testing"
	"time"

	"github.com/wxcast/wxcast/bot/segment"
	"github.com/wxcast/wxcast/internal/redistest"
	"github.com/wxcast/wxcast/rules"
	"github.com/wxcast/wxcast/store"
)

func TestBacktestKnownHistory(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 20, 10, 0, 0, 0, shanghai)
	day := func(d int) time.Time { return now.Add(-time.Duration(d) * 24 * time.Hour) }
	cal := store.Calendar{Loc: shanghai}
	f := redistest.Open(t).Followers(cal, store.Limits{HistoryDays: 8, HistoryMax: 50})
	ctx := context.Background()
	sub := func(id string, at time.Time, s store.SubChange) store.Event {
		kind, class := "subscribe", store.ClassEvent
		if s == store.SubUnsubscribe {
			kind, class = "unsubscribe", store.ClassPassive
		}
		return store.Event{OpenID: id, DedupID: kind + at.String(), At: at, Kind: kind, Class: class, Sub: s}
	}
	text := func(id string, at time.Time) store.Event {
		return store.Event{OpenID: id, DedupID: "t" + at.String(), At: at, Kind: "text", Class: store.ClassMessage, Content: "hi"}
	}
	click := store.Event{OpenID: "oA", DedupID: "click", At: day(3), Kind: "click", Class: store.ClassEvent, ClickKey: "PROMO", Key: "PROMO"}
	for _, ev := range []store.Event{
		sub("oA", day(5), store.SubSubscribe), text("oA", day(2)),
		sub("oB", day(10), store.SubSubscribe), text("oB", day(1)),
		sub("oC", day(3), store.SubSubscribe), sub("oC", day(1), store.SubUnsubscribe),
	} {
		if _, err := f.Record(ctx, ev, ev.At, store.MarkFinal); err != nil {
			t.Fatal(err)
		}
	}
	// The live rules tagged A at its click.
	if _, err := f.Record(ctx, click, click.At, store.MarkNoAnswer); err != nil {
		t.Fatal(err)
	}
	if ok, err := f.Finish(ctx, "oA", "click", "", []store.TagChange{{Tag: "promo", Rule: "promo"}}, click.At); err != nil || !ok {
		t.Fatal(ok, err)
	}
	rs, err := rules.Parse("candidate.yaml", []byte(`
tags:
  - name: promo
    on: click
    when: event.key == "PROMO"
  - name: talker
    on: text
    when: user.messages_7d >= 1
  - name: gone
    on: unsubscribe
    when: '!user.subscribed'
  - name: early
    on: subscribe
    when: user.messages_7d == 0 && user.counts["text"] == 0
  - name: fresh
    on: [subscribe, text]
    when: "true"
    unless: event.type == "text"
  - name: clicked_today
    on: click
    when: within_days(user.last_click_at, 1) && since(user.last_active) < hours(1) && days_since(user.subscribed_at) == 2
`), rules.Options{Location: shanghai, Clock: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := segment.Backtest(ctx, rs, f, cal, now, 7)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Followers != 3 || rep.Events != 6 {
		t.Fatalf("replayed %d followers, %d events; want 3, 6", rep.Followers, rep.Events)
	}
	want := map[string]segment.RuleReport{
		"promo":  {Name: "promo", Tagged: 1, AtEnd: 1, Live: 1},
		"talker": {Name: "talker", Tagged: 2, AtEnd: 2},
		"gone":   {Name: "gone", Tagged: 1, AtEnd: 1},
		"early":  {Name: "early", Tagged: 2, AtEnd: 2},
		"fresh":  {Name: "fresh", Tagged: 2, Untagged: 1, AtEnd: 1},
		// Evaluated at the click's time (3 days ago), not today's.
		"clicked_today": {Name: "clicked_today", Tagged: 1, AtEnd: 1},
	}
	for _, r := range rep.Rules {
		if r != want[r.Name] {
			t.Errorf("%s: %+v, want %+v", r.Name, r, want[r.Name])
		}
	}
	// Nothing changed.
	p, _ := f.Profile(ctx, "oA")
	if h, _ := f.History(ctx, "oA"); len(h) != 4 || len(p.Tags) != 1 {
		t.Fatalf("the back-test wrote: history %d entries, tags %+v", len(h), p.Tags)
	}
}
