package sender_test

import (
	"testing"

	"github.com/wxcast/wxcast/bot/broadcast"
	"github.com/wxcast/wxcast/internal/bctest"
)

// member reads o's entry in b's member index.
func member(t *testing.T, w *bctest.World, b *broadcast.Broadcast, o string) (broadcast.Member, bool) {
	t.Helper()
	v, ok, err := w.Store.Broadcasts().Member(w.Ctx, b.ID, o)
	if err != nil {
		t.Fatal(err)
	}
	if !ok {
		return broadcast.Member{}, false
	}
	m, ok := broadcast.ParseMember(v)
	if !ok {
		t.Fatalf("member %s of broadcast %d: unreadable value %q", o, b.ID, v)
	}
	return m, true
}

// The member index says, for every follower of the frozen audience,
// which batch carried the broadcast to them or why nothing did, and
// Received agrees with what WeChat delivered.
func TestMemberIndexSaysWhereEachFollowerWent(t *testing.T) {
	t.Parallel()
	w := bctest.New(t, sim, bctest.Config{Followers: 40, BatchSize: 7})
	w.Run()
	b, err := w.Lifecycle.Create(w.Ctx, bctest.Editor, "everyone", broadcast.Content{Type: "text", Text: "A"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Lifecycle.AddVariant(w.Ctx, bctest.Editor, b.ID, broadcast.Content{Type: "text", Text: "B"}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Lifecycle.SetHoldout(w.Ctx, bctest.Editor, b.ID, 20); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Lifecycle.Preview(w.Ctx, bctest.Editor, b.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Lifecycle.Approve(w.Ctx, bctest.Approver, b.ID, "", ""); err != nil {
		t.Fatal(err)
	}
	gone := bctest.FollowerIDs(40)[3]
	w.Unfollow(gone) // after the preview: frozen in the audience, left out at sending
	w.SendNow(b.ID)
	b = w.Wait(b.ID, "sent", func(b *broadcast.Broadcast) bool { return b.State == broadcast.StateSent })

	delivered := w.Delivered()
	got := map[string]int{}
	for _, o := range bctest.FollowerIDs(40) {
		m, ok := member(t, w, b, o)
		if !ok {
			t.Fatalf("%s of the frozen audience is not in the member index", o)
		}
		v, received := b.Received(m)
		switch {
		case o == gone:
			if m.Left != broadcast.LeftUnsubscribed || received {
				t.Errorf("unsubscribed follower: %+v received %v", m, received)
			}
		case m.Left == broadcast.LeftHoldout:
			got["holdout"]++
			if received || delivered[o] != 0 {
				t.Errorf("holdout %s: received %v, delivered %d", o, received, delivered[o])
			}
		default:
			if !received || delivered[o] != 1 {
				t.Fatalf("%s: member %+v received %v, delivered %d", o, m, received, delivered[o])
			}
			if want := broadcast.ArmOf(o, b.ID, b.Holdout, 2); v != want {
				t.Errorf("%s received version %d, its arm is %d", o, v, want)
			}
			got[broadcast.VariantName(v)]++
		}
	}
	if got["A"] != b.Arms[0] || got["B"] != b.Arms[1] || got["holdout"] != b.Arms[2] {
		t.Errorf("index counts %v, arms %v", got, b.Arms)
	}
	if _, ok := member(t, w, b, "oNotInTheAudience"); ok {
		t.Error("a follower outside the audience is in the member index")
	}
}

// A capped follower is indexed as capped, and receives nothing.
func TestMemberIndexNamesTheCapped(t *testing.T) {
	t.Parallel()
	w := bctest.New(t, sim, bctest.Config{Followers: 4, MonthlyCap: 1})
	w.Run()
	first, second := w.Approved("everyone"), w.Approved("everyone")
	w.SendNow(first.ID)
	w.Wait(first.ID, "first sent", func(b *broadcast.Broadcast) bool { return b.State == broadcast.StateSent })
	w.SendNow(second.ID)
	b := w.Wait(second.ID, "second done", func(b *broadcast.Broadcast) bool { return b.State == broadcast.StateSent })
	for _, o := range bctest.FollowerIDs(4) {
		m, ok := member(t, w, b, o)
		if !ok || m.Left != broadcast.LeftCapped {
			t.Errorf("%s: %+v %v, want capped", o, m, ok)
		}
		if _, received := b.Received(m); received {
			t.Errorf("%s: a capped follower counts as received", o)
		}
	}
}

func TestMemberValuesRoundTrip(t *testing.T) {
	for _, m := range []broadcast.Member{broadcast.BatchMember(0), broadcast.BatchMember(123), broadcast.TagMember(2),
		broadcast.LeftMember(broadcast.LeftHoldout), broadcast.LeftMember(broadcast.LeftLone), broadcast.LeftMember(broadcast.LeftActed)} {
		got, ok := broadcast.ParseMember(m.Encode())
		if !ok || got != m {
			t.Errorf("%+v → %q → %+v %v", m, m.Encode(), got, ok)
		}
	}
	for _, bad := range []string{"", "b", "b-1", "bx", "z", "t"} {
		if m, ok := broadcast.ParseMember(bad); ok {
			t.Errorf("%q read as %+v", bad, m)
		}
	}
}
