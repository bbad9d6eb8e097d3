package sender_test

import (
	"strings"
	"testing"
	"time"

	"github.com/wxcast/wxcast/bot/broadcast"
	"github.com/wxcast/wxcast/internal/bctest"
)

const seriesRules = bctest.Rules + `
tags:
  - name: clicked_promo
    on: [click]
    when: event.key == "PROMO"
`

func TestReminderSeriesSkipsFollowersWhoActed(t *testing.T) {
	t.Parallel()
	w := bctest.New(t, sim, bctest.Config{Followers: 6, Rules: seriesRules})
	w.Run()
	b := w.Approved("everyone")
	deadline := w.Clock.Now().Add(4 * time.Hour)
	_, err := w.Lifecycle.Remind(w.Ctx, bctest.Editor, b.ID, deadline, []time.Duration{time.Hour, 3 * time.Hour}, "nope", false)
	w.Refusal(err, broadcast.CodeUnknownTag)
	b, err = w.Lifecycle.Remind(w.Ctx, bctest.Editor, b.ID, deadline, []time.Duration{time.Hour, 3 * time.Hour}, "clicked_promo", false)
	if err != nil || b.State != broadcast.StateDraft || b.Plan != nil {
		t.Fatalf("remind voids the plan: %v %s", err, b.State)
	}
	if b.Series.Offsets[0] != 3*time.Hour {
		t.Errorf("offsets %v, want longest first", b.Series.Offsets)
	}
	if _, err := w.Lifecycle.Preview(w.Ctx, bctest.Editor, b.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Lifecycle.Approve(w.Ctx, bctest.Approver, b.ID, "", ""); err != nil {
		t.Fatal(err)
	}
	_, err = w.Lifecycle.Send(w.Ctx, bctest.Editor, b.ID, w.Clock.Now().Add(time.Hour), broadcast.SendOptions{})
	w.Refusal(err, broadcast.CodeSeriesTimes)
	b, err = w.Lifecycle.Send(w.Ctx, bctest.Editor, b.ID, time.Time{}, broadcast.SendOptions{})
	if err != nil || b.State != broadcast.StateScheduled || !b.SendAt.Equal(deadline.Add(-3*time.Hour)) {
		t.Fatalf("send: %v %s %v", err, b.State, b.SendAt)
	}

	w.Clock.Add(time.Hour)
	w.Wait(b.ID, "first reminder", func(b *broadcast.Broadcast) bool { return b.State == broadcast.StateScheduled && b.Step == 1 })
	// Begun, the series goes on by itself: it cannot be sent again or
	// rejected (only cancelled), and a rules change does not void it.
	_, err = w.Lifecycle.Send(w.Ctx, bctest.Editor, b.ID, time.Time{}, broadcast.SendOptions{})
	w.Refusal(err, broadcast.CodeWrongState)
	_, err = w.Lifecycle.Reject(w.Ctx, bctest.Approver, b.ID, "")
	w.Refusal(err, broadcast.CodeWrongState)
	w.SetRules(seriesRules + "\n# changed\n")
	// Two followers act between the reminders.
	w.Act("oF0001", w.Clock.Now(), "clicked_promo")
	w.Act("oF0004", w.Clock.Now(), "clicked_promo")
	w.Clock.Add(2 * time.Hour)
	b = w.Wait(b.ID, "second reminder", func(b *broadcast.Broadcast) bool { return b.State == broadcast.StateSent })
	if b.Acted != 2 || len(b.Approvals) != 1 {
		t.Errorf("acted %d, approvals %d; want 2 skipped and one approval for both", b.Acted, len(b.Approvals))
	}
	got := w.Delivered()
	for _, o := range bctest.FollowerIDs(6) {
		want := 2
		if o == "oF0001" || o == "oF0004" {
			want = 1
		}
		if got[o] != want {
			t.Errorf("%s received %d, want %d", o, got[o], want)
		}
	}
}

func TestLateReminderIsSkippedNotSentLate(t *testing.T) {
	t.Parallel()
	w := bctest.New(t, sim, bctest.Config{Followers: 4})
	w.Run()
	b := w.SeriesOf(w.Approved("everyone"), "")
	w.Clock.Add(time.Hour)
	w.Wait(b.ID, "first reminder sent", func(b *broadcast.Broadcast) bool { return b.State == broadcast.StateScheduled && b.Step == 1 })
	if _, err := w.Lifecycle.Pause(w.Ctx, bctest.Owner, b.ID); err != nil {
		t.Fatal(err)
	}
	w.Clock.Add(4 * time.Hour) // the second reminder was due 2 h ago
	if _, err := w.Lifecycle.Resume(w.Ctx, bctest.Owner, b.ID, ""); err != nil {
		t.Fatal(err)
	}
	b = w.Wait(b.ID, "series ended", func(b *broadcast.Broadcast) bool { return b.State == broadcast.StateSent })
	for o, n := range w.Delivered() {
		if n != 1 {
			t.Errorf("%s received %d, want only the first reminder", o, n)
		}
	}
	w.Wait(b.ID, "creator told", func(b *broadcast.Broadcast) bool {
		for _, n := range b.Notices {
			if n.To == bctest.Editor.OpenID && strings.Contains(n.Text, "已跳过") {
				return true
			}
		}
		return false
	})
}
