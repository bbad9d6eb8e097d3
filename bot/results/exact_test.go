package results_test

import (
	"math"
	"testing"
	"time"

	"github.com/wxcast/wxcast/bot/broadcast"
	"github.com/wxcast/wxcast/bot/results"
	"github.com/wxcast/wxcast/internal/bctest"
)

// sendWith previews, approves and sends b after set changed it (a
// variant, a holdout), and waits until it is sent.
func sendWith(t *testing.T, w *bctest.World, b *broadcast.Broadcast, set func(id int64) error) *broadcast.Broadcast {
	t.Helper()
	if err := set(b.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Lifecycle.Preview(w.Ctx, bctest.Editor, b.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Lifecycle.Approve(w.Ctx, bctest.Approver, b.ID, "", ""); err != nil {
		t.Fatal(err)
	}
	w.SendNow(b.ID)
	return w.Wait(b.ID, "sent", func(b *broadcast.Broadcast) bool { return b.State == broadcast.StateSent })
}

// accepted is when b's batches were accepted: the first and the last.
func accepted(b *broadcast.Broadcast) (first, last time.Time) {
	for _, x := range b.Batches {
		if first.IsZero() || x.Accepted.Before(first) {
			first = x.Accepted
		}
		if x.Accepted.After(last) {
			last = x.Accepted
		}
	}
	return first, last
}

// TestConversionsCountedExactlyAgainstHoldout: every converter is counted
// (an arm of more than 2,000, where callbacks would read a sample of
// 2,000), a conversion before the follower's batch is not, nor one after
// the window, and the version is compared with the holdout.
func TestConversionsCountedExactlyAgainstHoldout(t *testing.T) {
	t.Parallel()
	w := bctest.New(t, sim, bctest.Config{Followers: 2600, BatchSize: 1000})
	w.Run()
	b := sendWith(t, w, w.Approved("everyone"), func(id int64) error {
		_, err := w.Lifecycle.SetHoldout(w.Ctx, bctest.Editor, id, 10)
		return err
	})
	first, last := accepted(b)
	conv := func(o string, at time.Time) {
		t.Helper()
		if err := w.Results.Converted(w.Ctx, o, []string{"last_order_at"}, at); err != nil {
			t.Fatal(err)
		}
	}
	wantA, wantH, lateA, recorded := 0, 0, 0, 0
	for i, o := range bctest.FollowerIDs(2600) {
		holdout := broadcast.ArmOf(o, b.ID, 10, 1) < 0
		switch {
		case holdout && i%4 == 0:
			conv(o, first.Add(2*time.Hour))
			wantH++
			recorded++
		case holdout && i%4 == 1:
			conv(o, first.Add(-time.Minute)) // before sending began
		case !holdout && i%3 == 0:
			conv(o, last.Add(time.Hour))
			conv(o, last.Add(2*time.Hour)) // a second order: the first counts
			wantA++
			recorded++
		case !holdout && i%3 == 1 && i%2 == 0:
			conv(o, first.Add(-time.Minute)) // before their batch: never counted
			conv(o, last.Add(30*time.Hour))  // after the 24 h window
			lateA++
			recorded++
		}
	}
	// Followers outside the broadcast, and conversions long after it was
	// measured, are nobody's.
	conv("oStranger", last.Add(time.Hour))
	conv(bctest.FollowerID(0), last.Add(results.MaxWindow+25*time.Hour))
	if n, err := w.Store.Conversions().Count(w.Ctx, b.ID); err != nil || int(n) != recorded {
		t.Fatalf("%d conversions recorded (%v), want %d", n, err, recorded)
	}

	res, err := w.Results.Measure(w.Ctx, b, results.MetricConversion, 0, "")
	if err != nil || res == nil || len(res.Arms) != 2 {
		t.Fatalf("results %+v %v", res, err)
	}
	a, h := res.Arms[0], res.Arms[1]
	if res.Metric != results.MetricConversion || res.Window != 24*time.Hour || res.Versus != results.VersusHoldout {
		t.Errorf("results %+v", res)
	}
	if a.Measured != b.Arms[0] || a.Measured <= 2000 || a.Interacted != wantA {
		t.Errorf("A: %d of %d converted, want %d of all %d", a.Interacted, a.Measured, wantA, b.Arms[0])
	}
	if !h.Holdout || h.Measured != b.Arms[1] || h.Interacted != wantH {
		t.Errorf("holdout: %d of %d, want %d of %d", h.Interacted, h.Measured, wantH, b.Arms[1])
	}
	if !a.HasLift || math.Abs(a.Lift-(a.Share-h.Share)) > 1e-9 || a.LiftLo >= a.Lift || a.LiftHi <= a.Lift || h.HasLift {
		t.Errorf("lift: A %+v, holdout %+v", a, h)
	}
	if a.Lo >= a.Share || a.Hi <= a.Share {
		t.Errorf("A's interval %v–%v around %v", a.Lo, a.Hi, a.Share)
	}
	// A window of 48 h takes in the late ones, one of 1 h only the
	// holdout's… none of them: theirs came 2 h after the first batch.
	res, _ = w.Results.Conversions(w.Ctx, b, 48*time.Hour)
	if res.Arms[0].Interacted != wantA+lateA || res.Arms[1].Interacted != wantH {
		t.Errorf("48 h: %+v, want A %d", res.Arms, wantA+lateA)
	}
	res, _ = w.Results.Conversions(w.Ctx, b, time.Hour)
	if res.Arms[1].Interacted != 0 {
		t.Errorf("1 h: %+v", res.Arms)
	}
}

// TestClicksComparedBetweenVersions: each version's clickers of those who
// received it, repeated taps once, clicks after the window not, taps by
// others apart, and B compared with A.
func TestClicksComparedBetweenVersions(t *testing.T) {
	t.Parallel()
	w := bctest.New(t, sim, bctest.Config{Followers: 300, BatchSize: 50})
	w.Run()
	b := sendWith(t, w, w.Approved("everyone"), func(id int64) error {
		_, err := w.Lifecycle.AddVariant(w.Ctx, bctest.Editor, id, broadcast.Content{Type: "text", Text: "hello B"})
		return err
	})
	if clicks, conv, err := w.Results.Signals(w.Ctx, b); clicks || conv || err != nil {
		t.Fatalf("signals before any click: %v %v %v", clicks, conv, err)
	}
	_, last := accepted(b)
	links := w.Store.Links()
	click := func(v int, o string, at time.Time) {
		t.Helper()
		if _, err := links.RecordClick(w.Ctx, b.ID, v, 0, o, at); err != nil {
			t.Fatal(err)
		}
	}
	want := []int{0, 0}
	for i, o := range bctest.FollowerIDs(300) {
		v := broadcast.ArmOf(o, b.ID, 0, 2)
		switch {
		case v == 0 && i%4 == 0, v == 1 && i%2 == 0:
			click(v, o, last.Add(time.Hour))
			click(v, o, last.Add(90*time.Minute)) // a second tap
			want[v]++
		case v == 0 && i%4 == 1:
			click(v, o, last.Add(30*time.Hour)) // after the window
		}
	}
	for range 3 {
		if err := links.RecordTap(w.Ctx, b.ID, 1, 0, "a"); err != nil {
			t.Fatal(err)
		}
	}
	if clicks, _, _ := w.Results.Signals(w.Ctx, b); !clicks {
		t.Fatal("signals miss the clicks")
	}
	res, err := w.Results.Measure(w.Ctx, b, results.MetricClick, 0, "")
	if err != nil || res == nil || len(res.Arms) != 2 {
		t.Fatalf("results %+v %v", res, err)
	}
	a, bb := res.Arms[0], res.Arms[1]
	if a.Interacted != want[0] || bb.Interacted != want[1] || a.Measured != b.Arms[0] || bb.Measured != b.Arms[1] {
		t.Errorf("A %d/%d, B %d/%d; want %v of %v", a.Interacted, a.Measured, bb.Interacted, bb.Measured, want, b.Arms)
	}
	if res.Versus != results.VersusFirst || a.HasLift || !bb.HasLift || math.Abs(bb.Lift-(bb.Share-a.Share)) > 1e-9 || bb.LiftLo <= 0 {
		t.Errorf("B vs A: %+v (A %+v)", bb, a)
	}
	if res.Other != 3 {
		t.Errorf("other taps %d, want 3", res.Other)
	}
}
