package sender_test

import (
	"testing"
	"time"

	"github.com/wxcast/wxcast/bot/broadcast"
	"github.com/wxcast/wxcast/internal/bctest"
	"github.com/wxcast/wxcast/store"
)

func TestMonthlyCapLeavesCappedFollowersOut(t *testing.T) {
	t.Parallel()
	w := bctest.New(t, sim, bctest.Config{Followers: 6, MonthlyCap: 1})
	w.Run()
	first := w.Approved("everyone")
	second := w.Approved("everyone") // planned before the first is sent: nobody is capped yet
	if second.Plan.Capped != 0 || second.Plan.Audience != 6 {
		t.Fatalf("plan %+v, want 6 and none capped", second.Plan)
	}
	if _, err := w.Lifecycle.Send(w.Ctx, bctest.Editor, first.ID, time.Time{}, broadcast.SendOptions{}); err != nil {
		t.Fatal(err)
	}
	b := w.Wait(first.ID, "first sent", func(b *broadcast.Broadcast) bool { return b.State == broadcast.StateSent })
	// A replica that resumes a batch WeChat had accepted records it again
	// ("already sent"): it must not count twice.
	list, err := w.Store.Broadcasts().ReadList(w.Ctx, b.ID, "s"+b.BatchKey, 0)
	if err != nil {
		t.Fatal(err)
	}
	lim := []store.Limit{{Period: store.Period{Key: "m" + b.Batches[0].Began.UTC().Format("2006-01"), TTL: time.Hour}, Max: 1}}
	if kept, first, err := w.Store.Caps().Reserve(w.Ctx, b.ID, 0, list, lim, w.Clock.Now()); err != nil || first || len(kept) != len(list) {
		t.Fatalf("reserved again: %v %v %v", kept, first, err)
	}
	counts, err := w.Store.Caps().Counts(w.Ctx, "m"+w.Clock.Now().UTC().Format("2006-01"), bctest.FollowerIDs(6))
	if err != nil {
		t.Fatal(err)
	}
	for i, n := range counts {
		if n != 1 {
			t.Errorf("follower %d counted %d times, want 1", i, n)
		}
	}
	// Sending the second: everyone reached the cap since its preview.
	if _, err := w.Lifecycle.Send(w.Ctx, bctest.Editor, second.ID, time.Time{}, broadcast.SendOptions{}); err != nil {
		t.Fatal(err)
	}
	b = w.Wait(second.ID, "second done", func(b *broadcast.Broadcast) bool { return b.State == broadcast.StateSent })
	if b.Capped != 6 || len(b.Batches) != 0 {
		t.Errorf("capped %d, batches %d; want 6 and none", b.Capped, len(b.Batches))
	}
	accounted(t, b, broadcast.Accounting{Audience: 6, Capped: 6})
	for o, n := range w.Delivered() {
		if n != 1 {
			t.Errorf("%s received %d broadcasts, cap is 1", o, n)
		}
	}
	// A new plan this month leaves them out at preview and says so.
	third, err := w.Lifecycle.Create(w.Ctx, bctest.Editor, "everyone", broadcast.Content{Type: "text", Text: "third"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = w.Lifecycle.Preview(w.Ctx, bctest.Editor, third.ID)
	if r := w.Refusal(err, broadcast.CodeSmallAudience); r.N != 0 || r.Need != 6 {
		t.Errorf("refusal %+v, want 0 left and 6 capped", r)
	}
	// Next month the cap starts over.
	w.Clock.Add(32 * 24 * time.Hour)
	third, err = w.Lifecycle.Preview(w.Ctx, bctest.Editor, third.ID)
	if err != nil || third.Plan.Audience != 6 || third.Plan.Capped != 0 {
		t.Fatalf("next month: %v %+v", err, third.Plan)
	}
}

func TestCapHoldsWithTwoBroadcastsSending(t *testing.T) {
	t.Parallel()
	w := bctest.New(t, sim, bctest.Config{Followers: 6, MonthlyCap: 1, BatchInterval: time.Hour})
	w.Run()
	a, b := w.Approved("everyone"), w.Approved("everyone")
	if _, err := w.Lifecycle.Send(w.Ctx, bctest.Editor, a.ID, time.Time{}, broadcast.SendOptions{}); err != nil {
		t.Fatal(err)
	}
	w.Wait(a.ID, "first batch of A", func(x *broadcast.Broadcast) bool { return x.Progress().Done == 1 })
	if _, err := w.Lifecycle.Send(w.Ctx, bctest.Editor, b.ID, time.Time{}, broadcast.SendOptions{}); err != nil {
		t.Fatal(err)
	}
	w.Wait(b.ID, "first batch of B", func(x *broadcast.Broadcast) bool { return x.Progress().Done >= 1 })
	w.Clock.Add(2 * time.Hour)
	a = w.Wait(a.ID, "A done", func(x *broadcast.Broadcast) bool { return x.State == broadcast.StateSent })
	b = w.Wait(b.ID, "B done", func(x *broadcast.Broadcast) bool { return x.State == broadcast.StateSent })
	for _, o := range bctest.FollowerIDs(6) {
		if n := w.Delivered()[o]; n != 1 {
			t.Errorf("%s received %d broadcasts, cap is 1", o, n)
		}
	}
	if a.Capped+b.Capped != 6 {
		t.Errorf("capped %d + %d, want 6 left out in all", a.Capped, b.Capped)
	}
	// Each status adds up: those capped at the batch's turn (and any
	// left alone by them) are left out, the rest sent.
	for _, x := range []*broadcast.Broadcast{a, b} {
		acc, ok := x.Accounting()
		if !ok || acc.Sum() != 6 || acc.Capped != x.Capped || acc.Sent+acc.Lone != 6-x.Capped {
			t.Errorf("#%d accounting %+v (%v), capped %d", x.ID, acc, ok, x.Capped)
		}
	}
}

// accounted checks b's accounting against want.
func accounted(t *testing.T, b *broadcast.Broadcast, want broadcast.Accounting) {
	t.Helper()
	got, ok := b.Accounting()
	if !ok || got != want || got.Sum() != got.Audience {
		t.Errorf("#%d accounting %+v (%v), want %+v", b.ID, got, ok, want)
	}
}

func TestDailyCap(t *testing.T) {
	t.Parallel()
	w := bctest.New(t, sim, bctest.Config{Followers: 4, DailyCap: 1})
	w.Run()
	b := w.Approved("everyone")
	if _, err := w.Lifecycle.Send(w.Ctx, bctest.Editor, b.ID, time.Time{}, broadcast.SendOptions{}); err != nil {
		t.Fatal(err)
	}
	w.Wait(b.ID, "sent", func(b *broadcast.Broadcast) bool { return b.State == broadcast.StateSent })
	c, _ := w.Lifecycle.Create(w.Ctx, bctest.Editor, "everyone", broadcast.Content{Type: "text", Text: "again"})
	_, err := w.Lifecycle.Preview(w.Ctx, bctest.Editor, c.ID)
	w.Refusal(err, broadcast.CodeSmallAudience)
	w.Clock.Add(24 * time.Hour)
	if c, err = w.Lifecycle.Preview(w.Ctx, bctest.Editor, c.ID); err != nil || c.Plan.Audience != 4 {
		t.Fatalf("next day: %v", err)
	}
}
