package usersync

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"

	"github.com/wxcast/wxcast/internal/wxsim"
	"github.com/wxcast/wxcast/rules"
	"github.com/wxcast/wxcast/store"
)

const mirrorRules = `
tags:
  - name: vip
    when: user.subscribed
    wechat_tag: VIP客户
  - name: local_only
    when: user.subscribed
`

func (e *env) mirror(src string) *Mirror {
	rs := e.ruleset(src)
	return NewMirror(MirrorOptions{Store: e.st, Followers: e.f, API: e.api, Owner: "test",
		Rules: func() *rules.Ruleset { return rs }, Retry: Retry{Base: time.Millisecond}, Log: zaptest.NewLogger(e.t)})
}

func openIDs(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s%0*d", prefix, 28-len(prefix), i)
	}
	return out
}

func (e *env) followOnWeChat(ids []string, tags ...int) {
	fs := make([]wxsim.Follower, len(ids))
	for i, id := range ids {
		fs[i] = wxsim.Follower{OpenID: id, TagIDs: tags}
	}
	sim.AddFollowers(e.appID, fs...)
}

func (e *env) tagID(name string) int {
	for _, t := range sim.WeChatTags(e.appID) {
		if t.Name == name {
			return t.ID
		}
	}
	return 0
}

func TestMirrorBatchesAndCoalesces(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	m := e.mirror(mirrorRules)
	ids := openIDs("oM", 120)
	e.followOnWeChat(ids)
	// ids[0] has a profile (synced); the others have none yet.
	if _, err := e.f.ApplySync(e.ctx, 1, time.Unix(1, 0), []store.SyncedFollower{{OpenID: ids[0], SubscribeTime: time.Unix(1, 0)}}, false); err != nil {
		t.Fatal(err)
	}
	add := []store.TagChange{{Tag: "vip"}, {Tag: "local_only"}}
	for _, id := range ids {
		p := &store.Profile{OpenID: id, Subscribed: true}
		if err := m.Changed(e.ctx, p, add); err != nil {
			t.Fatal(err)
		}
	}
	// A burst about one follower: added, removed, added again.
	p0 := &store.Profile{OpenID: ids[0], Subscribed: true}
	for _, c := range [][]store.TagChange{{{Tag: "vip", Remove: true}}, {{Tag: "vip"}}} {
		if err := m.Changed(e.ctx, p0, c); err != nil {
			t.Fatal(err)
		}
	}
	if n, _ := m.Pending(e.ctx); n != 120 {
		t.Fatalf("queued %d changes, want 120 (one per follower: local_only is not mirrored)", n)
	}
	st, err := m.Drain(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	id := e.tagID("VIP客户")
	if id == 0 {
		t.Fatal("the WeChat tag was not created")
	}
	if calls := sim.CountCalls(e.appID, "/cgi-bin/tags/members/batchtagging"); calls != 3 || st.Calls != 3 || st.Tagged != 120 {
		t.Fatalf("%d batchtagging calls, stats %+v; want 3 calls of at most 50 for 120 followers", calls, st)
	}
	for _, oid := range ids {
		if !slices.Contains(sim.FollowerTagIDs(e.appID, oid), id) {
			t.Fatalf("%s lacks the WeChat tag", oid)
		}
	}
	// An existing profile learns its WeChat tags; missing ones are left
	// to the sync.
	if wt := e.profile(ids[0]).WeChatTags(); len(wt) != 1 || wt[0] != (store.WeChatTag{ID: id, Name: "VIP客户"}) {
		t.Fatalf("%s's profile shows WeChat tags %+v", ids[0], wt)
	}
	if e.profile(ids[1]).Known {
		t.Fatal("the mirror created a profile")
	}
	if n, _ := m.Pending(e.ctx); n != 0 {
		t.Fatalf("%d changes left after the drain", n)
	}

	// Removing the wxcast tag removes the WeChat tag.
	for _, oid := range ids[:10] {
		if err := m.Changed(e.ctx, &store.Profile{OpenID: oid, Subscribed: true}, []store.TagChange{{Tag: "vip", Remove: true}}); err != nil {
			t.Fatal(err)
		}
	}
	if st, err = m.Drain(e.ctx); err != nil || st.Untagged != 10 {
		t.Fatalf("untag drain: %+v %v", st, err)
	}
	if slices.Contains(sim.FollowerTagIDs(e.appID, ids[0]), id) || !slices.Contains(sim.FollowerTagIDs(e.appID, ids[10]), id) {
		t.Fatal("untagging hit the wrong followers")
	}
}

func TestMirrorSkipsFollowersAtTwentyTags(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var twenty []int
	for i := range 20 {
		id, err := sim.CreateTag(e.appID, fmt.Sprintf("t%02d", i))
		if err != nil {
			t.Fatal(err)
		}
		twenty = append(twenty, id)
	}
	full := openIDs("oFull", 2)
	ok := openIDs("oOk", 2)
	e.followOnWeChat(full, twenty...)
	e.followOnWeChat(ok)
	// The sync tells wxcast that full[0] holds 20 tags; full[1]'s profile
	// does not know (a tag added in the WeChat console since).
	if _, err := Sync(e.ctx, e.opts()); err != nil {
		t.Fatal(err)
	}
	sim.AddFollowers(e.appID, wxsim.Follower{OpenID: ok[1]}) // unchanged
	m := e.mirror(mirrorRules)
	for _, id := range append(slices.Clone(full), ok...) {
		p := e.profile(id)
		if err := m.Changed(e.ctx, p, []store.TagChange{{Tag: "vip"}}); err != nil {
			t.Fatal(err)
		}
	}
	// Forget full[1]'s tags in its profile, as if the sync had not seen them.
	for i, id := range twenty {
		if err := e.f.SetWeChatTag(e.ctx, full[1], store.WeChatTag{ID: id, Name: fmt.Sprintf("t%02d", i)}, false); err != nil {
			t.Fatal(err)
		}
	}
	st, err := m.Drain(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.FollowerFull != 2 || st.Tagged != 2 {
		t.Fatalf("drain: %+v; want the 2 followers at 20 tags skipped and the 2 others tagged", st)
	}
	// full[0] was skipped without a call; full[1] cost the refused call
	// and one alone; the others were tagged in one call each after the
	// refusal isolated them.
	if calls := sim.CountCalls(e.appID, "/cgi-bin/tags/members/batchtagging"); calls != 4 {
		t.Errorf("%d batchtagging calls, want 4 (the refused one, then one per follower)", calls)
	}
	id := e.tagID("VIP客户")
	for _, oid := range ok {
		if !slices.Contains(sim.FollowerTagIDs(e.appID, oid), id) {
			t.Errorf("%s was not tagged", oid)
		}
		if wt := e.profile(oid).WeChatTags(); len(wt) != 1 || wt[0].ID != id {
			t.Errorf("%s's profile shows WeChat tags %+v", oid, wt)
		}
	}
	if n, _ := m.Pending(e.ctx); n != 0 {
		t.Errorf("%d changes left: skipped followers must not stay queued", n)
	}
}

func TestSyncReconcilesMirroredTags(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ids := openIDs("oR", 3)
	e.followOnWeChat(ids)
	// ids[0] and ids[1] hold the wxcast tag vip; the mirror never heard
	// (the rule got its wechat_tag later).
	now := time.Now()
	for i, id := range ids[:2] {
		ev := store.Event{OpenID: id, DedupID: fmt.Sprintf("m%d", i), At: now, Kind: "text", Class: store.ClassMessage}
		if _, err := e.f.Record(e.ctx, ev, now, store.MarkPending); err != nil {
			t.Fatal(err)
		}
		if _, err := e.f.Finish(e.ctx, id, ev.DedupID, "", []store.TagChange{{Tag: "vip", Rule: "vip"}}, now); err != nil {
			t.Fatal(err)
		}
	}
	m := e.mirror(mirrorRules)
	o := e.opts()
	o.Reconcile = m
	sum, err := Sync(e.ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	if sum.TagsQueued != 2 {
		t.Fatalf("reconcile queued %d changes, want 2", sum.TagsQueued)
	}
	if _, err := m.Drain(e.ctx); err != nil {
		t.Fatal(err)
	}
	id := e.tagID("VIP客户")
	for i, oid := range ids {
		if got := slices.Contains(sim.FollowerTagIDs(e.appID, oid), id); got != (i < 2) {
			t.Errorf("%s has the WeChat tag: %v", oid, got)
		}
	}
	// Nothing left to reconcile the next time.
	if sum, err = Sync(e.ctx, o); err != nil || sum.TagsQueued != 0 {
		t.Fatalf("second sync queued %d: %v", sum.TagsQueued, err)
	}
}

func TestMirrorIsolatesUnknownFollowers(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ok := openIDs("oIso", 3)
	e.followOnWeChat(ok)
	m := e.mirror(mirrorRules)
	// oNever never followed the account: WeChat refuses the whole call
	// for its sake (40003), and the others must still get the tag.
	for _, id := range append(slices.Clone(ok), "oNever000000000000000000000") {
		if err := m.Changed(e.ctx, &store.Profile{OpenID: id, Subscribed: true}, []store.TagChange{{Tag: "vip"}}); err != nil {
			t.Fatal(err)
		}
	}
	st, err := m.Drain(e.ctx)
	if err != nil || st.Tagged != 3 || st.Invalid != 1 {
		t.Fatalf("drain: %+v, %v; want 3 tagged and 1 invalid", st, err)
	}
	if n, _ := m.Pending(e.ctx); n != 0 {
		t.Fatalf("%d changes left", n)
	}
}

func TestMirrorRecreatesADeletedTag(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ids := openIDs("oDel", 2)
	e.followOnWeChat(ids)
	m := e.mirror(mirrorRules)
	queue := func(id string) {
		if err := m.Changed(e.ctx, &store.Profile{OpenID: id, Subscribed: true}, []store.TagChange{{Tag: "vip"}}); err != nil {
			t.Fatal(err)
		}
	}
	queue(ids[0])
	if _, err := m.Drain(e.ctx); err != nil {
		t.Fatal(err)
	}
	old := e.tagID("VIP客户")
	// Someone deletes the tag in the WeChat console.
	if err := e.api.SDK().GetUser().DeleteTag(int32(old)); err != nil {
		t.Fatal(err)
	}
	queue(ids[1])
	if _, err := m.Drain(e.ctx); err == nil || !strings.Contains(err.Error(), "no longer exists") {
		t.Fatalf("drain after the tag was deleted: %v, want 45159 reported", err)
	}
	if n, _ := m.Pending(e.ctx); n != 1 {
		t.Fatalf("%d changes queued, want the refused one kept", n)
	}
	if _, err := m.Drain(e.ctx); err != nil {
		t.Fatal(err)
	}
	id := e.tagID("VIP客户")
	if id == 0 || id == old || !slices.Contains(sim.FollowerTagIDs(e.appID, ids[1]), id) {
		t.Fatalf("the tag was not recreated and applied: old %d, new %d, %s holds %v", old, id, ids[1], sim.FollowerTagIDs(e.appID, ids[1]))
	}
}

// A second process finds the queue being drained and leaves it alone.
func TestMirrorDrainsOneAtATime(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	m := e.mirror(mirrorRules)
	if ok, err := e.st.TagQueue().Lease(e.ctx, "replica-2", time.Minute); err != nil || !ok {
		t.Fatal(ok, err)
	}
	if _, err := m.Drain(e.ctx); !errors.Is(err, ErrDraining) {
		t.Fatalf("drain while replica-2 drains: %v", err)
	}
}
