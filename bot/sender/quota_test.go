package sender_test

import (
	"strings"
	"testing"
	"time"

	"github.com/wxcast/wxcast/bot/broadcast"
	"github.com/wxcast/wxcast/bot/sender"
	"github.com/wxcast/wxcast/configs"
	"github.com/wxcast/wxcast/internal/bctest"
	"github.com/wxcast/wxcast/internal/wxsim"
)

func TestQuotaWallHoldsEveryReplicaUntilTheResetAndTheQuietHoursEnd(t *testing.T) {
	// Not parallel: the quota is set for every app of the simulator.
	sim.SetDailyQuota(massSendPath, 2)
	t.Cleanup(func() { sim.SetDailyQuota(massSendPath, 100) })
	start := time.Date(2026, 12, 7, 15, 0, 0, 0, time.UTC) // 23:00 in Beijing
	quiet := broadcast.Windows{Loc: time.UTC, Quiet: configs.ClockRange{From: 16 * 60, To: 17 * 60}}
	w := bctest.New(t, sim, bctest.Config{Followers: 9, SimClock: true, Start: start, Sender: func(o *sender.Options) {
		o.Windows = quiet
	}})
	sim.Interact(w.AppID, bctest.Owner.OpenID, "message", start)
	sim.Interact(w.AppID, bctest.Editor.OpenID, "message", start)
	// With the account's tags all taken the plan cannot switch to the tag
	// channel: its openid batches, 3 calls for a quota of 2, meet the wall.
	w.FillTags()
	b := w.Approved("everyone")
	if c := b.Plan.Calls; b.Plan.Channel != "" || c == nil || !c.Short || c.NoTag == nil || c.NoTag.Reason != broadcast.NoTagTags {
		t.Fatalf("plan channel %q calls %+v, want openid batches, short of quota, no free tag", b.Plan.Channel, c)
	}
	w.SendNow(b.ID)
	stopA := w.Run()

	// Two batches spend the day's quota; the third is refused once, and
	// the broadcast waits for 00:05 Beijing (16:05 UTC), which lies in the
	// quiet hours: it goes on at 17:00.
	resume := time.Date(2026, 12, 7, 17, 0, 0, 0, time.UTC)
	b = w.Wait(b.ID, "the quota wait", func(b *broadcast.Broadcast) bool { return !b.QuotaUntil.IsZero() })
	if !b.QuotaUntil.Equal(resume) || !b.Batches[2].NotBefore.Equal(resume) || b.Progress().Done != 2 {
		t.Fatalf("waits until %v (batch %+v), want %v after 2 batches", b.QuotaUntil, b.Batches[2], resume)
	}
	wall, err := w.Store.QuotaWalls(w.AppID).Get(w.Ctx, massSendPath, w.Clock.Now())
	if want := time.Date(2026, 12, 7, 16, 5, 0, 0, time.UTC); err != nil || !wall.Equal(want) {
		t.Fatalf("wall %v (%v), want %v", wall, err, want)
	}
	w.Wait(b.ID, "the creator's and the owner's notices", func(*broadcast.Broadcast) bool {
		return ownerGot(w, "额度已用完") == 1 && toGot(w, bctest.Editor.OpenID, "额度已用完") == 1
	})

	// Another replica, with a client of its own, sends another broadcast:
	// the wall in Redis keeps it from calling WeChat at all.
	stopA()
	o := w.SenderOptions
	o.Owner = "second-" + t.Name()
	o.API = w.NewAPI()
	b2 := w.Approved("everyone")
	w.SendNow(b2.ID)
	w.RunSender(sender.New(o))
	w.Wait(b2.ID, "the second broadcast's quota wait", func(b *broadcast.Broadcast) bool { return !b.QuotaUntil.IsZero() })
	if all, refused := massCalls(w, massSendPath, wxsim.CodeDailyQuota); all != 3 || refused != 1 {
		t.Fatalf("%d mass sends, %d refused with 45009; want 3 and 1", all, refused)
	}

	// Pause and cancel work meanwhile.
	if _, err := w.Lifecycle.Pause(w.Ctx, bctest.Owner, b.ID); err != nil {
		t.Fatal("pause during the wait:", err)
	}
	if _, err := w.Lifecycle.Cancel(w.Ctx, bctest.Editor, b2.ID); err != nil {
		t.Fatal("cancel during the wait:", err)
	}
	if _, err := w.Lifecycle.Resume(w.Ctx, bctest.Owner, b.ID, ""); err != nil {
		t.Fatal("resume during the wait:", err)
	}

	// After the reset but in the quiet hours: still nothing.
	w.Clock.Add(90 * time.Minute) // 16:30
	stillFor(t, w, massSendPath, 3, 1500*time.Millisecond, "after the reset, in the quiet hours")
	w.Clock.Add(31 * time.Minute) // 17:01
	b = w.Wait(b.ID, "sent", func(b *broadcast.Broadcast) bool { return b.State == broadcast.StateSent })
	if !b.QuotaUntil.IsZero() {
		t.Fatalf("still shows the quota wait: %v", b.QuotaUntil)
	}
	// Two hours on, the token has expired too: that answer (42001) is
	// not a send.
	_, expired := massCalls(w, massSendPath, wxsim.CodeAccessTokenExpired)
	if all, refused := massCalls(w, massSendPath, wxsim.CodeDailyQuota); all-expired != 4 || refused != 1 {
		t.Fatalf("%d mass sends, %d refused; want 4 and 1", all, refused)
	}
	if n := len(w.Delivered()); n != 9 {
		t.Fatalf("%d followers reached, want 9", n)
	}
}

// toGot counts openid's messages that hold s.
func toGot(w *bctest.World, openid, s string) int {
	n := 0
	for _, m := range sim.CustomMessages(w.AppID) {
		if m.To == openid && strings.Contains(m.Content, s) {
			n++
		}
	}
	return n
}

// A batch that may have gone out and must wait for the quota past its
// 23 hours becomes unknown at once: by the reset, WeChat could no longer
// tell whether it was sent. The batch after it waits for the reset.
func TestQuotaWaitPastTheWindowLeavesALostBatchUnknown(t *testing.T) {
	// Not parallel: the simulator's injected faults hit any app.
	t.Cleanup(func() { sim.FailNext(massSendPath, 0, 0) })
	start := time.Date(2026, 12, 7, 16, 10, 0, 0, time.UTC) // 00:10 in Beijing
	lossy, wire := lossyNet(false)
	w := bctest.New(t, sim, bctest.Config{Followers: 9, SimClock: true, Start: start, AlertFailureRate: 0.99, Sender: wire})
	b := w.Approved("everyone")
	lossy.lose[b.ClientMsgID(1)] = true
	w.SendNow(b.ID)
	w.Run()
	w.Wait(b.ID, "batch 1's answer lost", func(b *broadcast.Broadcast) bool {
		return len(b.Batches) > 1 && strings.Contains(b.Batches[1].Error, "connection reset") // the answer, not the intent
	})
	sim.FailNext(massSendPath, wxsim.CodeDailyQuota, 1)
	w.Clock.Add(time.Minute) // the question is refused: the quota is back at 00:05 tomorrow, 23 h 55 min on
	b = w.Wait(b.ID, "batch 1 unknown", func(b *broadcast.Broadcast) bool { return b.Batches[1].State == broadcast.BatchUnknown })
	if got := w.Clock.Now().Sub(start); got > 2*time.Minute {
		t.Fatalf("unknown only after %v", got)
	}
	if b.State != broadcast.StateSending || b.Batches[2].State != broadcast.BatchPending && b.Batches[2].State != broadcast.BatchSending {
		t.Fatalf("state %s, batch 2 %+v: the rest should wait for the quota", b.State, b.Batches[2])
	}
	b = w.WaitDriving(b.ID, "the end", time.Hour, func(b *broadcast.Broadcast) bool { return b.State == broadcast.StatePartiallyFailed })
	if b.Batches[2].State != broadcast.BatchSent || b.Batches[2].Accepted.Before(time.Date(2026, 12, 8, 16, 5, 0, 0, time.UTC)) {
		t.Fatalf("batch 2 %+v: want sent after the reset", b.Batches[2])
	}
	if n := lossy.seen[b.ClientMsgID(1)]; n != 2 {
		t.Fatalf("batch 1 tried %d times, want 2 (the lost one and the refused question)", n)
	}
}
