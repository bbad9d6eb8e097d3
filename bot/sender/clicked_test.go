package sender_test

import (
	"testing"
	"time"

	"github.com/wxcast/wxcast/bot/broadcast"
	"github.com/wxcast/wxcast/internal/bctest"
)

// TestReminderSeriesSkipsClickers: a series that skips clickers leaves
// out of its next step every follower who clicked a tracked link of the
// broadcast by the time the step is built, whichever version's link.
func TestReminderSeriesSkipsClickers(t *testing.T) {
	t.Parallel()
	w := bctest.New(t, sim, bctest.Config{Followers: 8})
	w.Run()
	b := w.Approved("everyone")
	b, err := w.Lifecycle.AddVariant(w.Ctx, bctest.Editor, b.ID, broadcast.Content{Type: "text", Text: "hello B"})
	if err != nil {
		t.Fatal(err)
	}
	deadline := w.Clock.Now().Add(4 * time.Hour)
	b, err = w.Lifecycle.Remind(w.Ctx, bctest.Editor, b.ID, deadline, []time.Duration{3 * time.Hour, time.Hour}, "", true)
	if err != nil || !b.Series.ExceptClicked || b.Series.ExceptTag != "" {
		t.Fatalf("remind: %v %+v", err, b.Series)
	}
	if _, err := w.Lifecycle.Preview(w.Ctx, bctest.Editor, b.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Lifecycle.Approve(w.Ctx, bctest.Approver, b.ID, "", ""); err != nil {
		t.Fatal(err)
	}
	w.SendNow(b.ID)
	w.Clock.Add(time.Hour)
	b = w.Wait(b.ID, "first reminder", func(b *broadcast.Broadcast) bool { return b.State == broadcast.StateScheduled && b.Step == 1 })

	// One clicker of each version, a repeated tap, and a tap by someone
	// outside the broadcast: only the two clickers are left out.
	clickers := map[string]bool{}
	links := w.Store.Links()
	for _, o := range bctest.FollowerIDs(8) {
		v := broadcast.ArmOf(o, b.ID, 0, 2)
		if clickers[broadcast.VariantName(v)+"?"] {
			continue
		}
		clickers[broadcast.VariantName(v)+"?"], clickers[o] = true, true
		for range 2 {
			if _, err := links.RecordClick(w.Ctx, b.ID, v, 0, o, w.Clock.Now()); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := links.RecordTap(w.Ctx, b.ID, 0, 0, "o"); err != nil {
		t.Fatal(err)
	}
	w.Clock.Add(2 * time.Hour)
	b = w.Wait(b.ID, "second reminder", func(b *broadcast.Broadcast) bool { return b.State == broadcast.StateSent })
	if b.Acted != 2 {
		t.Errorf("acted %d, want the 2 clickers", b.Acted)
	}
	got := w.Delivered()
	for _, o := range bctest.FollowerIDs(8) {
		want := 2
		if clickers[o] {
			want = 1
		}
		if got[o] != want {
			t.Errorf("%s (clicked %v) received %d, want %d", o, clickers[o], got[o], want)
		}
	}
}
