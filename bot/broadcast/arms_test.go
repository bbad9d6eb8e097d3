package broadcast

import (
	"fmt"
	"testing"
	"time"
)

func TestArmOfIsDeterministicAndSplits(t *testing.T) {
	t.Parallel()
	counts := map[int]int{}
	for i := range 20000 {
		o := fmt.Sprintf("o%06d", i)
		a := armOf(o, 42, 10, 2)
		if armOf(o, 42, 10, 2) != a {
			t.Fatal("armOf is not deterministic")
		}
		counts[a]++
	}
	// 10% holdout, the rest halved: within a few standard deviations.
	if h := counts[-1]; h < 1800 || h > 2200 {
		t.Errorf("holdout %d of 20000, want about 2000", h)
	}
	if a, b := counts[0], counts[1]; a < 8700 || b < 8700 {
		t.Errorf("variants %d / %d, want about 9000 each", a, b)
	}
	// Another broadcast splits the same followers differently.
	same := 0
	for i := range 1000 {
		o := fmt.Sprintf("o%06d", i)
		if armOf(o, 42, 50, 1) == armOf(o, 43, 50, 1) {
			same++
		}
	}
	if same > 600 || same < 400 {
		t.Errorf("%d of 1000 in the same arm of two broadcasts, want about 500", same)
	}
}

func TestHoldoutAndVariants(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 200, func(o *Options) { o.BatchSize, o.BatchInterval = 40, 0 })
	e.run()
	// The followers subscribed just now: send a minute later, so that
	// their subscribe is not an interaction with the broadcast.
	e.clock.Add(time.Minute)
	b := e.approved("everyone")
	b, err := e.svc.AddVariant(e.ctx, editor, b.ID, Content{Type: "text", Text: "hello B"})
	if err != nil || b.State != StateDraft || b.Plan != nil {
		t.Fatalf("variant voids the plan: %v %s", err, b.State)
	}
	_, err = e.svc.SetHoldout(e.ctx, editor, b.ID, 60)
	refusal(t, err, CodeBadHoldout)
	_, err = e.svc.SetHoldout(e.ctx, editor2, b.ID, 20)
	refusal(t, err, CodeNotYours)
	if _, err = e.svc.SetHoldout(e.ctx, editor, b.ID, 20); err != nil {
		t.Fatal(err)
	}
	before := len(sim.Previews(e.appID))
	if b, err = e.svc.Preview(e.ctx, editor, b.ID); err != nil {
		t.Fatal(err)
	}
	if got := sim.Previews(e.appID)[before:]; len(got) != 2 || got[0].Content != "hello" || got[1].Content != "hello B" {
		t.Fatalf("previews %+v, want one per version", got)
	}
	if _, err := e.svc.Approve(e.ctx, approver, b.ID, "", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Send(e.ctx, editor, b.ID, time.Time{}, SendOptions{}); err != nil {
		t.Fatal(err)
	}
	b = e.wait(b.ID, "sent", func(b *Broadcast) bool { return b.State == StateSent })

	// Every follower got exactly what their arm says; the holdout nothing.
	want := map[string]string{}
	arms := make([]int, 3)
	for _, o := range followerIDs(200) {
		switch a := armOf(o, b.ID, 20, 2); a {
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
	for _, j := range sim.Jobs(e.appID) {
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
	for _, o := range followerIDs(200) {
		switch armOf(o, b.ID, 20, 2) {
		case 1:
			e.act(o, sent.Add(time.Hour), "")
		case 0:
			e.act(o, sent.Add(-time.Hour), "")
		case -1:
			if holdoutSeen%4 == 0 {
				e.act(o, sent.Add(2*time.Hour), "clicked")
				holdoutActed++
			}
			holdoutSeen++
		}
	}
	res, err := e.svc.Results(e.ctx, b, 0, "")
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
	res, err = e.svc.Results(e.ctx, b, 3*time.Hour, "clicked")
	if err != nil || res.Arms[1].Interacted != 0 || res.Arms[2].Interacted != holdoutActed {
		t.Errorf("by tag: %+v %v", res, err)
	}
	// A window that closes before anyone wrote counts nobody.
	res, _ = e.svc.Results(e.ctx, b, 30*time.Minute, "")
	if res.Arms[1].Interacted != 0 || res.Arms[2].Interacted != 0 {
		t.Errorf("30 min window: %+v", res.Arms)
	}
}
