package sender_test

import (
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wxcast/wxcast/bot/broadcast"
	"github.com/wxcast/wxcast/internal/bctest"
)

func TestLifecycleSendsEachFollowerOnce(t *testing.T) {
	t.Parallel()
	w := bctest.New(t, sim, bctest.Config{Followers: 8})
	b, err := w.Lifecycle.Create(w.Ctx, bctest.Editor, "everyone", broadcast.Content{Type: "text", Text: "双十一"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = w.Lifecycle.Approve(w.Ctx, bctest.Approver, b.ID, "", "")
	w.Refusal(err, broadcast.CodeNoPlan)
	_, err = w.Lifecycle.Send(w.Ctx, bctest.Editor, b.ID, time.Time{}, broadcast.SendOptions{})
	w.Refusal(err, broadcast.CodeNoPlan)

	b, err = w.Lifecycle.Preview(w.Ctx, bctest.Editor, b.ID)
	if err != nil || b.State != broadcast.StatePlanned || b.Plan.Audience != 8 || len(b.Plan.Hash) != 8 || b.Plan.RulesVersion != w.Rules().Version {
		t.Fatalf("preview: %v %+v", err, b.Plan)
	}
	if p := sim.Previews(w.AppID); len(p) != 1 || p[0].To != bctest.Editor.OpenID {
		t.Fatalf("previews %+v", p)
	}
	_, err = w.Lifecycle.Approve(w.Ctx, bctest.Editor, b.ID, "", "")
	w.Refusal(err, broadcast.CodeSelfApproval)
	_, err = w.Lifecycle.Send(w.Ctx, bctest.Editor, b.ID, time.Time{}, broadcast.SendOptions{})
	r := w.Refusal(err, broadcast.CodeNotApproved)
	if r.N != 0 || r.Need != 1 {
		t.Fatalf("not approved: %+v", r)
	}
	b, err = w.Lifecycle.Approve(w.Ctx, bctest.Approver, b.ID, "", "")
	if err != nil || b.State != broadcast.StateApproved {
		t.Fatalf("approve: %v %+v", err, b)
	}
	_, err = w.Lifecycle.Approve(w.Ctx, bctest.Approver, b.ID, "", "")
	w.Refusal(err, broadcast.CodeAlreadyApproved)
	// Another editor may not send someone else's broadcast.
	_, err = w.Lifecycle.Send(w.Ctx, bctest.Editor2, b.ID, time.Time{}, broadcast.SendOptions{})
	w.Refusal(err, broadcast.CodeNotYours)

	w.Unfollow("oF0007") // after the preview: dropped, not replaced
	w.Follow("oNew")     // after the preview: not added
	b, err = w.Lifecycle.Send(w.Ctx, bctest.Editor, b.ID, time.Time{}, broadcast.SendOptions{})
	if err != nil || b.State != broadcast.StateSending {
		t.Fatalf("send: %v %+v", err, b)
	}
	w.Run()
	b = w.Wait(b.ID, "sent", func(b *broadcast.Broadcast) bool { return b.State == broadcast.StateSent })
	got := w.Delivered()
	want := map[string]int{}
	for i := range 7 {
		want["oF000"+string(rune('0'+i))] = 1
	}
	if !maps.Equal(got, want) {
		t.Fatalf("delivered %v, want %v", got, want)
	}
	// Seven in batches of at most three, never one: 3, 2, 2.
	if s := w.BatchSizes(); !slices.Equal(s, []int{3, 2, 2}) {
		t.Fatalf("batch sizes %v", s)
	}
	if b.Dropped != 1 || len(b.Batches) != 3 {
		t.Fatalf("dropped %d, batches %d", b.Dropped, len(b.Batches))
	}
	ids := map[string]bool{}
	for _, j := range sim.Jobs(w.AppID) {
		if ids[j.ClientMsgID] || len(j.ClientMsgID) > 32 || j.ClientMsgID == "" {
			t.Fatalf("clientmsgid %q repeated or too long", j.ClientMsgID)
		}
		ids[j.ClientMsgID] = true
	}
	// Done is done.
	_, err = w.Lifecycle.Send(w.Ctx, bctest.Editor, b.ID, time.Time{}, broadcast.SendOptions{})
	w.Refusal(err, broadcast.CodeWrongState)
	_, err = w.Lifecycle.Cancel(w.Ctx, bctest.Editor, b.ID)
	w.Refusal(err, broadcast.CodeWrongState)
}

func TestScheduledSendFiresOnTime(t *testing.T) {
	t.Parallel()
	w := bctest.New(t, sim, bctest.Config{Followers: 4, Manual: true})
	b := w.Approved("everyone")
	_, err := w.Lifecycle.Send(w.Ctx, bctest.Editor, b.ID, w.Clock.Now().Add(-time.Minute), broadcast.SendOptions{})
	w.Refusal(err, broadcast.CodePastTime)
	at := w.Clock.Now().Add(time.Hour)
	b, err = w.Lifecycle.Send(w.Ctx, bctest.Editor, b.ID, at, broadcast.SendOptions{})
	if err != nil || b.State != broadcast.StateScheduled || !b.SendAt.Equal(at) {
		t.Fatalf("schedule: %v %+v", err, b)
	}
	w.Run()
	// Two polls a minute before the time: the second tick is taken only
	// once the sender finished what the first one started.
	w.Clock.Add(59 * time.Minute)
	w.Clock.Add(time.Second)
	if n := len(sim.Jobs(w.AppID)); n != 0 {
		t.Fatalf("%d batches before the scheduled time", n)
	}
	if b := w.Get(b.ID); b.State != broadcast.StateScheduled {
		t.Fatalf("%s before the scheduled time", b.State)
	}
	w.Clock.Add(time.Minute)
	w.Wait(b.ID, "sent", func(b *broadcast.Broadcast) bool { return b.State == broadcast.StateSent })
	if n := len(w.Delivered()); n != 4 {
		t.Fatalf("delivered to %d, want 4", n)
	}
}

func TestPauseStopsBetweenBatchesAndCancelStops(t *testing.T) {
	t.Parallel()
	w := bctest.New(t, sim, bctest.Config{Followers: 9, BatchInterval: 400 * time.Millisecond, Manual: true})
	b := w.Approved("everyone")
	if err := w.Lifecycle.SetPaused(w.Ctx, bctest.Owner, true); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Lifecycle.Send(w.Ctx, bctest.Editor, b.ID, time.Time{}, broadcast.SendOptions{}); err != nil {
		t.Fatal(err)
	}
	w.Run()
	w.Clock.Add(time.Second) // a poll while paused, then one more to know it finished
	w.Clock.Add(time.Second)
	if n := len(sim.Jobs(w.AppID)); n != 0 || len(w.Sender.Sending()) != 0 {
		t.Fatalf("%d batches sent while paused (sending %v)", n, w.Sender.Sending())
	}
	if err := w.Lifecycle.SetPaused(w.Ctx, bctest.Owner, false); err != nil {
		t.Fatal(err)
	}
	w.Wait(b.ID, "first batch", func(b *broadcast.Broadcast) bool { return b.Progress().Done >= 1 })
	if _, err := w.Lifecycle.Cancel(w.Ctx, bctest.Editor2, b.ID); err == nil {
		t.Fatal("another editor cancelled")
	}
	b, err := w.Lifecycle.Cancel(w.Ctx, bctest.Editor, b.ID)
	if err != nil || b.State != broadcast.StateCancelled {
		t.Fatalf("cancel: %v %+v", err, b)
	}
	// Past the batch interval, the sender looks again, sees the cancel and
	// lets the broadcast go without another call.
	w.DriveUntilIdle(400 * time.Millisecond)
	if n := len(sim.Jobs(w.AppID)); n != 1 {
		t.Fatalf("%d batches: sending went on after cancel", n)
	}
}

func TestFinalErrorStopsAndAlertsOwners(t *testing.T) {
	// Not parallel: the simulator's injected faults hit any app.
	t.Cleanup(func() { sim.FailNext("/cgi-bin/message/mass/send", 0, 0) })
	// The second batch waits for the test to move the clock, which arms
	// the fault first.
	w := bctest.New(t, sim, bctest.Config{Followers: 6, BatchInterval: time.Second, Manual: true})
	b, _ := w.Lifecycle.Create(w.Ctx, bctest.Editor, "everyone", broadcast.Content{Type: "news", MediaID: "news1"})
	if _, err := w.Lifecycle.Preview(w.Ctx, bctest.Editor, b.ID); err != nil {
		t.Fatal(err)
	}
	b, _ = w.Lifecycle.Approve(w.Ctx, bctest.Approver, b.ID, "", "")
	sim.Interact(w.AppID, bctest.Owner.OpenID, "message", time.Now())
	// 40007 (invalid media_id) after the first batch: final, stop.
	if _, err := w.Lifecycle.Send(w.Ctx, bctest.Editor, b.ID, time.Time{}, broadcast.SendOptions{}); err != nil {
		t.Fatal(err)
	}
	w.Run()
	w.Wait(b.ID, "first batch", func(b *broadcast.Broadcast) bool { return b.Progress().Done == 1 })
	sim.FailNext("/cgi-bin/message/mass/send", 40007, 1)
	w.DriveUntilIdle(time.Second)
	b = w.Get(b.ID)
	if b.State != broadcast.StatePartiallyFailed || b.Progress().Done != 1 {
		t.Fatalf("state %s after %d batches, want partially_failed after 1", b.State, b.Progress().Done)
	}
	if !strings.Contains(b.Failure, "40007") || b.FailureKind != broadcast.FailOther {
		t.Fatalf("failure %q of kind %q", b.Failure, b.FailureKind)
	}
	// The alert follows the state change.
	w.Wait(b.ID, "the owner's alert", func(*broadcast.Broadcast) bool {
		for _, m := range sim.CustomMessages(w.AppID) {
			if m.To == bctest.Owner.OpenID && strings.Contains(m.Content, "停止") {
				return true
			}
		}
		return false
	})
	// News can be retracted: each sent batch is deleted.
	b, err := w.Lifecycle.Retract(w.Ctx, bctest.Owner, b.ID)
	if err != nil || b.State != broadcast.StateRetracted || len(b.Retracted) != b.Progress().Done {
		t.Fatalf("retract: %v %+v", err, b)
	}
}

func TestLoneFollowerIsNotSentAlone(t *testing.T) {
	t.Parallel()
	w := bctest.New(t, sim, bctest.Config{Followers: 2})
	b := w.Approved("everyone")
	w.Unfollow("oF0001")
	_, _ = w.Lifecycle.Send(w.Ctx, bctest.Editor, b.ID, time.Time{}, broadcast.SendOptions{})
	w.Run()
	b = w.Wait(b.ID, "finished", func(b *broadcast.Broadcast) bool { return b.State == broadcast.StateSent })
	if b.Lone != 1 || len(sim.Jobs(w.AppID)) != 0 {
		t.Fatalf("lone %d, jobs %d", b.Lone, len(sim.Jobs(w.AppID)))
	}
}

func TestExpiredSnapshotStopsTheBroadcast(t *testing.T) {
	t.Parallel()
	w := bctest.New(t, sim, bctest.Config{Followers: 3})
	b := w.Approved("everyone")
	// The snapshot outlived its 30 days (here: is deleted).
	keys, _ := w.Store.Redis().Keys(w.Ctx, w.Store.KeyPrefix()+"bc:{bca:*").Result()
	if len(keys) == 0 {
		t.Fatal("no snapshot keys")
	}
	w.Store.Redis().Del(w.Ctx, keys...)
	sim.Interact(w.AppID, bctest.Owner.OpenID, "message", time.Now())
	_, _ = w.Lifecycle.Send(w.Ctx, bctest.Editor, b.ID, time.Time{}, broadcast.SendOptions{})
	w.Run()
	b = w.Wait(b.ID, "stopped", func(b *broadcast.Broadcast) bool { return b.State == broadcast.StatePartiallyFailed })
	if !strings.Contains(b.Failure, "preview again") || len(sim.Jobs(w.AppID)) != 0 {
		t.Fatalf("failure %q, %d jobs", b.Failure, len(sim.Jobs(w.AppID)))
	}
	if b.FailureKind != broadcast.FailExpired {
		t.Fatalf("failure kind %q, want %q", b.FailureKind, broadcast.FailExpired)
	}
}

func TestScheduledSendMissedByHoursWaitsForAPerson(t *testing.T) {
	t.Parallel()
	w := bctest.New(t, sim, bctest.Config{Followers: 3})
	b := w.Approved("everyone")
	if _, err := w.Lifecycle.Send(w.Ctx, bctest.Editor, b.ID, w.Clock.Now().Add(time.Hour), broadcast.SendOptions{}); err != nil {
		t.Fatal(err)
	}
	// Every replica was down from before the time until three hours after.
	w.Clock.Add(4 * time.Hour)
	w.Run()
	b = w.Wait(b.ID, "back to approved", func(b *broadcast.Broadcast) bool { return b.State == broadcast.StateApproved && len(b.Notices) == 1 })
	if len(sim.Jobs(w.AppID)) != 0 || !strings.Contains(b.Notices[0].Text, "未发送") || b.Notices[0].To != bctest.Editor.OpenID {
		t.Fatalf("jobs %d, notices %+v", len(sim.Jobs(w.AppID)), b.Notices)
	}
	if act, _ := w.Store.Broadcasts().Active(w.Ctx); slices.Contains(act, b.ID) {
		t.Fatal("still watched by the sender")
	}
}
