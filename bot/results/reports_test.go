package results_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/wxcast/wxcast/bot/broadcast"
	"github.com/wxcast/wxcast/internal/bctest"
)

func TestJobReportsAnnounceOnce(t *testing.T) {
	t.Parallel()
	w := bctest.New(t, sim, bctest.Config{Followers: 4, AlertFailureRate: 0.1, Manual: true})
	for _, a := range []broadcast.Admin{bctest.Editor, bctest.Approver, bctest.Owner} {
		sim.Interact(w.AppID, a.OpenID, "message", time.Now())
	}
	b := w.Approved("everyone")
	_, _ = w.Lifecycle.Send(w.Ctx, bctest.Editor, b.ID, time.Time{}, broadcast.SendOptions{})
	w.Run()
	b = w.Wait(b.ID, "sent", func(b *broadcast.Broadcast) bool { return b.State == broadcast.StateSent })
	for i, x := range b.Batches {
		r := broadcast.JobReport{MsgID: x.MsgID, Status: "send success", Total: x.Size, Filtered: x.Size, Sent: x.Size - i, Errors: i}
		for range 2 { // WeChat may deliver a report twice
			if err := w.Results.JobFinished(w.Ctx, r); err != nil {
				t.Fatal(err)
			}
		}
	}
	// The sender loop tells people, once, after the last report.
	b = w.Wait(b.ID, "the notices", func(b *broadcast.Broadcast) bool { return b.Reported && len(sim.CustomMessages(w.AppID)) >= 3 })
	if p := b.Progress(); p.Reported != 2 || p.Sent != 3 || p.Errors != 1 {
		t.Fatalf("progress %+v", p)
	}
	// Two more polls (the second tick is taken only once the first poll is
	// done): nothing more may come.
	w.Clock.Add(time.Second)
	w.Clock.Add(time.Second)
	to := map[string]int{}
	for _, m := range sim.CustomMessages(w.AppID) {
		to[m.To]++
	}
	// Creator and approver told once each; the owner alerted (25% > 10%).
	if to[bctest.Editor.OpenID] != 1 || to[bctest.Approver.OpenID] != 1 || to[bctest.Owner.OpenID] != 1 {
		t.Fatalf("notices by recipient %v", to)
	}
	// A report about a send that is not ours is ignored.
	if err := w.Results.JobFinished(w.Ctx, broadcast.JobReport{MsgID: 987654321}); err != nil {
		t.Fatal(err)
	}
}

func TestHoldoutAndVariants(t *testing.T) {
	t.Parallel()
	w := bctest.New(t, sim, bctest.Config{Followers: 200, BatchSize: 40})
	w.Run()
	// The followers subscribed just now: send a minute later, so that
	// their subscribe is not an interaction with the broadcast.
	w.Clock.Add(time.Minute)
	b := w.Approved("everyone")
	b, err := w.Lifecycle.AddVariant(w.Ctx, bctest.Editor, b.ID, broadcast.Content{Type: "text", Text: "hello B"})
	if err != nil || b.State != broadcast.StateDraft || b.Plan != nil {
		t.Fatalf("variant voids the plan: %v %s", err, b.State)
	}
	_, err = w.Lifecycle.SetHoldout(w.Ctx, bctest.Editor, b.ID, 60)
	w.Refusal(err, broadcast.CodeBadHoldout)
	_, err = w.Lifecycle.SetHoldout(w.Ctx, bctest.Editor2, b.ID, 20)
	w.Refusal(err, broadcast.CodeNotYours)
	if _, err = w.Lifecycle.SetHoldout(w.Ctx, bctest.Editor, b.ID, 20); err != nil {
		t.Fatal(err)
	}
	before := len(sim.Previews(w.AppID))
	if b, err = w.Lifecycle.Preview(w.Ctx, bctest.Editor, b.ID); err != nil {
		t.Fatal(err)
	}
	if got := sim.Previews(w.AppID)[before:]; len(got) != 2 || got[0].Content != "hello" || got[1].Content != "hello B" {
		t.Fatalf("previews %+v, want one per version", got)
	}
	if _, err := w.Lifecycle.Approve(w.Ctx, bctest.Approver, b.ID, "", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Lifecycle.Send(w.Ctx, bctest.Editor, b.ID, time.Time{}, broadcast.SendOptions{}); err != nil {
		t.Fatal(err)
	}
	b = w.Wait(b.ID, "sent", func(b *broadcast.Broadcast) bool { return b.State == broadcast.StateSent })

	// Every follower got exactly what their arm says; the holdout nothing.
	want := map[string]string{}
	arms := make([]int, 3)
	for _, o := range bctest.FollowerIDs(200) {
		switch a := broadcast.ArmOf(o, b.ID, 20, 2); a {
		case -1:
			arms[2]++
		default:
			arms[a]++
			want[o] = []string{"hello", "hello B"}[a]
		}
	}
	if fmt.Sprint(b.Arms) != fmt.Sprint(arms) || arms[0] == 0 || arms[1] == 0 || arms[2] == 0 {
		t.Fatalf("arms %v, want %v (none empty)", b.Arms, arms)
	}
	got := map[string]string{}
	for _, j := range sim.Jobs(w.AppID) {
		for _, o := range j.ToUser {
			if _, twice := got[o]; twice {
				t.Fatalf("%s got two versions", o)
			}
			got[o] = j.Content
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("recipients and versions differ from the split:\n got %v\nwant %v", got, want)
	}

	// Interaction: every B recipient and a quarter of the holdout write in
	// within the window; A recipients wrote before their batch (not counted).
	sent := b.Batches[0].Accepted
	holdoutActed, holdoutSeen := 0, 0
	for _, o := range bctest.FollowerIDs(200) {
		switch broadcast.ArmOf(o, b.ID, 20, 2) {
		case 1:
			w.Act(o, sent.Add(time.Hour), "")
		case 0:
			w.Act(o, sent.Add(-time.Hour), "")
		case -1:
			if holdoutSeen%4 == 0 {
				w.Act(o, sent.Add(2*time.Hour), "clicked")
				holdoutActed++
			}
			holdoutSeen++
		}
	}
	res, err := w.Results.Results(w.Ctx, b, 0, "")
	if err != nil || res == nil || len(res.Arms) != 3 {
		t.Fatalf("results %+v %v", res, err)
	}
	a, bb, h := res.Arms[0], res.Arms[1], res.Arms[2]
	if a.Interacted != 0 || a.Measured != arms[0] || bb.Interacted != arms[1] || bb.Share != 1 {
		t.Errorf("A %+v, B %+v", a, bb)
	}
	if !h.Holdout || h.Interacted != holdoutActed || h.Measured != arms[2] {
		t.Errorf("holdout %+v, want %d of %d", h, holdoutActed, arms[2])
	}
	if !bb.HasLift || bb.LiftLo <= 0 || bb.Lift <= 0 || a.LiftHi >= 0 {
		t.Errorf("lifts: A %+v B %+v", a, bb)
	}
	if h.Lo > h.Share || h.Hi < h.Share || h.Lo <= 0 || h.Hi >= 1 {
		t.Errorf("holdout interval %v–%v around %v", h.Lo, h.Hi, h.Share)
	}
	// By tag: only the holdout members got "clicked".
	res, err = w.Results.Results(w.Ctx, b, 3*time.Hour, "clicked")
	if err != nil || res.Arms[1].Interacted != 0 || res.Arms[2].Interacted != holdoutActed {
		t.Errorf("by tag: %+v %v", res, err)
	}
	// A window that closes before anyone wrote counts nobody.
	res, _ = w.Results.Results(w.Ctx, b, 30*time.Minute, "")
	if res.Arms[1].Interacted != 0 || res.Arms[2].Interacted != 0 {
		t.Errorf("30 min window: %+v", res.Arms)
	}
}
