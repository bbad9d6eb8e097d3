package results_test

import (
	"strings"
	"testing"
	"time"

	"github.com/wxcast/wxcast/bot/broadcast"
	"github.com/wxcast/wxcast/internal/bctest"
)

func ownerNotices(b *broadcast.Broadcast, word string) int {
	n := 0
	for _, x := range b.Notices {
		if x.To == bctest.Owner.OpenID && strings.Contains(x.Text, word) {
			n++
		}
	}
	return n
}

func TestUnsubscribeGuardrailPausesWhatIsLeft(t *testing.T) {
	t.Parallel()
	w := bctest.New(t, sim, bctest.Config{Followers: 120, BatchSize: 50, AlertUnsubscribeRate: 0.03, Manual: true})
	w.Run()
	b := w.SeriesOf(w.Approved("everyone"), "")
	w.Clock.Add(time.Hour)
	w.Wait(b.ID, "first step sent", func(b *broadcast.Broadcast) bool { return b.State == broadcast.StateScheduled && b.Step == 1 })

	now := w.Clock.Now()
	for i, o := range bctest.FollowerIDs(4)[:3] {
		w.Unfollow(o)
		if err := w.Results.Unsubscribed(w.Ctx, o, now.Add(time.Duration(i)*time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	_ = w.Results.Unsubscribed(w.Ctx, "oF0000", now.Add(time.Hour)) // a retried callback counts once
	if b, _ = w.Lifecycle.Get(w.Ctx, b.ID); b.State != broadcast.StateScheduled {
		t.Fatalf("3 of 120 (2.5%%) paused it: %s", b.State)
	}
	w.Unfollow("oF0003")
	if err := w.Results.Unsubscribed(w.Ctx, "oF0003", now.Add(5*time.Minute)); err != nil {
		t.Fatal(err)
	}
	b, _ = w.Lifecycle.Get(w.Ctx, b.ID)
	if b.State != broadcast.StatePaused || b.Paused == nil || b.Paused.Reason != "unsubscribe" || !b.Paused.Scheduled {
		t.Fatalf("4 of 120 (3.3%%) did not pause it: %s %+v", b.State, b.Paused)
	}
	if n, err := w.Results.Unsubscribes(w.Ctx, b.ID); n != 4 || err != nil {
		t.Errorf("unsubscribes %d %v, want 4", n, err)
	}
	b = w.Wait(b.ID, "the owners alerted", func(b *broadcast.Broadcast) bool { return ownerNotices(b, "取关") == 1 })
	// Paused: the second reminder does not go out at its time.
	w.Clock.Add(2 * time.Hour)
	w.Clock.Add(time.Second) // taken once the poll at the reminder's time is done
	if b, _ = w.Lifecycle.Get(w.Ctx, b.ID); b.State != broadcast.StatePaused || b.Step != 1 || len(b.Batches) != 3 {
		t.Fatalf("a paused series went on: %s step %d, %d batches", b.State, b.Step, len(b.Batches))
	}
	// An owner resumes: it goes on (the step is late but within the hour),
	// and the same rate does not pause it again.
	if b, err := w.Lifecycle.Resume(w.Ctx, bctest.Owner, b.ID, ""); err != nil || b.State != broadcast.StateScheduled {
		t.Fatalf("resume: %v", err)
	}
	b = w.Wait(b.ID, "second step sent", func(b *broadcast.Broadcast) bool { return b.State == broadcast.StateSent })
	w.Unfollow("oF0010")
	_ = w.Results.Unsubscribed(w.Ctx, "oF0010", w.Clock.Now())
	if b, _ = w.Lifecycle.Get(w.Ctx, b.ID); b.State != broadcast.StateSent || ownerNotices(b, "取关") != 1 {
		t.Errorf("after resume: %s, %d alerts", b.State, ownerNotices(b, "取关"))
	}
	for _, o := range bctest.FollowerIDs(4) {
		if n := w.Delivered()[o]; n != 1 {
			t.Errorf("%s unsubscribed after the first reminder but received %d", o, n)
		}
	}
}

func TestFailureGuardrailPausesRemainingBatches(t *testing.T) {
	t.Parallel()
	w := bctest.New(t, sim, bctest.Config{Followers: 300, BatchSize: 100, BatchInterval: time.Hour, Manual: true})
	w.Run()
	b := w.Approved("everyone")
	if _, err := w.Lifecycle.Send(w.Ctx, bctest.Editor, b.ID, time.Time{}, broadcast.SendOptions{}); err != nil {
		t.Fatal(err)
	}
	b = w.Wait(b.ID, "first batch", func(b *broadcast.Broadcast) bool {
		return len(b.Batches) == 3 && b.Batches[0].State == broadcast.BatchSent
	})
	x := b.Batches[0]
	if err := w.Results.JobFinished(w.Ctx, broadcast.JobReport{MsgID: x.MsgID, Status: "send success", Total: 100, Filtered: 100, Sent: 92, Errors: 8}); err != nil {
		t.Fatal(err)
	}
	b, _ = w.Lifecycle.Get(w.Ctx, b.ID)
	if b.State != broadcast.StatePaused || b.Paused.Reason != "failure" {
		t.Fatalf("8%% failed: state %s, pause %+v", b.State, b.Paused)
	}
	w.Wait(b.ID, "the owners alerted", func(b *broadcast.Broadcast) bool { return ownerNotices(b, "失败率") == 1 })
	// Past the batch interval the sender looks again, finds it paused and
	// lets it go.
	w.DriveUntilIdle(time.Hour)
	if b, _ = w.Lifecycle.Get(w.Ctx, b.ID); b.Progress().Done != 1 || len(w.Delivered()) != 100 {
		t.Fatalf("paused, yet %d batches sent, %d delivered", b.Progress().Done, len(w.Delivered()))
	}
	b, err := w.Lifecycle.Resume(w.Ctx, bctest.Owner, b.ID, "")
	if err != nil || b.State != broadcast.StateSending {
		t.Fatalf("resume: %v %s", err, b.State)
	}
	_, err = w.Lifecycle.Resume(w.Ctx, bctest.Owner, b.ID, "")
	w.Refusal(err, broadcast.CodeNotPaused)
	w.Wait(b.ID, "second batch", func(b *broadcast.Broadcast) bool { return b.Progress().Done == 2 })
	w.DriveUntilIdle(time.Hour)
	b = w.Wait(b.ID, "sent", func(b *broadcast.Broadcast) bool { return b.State == broadcast.StateSent })
	if len(w.Delivered()) != 300 {
		t.Errorf("delivered %d, want 300", len(w.Delivered()))
	}
}
