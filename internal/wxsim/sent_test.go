package wxsim

import (
	"slices"
	"testing"
)

// TestSentSince reads an app's messages in steps: each step returns what
// is new since the last, once, and another app's messages never.
func TestSentSince(t *testing.T) {
	e := newMsgEnv(t)
	var cur SentCursor
	got, cur := e.sim.SentSince(testApp, cur)
	if len(got.Jobs)+len(got.Custom)+len(got.Previews)+len(got.Templates) != 0 {
		t.Fatalf("a new app has sent %+v", got)
	}
	e.sim.Unfollow(testApp, "oGone")
	wantCode(t, e.post(pathMassSend, massText([]string{"oA", "oB", "oGone"}, "first", "0")), 0)
	got, cur = e.sim.SentSince(testApp, cur)
	if len(got.Jobs) != 1 || got.Jobs[0].Content != "first" || !slices.Equal(got.Jobs[0].Skipped, []string{"oGone"}) {
		t.Fatalf("first step: %+v", got.Jobs)
	}
	got.Jobs[0].ToUser[0] = "changed" // a copy
	wantCode(t, e.post(pathMassSend, massText([]string{"oA", "oB"}, "second", "1")), 0)
	got, cur = e.sim.SentSince(testApp, cur)
	if len(got.Jobs) != 1 || got.Jobs[0].Content != "second" {
		t.Fatalf("second step: %+v", got.Jobs)
	}
	if j := e.sim.Jobs(testApp); j[0].ToUser[0] != "oA" {
		t.Fatal("SentSince handed out the simulator's own list")
	}
	if got, _ = e.sim.SentSince(testApp, cur); len(got.Jobs) != 0 {
		t.Fatalf("nothing new, yet %+v", got.Jobs)
	}
	e.sim.AddApp("wxOtherApp", "s")
	if got, _ = e.sim.SentSince("wxOtherApp", SentCursor{}); len(got.Jobs) != 0 {
		t.Fatalf("another app sees %+v", got.Jobs)
	}
}
