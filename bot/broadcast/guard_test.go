package broadcast

import (
	"strings"
	"testing"
	"time"
)

// seriesOf turns approved broadcast b into a two-step series (3 h and 1 h
// before a deadline 4 h away), previews, approves and sends it.
func (e *env) seriesOf(b *Broadcast, tag string) *Broadcast {
	e.t.Helper()
	deadline := e.clock.Now().Add(4 * time.Hour)
	if _, err := e.svc.Remind(e.ctx, editor, b.ID, deadline, []time.Duration{3 * time.Hour, time.Hour}, tag); err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.svc.Preview(e.ctx, editor, b.ID); err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.svc.Approve(e.ctx, approver, b.ID, "", ""); err != nil {
		e.t.Fatal(err)
	}
	b, err := e.svc.Send(e.ctx, editor, b.ID, time.Time{}, SendOptions{})
	if err != nil {
		e.t.Fatal(err)
	}
	return b
}

func ownerNotices(b *Broadcast, word string) int {
	n := 0
	for _, x := range b.Notices {
		if x.To == owner.OpenID && strings.Contains(x.Text, word) {
			n++
		}
	}
	return n
}

func TestUnsubscribeGuardrailPausesWhatIsLeft(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 120, func(o *Options) { o.BatchSize, o.BatchInterval, o.AlertUnsubscribeRate = 50, 0, 0.03 })
	e.run()
	b := e.seriesOf(e.approved("everyone"), "")
	e.clock.Add(time.Hour)
	e.wait(b.ID, "first step sent", func(b *Broadcast) bool { return b.State == StateScheduled && b.Step == 1 })

	now := e.clock.Now()
	for i, o := range followerIDs(4)[:3] {
		e.unfollow(o)
		if err := e.svc.Unsubscribed(e.ctx, o, now.Add(time.Duration(i)*time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	_ = e.svc.Unsubscribed(e.ctx, "oF0000", now.Add(time.Hour)) // a retried callback counts once
	if b, _ = e.svc.Get(e.ctx, b.ID); b.State != StateScheduled {
		t.Fatalf("3 of 120 (2.5%%) paused it: %s", b.State)
	}
	e.unfollow("oF0003")
	if err := e.svc.Unsubscribed(e.ctx, "oF0003", now.Add(5*time.Minute)); err != nil {
		t.Fatal(err)
	}
	b, _ = e.svc.Get(e.ctx, b.ID)
	if b.State != StatePaused || b.Paused == nil || b.Paused.Reason != "unsubscribe" || !b.Paused.Scheduled {
		t.Fatalf("4 of 120 (3.3%%) did not pause it: %s %+v", b.State, b.Paused)
	}
	if n, err := e.svc.Unsubscribes(e.ctx, b.ID); n != 4 || err != nil {
		t.Errorf("unsubscribes %d %v, want 4", n, err)
	}
	b = e.wait(b.ID, "the owners alerted", func(b *Broadcast) bool { return ownerNotices(b, "取关") == 1 })
	// Paused: the second reminder does not go out at its time.
	e.clock.Add(2 * time.Hour)
	time.Sleep(1500 * time.Millisecond)
	if b, _ = e.svc.Get(e.ctx, b.ID); b.State != StatePaused || b.Step != 1 || len(b.Batches) != 3 {
		t.Fatalf("a paused series went on: %s step %d, %d batches", b.State, b.Step, len(b.Batches))
	}
	// An owner resumes: it goes on (the step is late but within the hour),
	// and the same rate does not pause it again.
	if b, err := e.svc.Resume(e.ctx, owner, b.ID, ""); err != nil || b.State != StateScheduled {
		t.Fatalf("resume: %v", err)
	}
	b = e.wait(b.ID, "second step sent", func(b *Broadcast) bool { return b.State == StateSent })
	e.unfollow("oF0010")
	_ = e.svc.Unsubscribed(e.ctx, "oF0010", e.clock.Now())
	time.Sleep(200 * time.Millisecond) // an alert, if any, would be queued
	if b, _ = e.svc.Get(e.ctx, b.ID); b.State != StateSent || ownerNotices(b, "取关") != 1 {
		t.Errorf("after resume: %s, %d alerts", b.State, ownerNotices(b, "取关"))
	}
	for _, o := range followerIDs(4) {
		if n := e.delivered()[o]; n != 1 {
			t.Errorf("%s unsubscribed after the first reminder but received %d", o, n)
		}
	}
}

// Not parallel with the simulator's faults, but it uses none: the reports
// are WeChat's job reports, fed as the callback would.
func TestFailureGuardrailPausesRemainingBatches(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 300, func(o *Options) { o.BatchSize, o.BatchInterval = 100, time.Hour })
	e.run()
	b := e.approved("everyone")
	if _, err := e.svc.Send(e.ctx, editor, b.ID, time.Time{}, SendOptions{}); err != nil {
		t.Fatal(err)
	}
	b = e.wait(b.ID, "first batch", func(b *Broadcast) bool { return len(b.Batches) == 3 && b.Batches[0].State == BatchSent })
	x := b.Batches[0]
	if err := e.svc.JobFinished(e.ctx, JobReport{MsgID: x.MsgID, Status: "send success", Total: 100, Filtered: 100, Sent: 92, Errors: 8}); err != nil {
		t.Fatal(err)
	}
	b, _ = e.svc.Get(e.ctx, b.ID)
	if b.State != StatePaused || b.Paused.Reason != "failure" {
		t.Fatalf("8%% failed: state %s, pause %+v", b.State, b.Paused)
	}
	e.wait(b.ID, "the owners alerted", func(b *Broadcast) bool { return ownerNotices(b, "失败率") == 1 })
	e.clock.Add(2 * time.Hour)
	e.svc.Kick()
	time.Sleep(time.Second)
	if b, _ = e.svc.Get(e.ctx, b.ID); b.Progress().Done != 1 || len(e.delivered()) != 100 {
		t.Fatalf("paused, yet %d batches sent, %d delivered", b.Progress().Done, len(e.delivered()))
	}
	b, err := e.svc.Resume(e.ctx, owner, b.ID, "")
	if err != nil || b.State != StateSending {
		t.Fatalf("resume: %v %s", err, b.State)
	}
	_, err = e.svc.Resume(e.ctx, owner, b.ID, "")
	refusal(t, err, CodeNotPaused)
	e.wait(b.ID, "second batch", func(b *Broadcast) bool { return b.Progress().Done == 2 })
	e.clock.Add(2 * time.Hour)
	b = e.wait(b.ID, "sent", func(b *Broadcast) bool { return b.State == StateSent })
	if len(e.delivered()) != 300 {
		t.Errorf("delivered %d, want 300", len(e.delivered()))
	}
}

func TestLateReminderIsSkippedNotSentLate(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 4, func(o *Options) { o.BatchInterval = 0 })
	e.run()
	b := e.seriesOf(e.approved("everyone"), "")
	e.clock.Add(time.Hour)
	e.wait(b.ID, "first reminder sent", func(b *Broadcast) bool { return b.State == StateScheduled && b.Step == 1 })
	if _, err := e.svc.Pause(e.ctx, owner, b.ID); err != nil {
		t.Fatal(err)
	}
	e.clock.Add(4 * time.Hour) // the second reminder was due 2 h ago
	if _, err := e.svc.Resume(e.ctx, owner, b.ID, ""); err != nil {
		t.Fatal(err)
	}
	b = e.wait(b.ID, "series ended", func(b *Broadcast) bool { return b.State == StateSent })
	for o, n := range e.delivered() {
		if n != 1 {
			t.Errorf("%s received %d, want only the first reminder", o, n)
		}
	}
	e.wait(b.ID, "creator told", func(b *Broadcast) bool {
		for _, n := range b.Notices {
			if n.To == editor.OpenID && strings.Contains(n.Text, "已跳过") {
				return true
			}
		}
		return false
	})
}
