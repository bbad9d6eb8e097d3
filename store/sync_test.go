package store_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/wxcast/wxcast/internal/redistest"
	"github.com/wxcast/wxcast/store"
)

func TestApplySyncKeepsBehaviourAndCounts(t *testing.T) {
	t.Parallel()
	f := followers(t, redistest.Open(t))
	ctx := context.Background()
	t0 := time.Date(2026, 11, 1, 9, 0, 0, 0, shanghai)
	// o1 talked to the account before wxcast's first sync.
	if _, err := f.Record(ctx, text("o1", 1, t0), t0, store.MarkFinal); err != nil {
		t.Fatal(err)
	}
	if _, err := f.SetAttributes(ctx, "o1", map[string]string{"vip_level": "3"}); err != nil {
		t.Fatal(err)
	}
	run := t0.Add(time.Hour).Unix()
	tags := []store.WeChatTag{{ID: 101, Name: "老客户"}, {ID: 102, Name: "上海"}}
	batch := []store.SyncedFollower{
		{OpenID: "o1", SubscribeTime: t0.Add(-48 * time.Hour), SubscribeScene: "ADD_SCENE_QR_CODE", Scene: "store_sh",
			Language: "zh_CN", Remark: "王先生", Tags: tags},
		{OpenID: "o2", SubscribeTime: t0.Add(-24 * time.Hour), SubscribeScene: "ADD_SCENE_SEARCH", Language: "en"},
	}
	dry, err := f.ApplySync(ctx, run, time.Unix(run, 0), batch, true)
	if err != nil {
		t.Fatal(err)
	}
	if dry.Created != 1 || dry.Updated != 1 || !slices.Equal(dry.New, []string{"o2"}) || !slices.Equal(dry.Changed, []string{"o1"}) {
		t.Fatalf("dry run = %+v, want o2 created and o1 updated", dry)
	}
	if p, _ := f.Profile(ctx, "o2"); p.Known {
		t.Fatal("a dry run created a profile")
	}
	got, err := f.ApplySync(ctx, run, time.Unix(run, 0), batch, false)
	if err != nil || got.Created != dry.Created || got.Updated != dry.Updated || got.Unchanged != dry.Unchanged || got.New != nil {
		t.Fatalf("apply = %+v, %v; want what the dry run said, %+v, without names", got, err, dry)
	}
	p, _ := f.Profile(ctx, "o1")
	if !p.Subscribed || p.Language != "zh_CN" || p.Remark != "王先生" || p.SubscribeScene != "ADD_SCENE_QR_CODE" ||
		p.Scene != "store_sh" || !p.SubscribedAt.Equal(t0.Add(-48*time.Hour)) || p.SyncRun != run {
		t.Fatalf("o1 after sync = %+v", p)
	}
	if p.Counts()["text"] != 1 || p.Attrs()["vip_level"] != "3" || !p.LastActive.Equal(t0) {
		t.Fatalf("sync erased recorded behaviour: counts %v attrs %v last active %v", p.Counts(), p.Attrs(), p.LastActive)
	}
	if names := p.AppendWeChatTags(nil); !slices.Equal(names, []string{"老客户", "上海"}) {
		t.Fatalf("WeChat tags = %v", names)
	}
	if wt := p.WeChatTags(); len(wt) != 2 || wt[0].ID != 101 {
		t.Fatalf("WeChat tag ids = %+v", wt)
	}
	// The same listing again changes nothing but the run stamp.
	again, err := f.ApplySync(ctx, run+3600, time.Unix(run+3600, 0), batch, false)
	if err != nil || again.Unchanged != 2 || again.Created+again.Updated != 0 {
		t.Fatalf("second sync = %+v, %v; want 2 unchanged", again, err)
	}
}

func TestApplySyncLosesToNewerUnsubscribe(t *testing.T) {
	t.Parallel()
	f := followers(t, redistest.Open(t))
	ctx := context.Background()
	t0 := time.Date(2026, 11, 1, 9, 0, 0, 0, shanghai)
	// The follower unsubscribed (callback) after the page listing it was
	// fetched: the sync must not bring it back.
	if _, err := f.Record(ctx, sub("o1", t0.Add(2*time.Hour), store.SubUnsubscribe, ""), t0.Add(2*time.Hour), store.MarkFinal); err != nil {
		t.Fatal(err)
	}
	if _, err := f.ApplySync(ctx, t0.Unix(), t0, []store.SyncedFollower{{OpenID: "o1", SubscribeTime: t0.Add(-time.Hour)}}, false); err != nil {
		t.Fatal(err)
	}
	if p, _ := f.Profile(ctx, "o1"); p.Subscribed {
		t.Fatal("sync undid a newer unsubscribe")
	}
	// A subscribe newer than the recorded unsubscribe (a callback that was
	// missed) does bring it back.
	if _, err := f.ApplySync(ctx, t0.Unix(), t0, []store.SyncedFollower{{OpenID: "o1", SubscribeTime: t0.Add(3 * time.Hour)}}, false); err != nil {
		t.Fatal(err)
	}
	if p, _ := f.Profile(ctx, "o1"); !p.Subscribed {
		t.Fatal("sync ignored a subscribe newer than the recorded unsubscribe")
	}
}

func TestMarkGone(t *testing.T) {
	t.Parallel()
	f := followers(t, redistest.Open(t))
	ctx := context.Background()
	t0 := time.Date(2026, 11, 1, 9, 0, 0, 0, shanghai)
	old := []store.SyncedFollower{{OpenID: "listed", SubscribeTime: t0}, {OpenID: "gone", SubscribeTime: t0}, {OpenID: "back", SubscribeTime: t0}}
	if _, err := f.ApplySync(ctx, t0.Unix(), t0, old, false); err != nil {
		t.Fatal(err)
	}
	run := t0.Add(24 * time.Hour)
	if _, err := f.ApplySync(ctx, run.Unix(), run, old[:1], false); err != nil {
		t.Fatal(err)
	}
	// "back" subscribed again (callback) while the run was listing.
	if _, err := f.Record(ctx, sub("back", run.Add(time.Minute), store.SubSubscribe, ""), run.Add(time.Minute), store.MarkFinal); err != nil {
		t.Fatal(err)
	}
	all := []string{"listed", "gone", "back", "unknown"}
	if gone, err := f.MarkGone(ctx, run.Unix(), all, true); err != nil || !slices.Equal(gone, []string{"gone"}) {
		t.Fatalf("dry MarkGone = %v, %v; want [gone]", gone, err)
	}
	if p, _ := f.Profile(ctx, "gone"); !p.Subscribed {
		t.Fatal("a dry run marked a follower")
	}
	if gone, err := f.MarkGone(ctx, run.Unix(), all, false); err != nil || len(gone) != 1 {
		t.Fatalf("MarkGone = %v, %v; want 1", gone, err)
	}
	for id, want := range map[string]bool{"listed": true, "gone": false, "back": true} {
		if p, _ := f.Profile(ctx, id); p.Subscribed != want {
			t.Errorf("%s subscribed = %v, want %v", id, p.Subscribed, want)
		}
	}
	if p, _ := f.Profile(ctx, "gone"); !p.UnsubscribedAt.Equal(run) {
		t.Errorf("gone unsubscribed at %v, want the run's start %v", p.UnsubscribedAt, run)
	}
	if p, _ := f.Profile(ctx, "unknown"); p.Known {
		t.Error("MarkGone created a profile")
	}
	// The next run lists "gone" again with the same subscribe time (it
	// had not left after all): it follows again.
	next := run.Add(24 * time.Hour)
	if _, err := f.ApplySync(ctx, next.Unix(), next, old[1:2], false); err != nil {
		t.Fatal(err)
	}
	if p, _ := f.Profile(ctx, "gone"); !p.Subscribed {
		t.Fatal("a follower marked gone stays unsubscribed although WeChat lists it again")
	}
	if _, err := f.MarkGone(ctx, next.Unix(), []string{"gone"}, false); err != nil {
		t.Fatal(err)
	}
	// A later subscribe event still counts.
	if _, err := f.Record(ctx, sub("gone", next.Add(time.Hour), store.SubSubscribe, ""), next.Add(time.Hour), store.MarkFinal); err != nil {
		t.Fatal(err)
	}
	if p, _ := f.Profile(ctx, "gone"); !p.Subscribed {
		t.Error("a subscribe after the sync did not count")
	}
}

func TestSyncStateLease(t *testing.T) {
	t.Parallel()
	st := redistest.Open(t)
	x := st.SyncState()
	ctx := context.Background()
	if ok, err := x.Lease(ctx, "a", time.Minute); err != nil || !ok {
		t.Fatalf("lease a: %v %v", ok, err)
	}
	if ok, _ := x.Lease(ctx, "b", time.Minute); ok {
		t.Fatal("b took a held lease")
	}
	if err := x.SaveCheckpoint(ctx, "b", []byte("b's")); !errors.Is(err, store.ErrSyncLeaseLost) {
		t.Fatalf("checkpoint without the lease: %v", err)
	}
	if err := x.SaveCheckpoint(ctx, "a", []byte("page 37")); err != nil {
		t.Fatal(err)
	}
	if doc, ok, _ := x.Checkpoint(ctx); !ok || string(doc) != "page 37" {
		t.Fatalf("checkpoint = %q %v", doc, ok)
	}
	if err := x.Finish(ctx, "a", []byte("done")); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := x.Checkpoint(ctx); ok {
		t.Fatal("checkpoint kept after Finish")
	}
	if doc, ok, _ := x.Last(ctx); !ok || string(doc) != "done" {
		t.Fatalf("last = %q %v", doc, ok)
	}
}

func TestTagQueueCoalescesAndKeepsChanged(t *testing.T) {
	t.Parallel()
	q := redistest.Open(t).TagQueue()
	ctx := context.Background()
	ops := []store.TagOp{{Tag: "vip", OpenID: "o1", Add: true}, {Tag: "vip", OpenID: "o2", Add: true}, {Tag: "vip", OpenID: "o1", Add: false}}
	if err := q.Add(ctx, ops); err != nil {
		t.Fatal(err)
	}
	got, next, err := q.Scan(ctx, 0, 100)
	if err != nil || next != 0 || len(got) != 2 {
		t.Fatalf("scan = %+v %d %v; want 2 coalesced ops", got, next, err)
	}
	for _, op := range got {
		if op.OpenID == "o1" && op.Add {
			t.Fatal("the older op for o1 won")
		}
	}
	// o2 changes its mind while the drain is calling WeChat.
	if err := q.Add(ctx, []store.TagOp{{Tag: "vip", OpenID: "o2", Add: false}}); err != nil {
		t.Fatal(err)
	}
	if err := q.Done(ctx, got); err != nil {
		t.Fatal(err)
	}
	left, _, _ := q.Scan(ctx, 0, 100)
	if len(left) != 1 || left[0].OpenID != "o2" || left[0].Add {
		t.Fatalf("left = %+v; want only o2's newer removal", left)
	}
}

func TestSetWeChatTagInPlace(t *testing.T) {
	t.Parallel()
	f := followers(t, redistest.Open(t))
	ctx := context.Background()
	now := time.Date(2026, 11, 1, 9, 0, 0, 0, shanghai)
	tags := []store.WeChatTag{{ID: 100, Name: "a"}, {ID: 101, Name: "b=c"}}
	if _, err := f.ApplySync(ctx, now.Unix(), now, []store.SyncedFollower{{OpenID: "o1", SubscribeTime: now, Tags: tags}}, false); err != nil {
		t.Fatal(err)
	}
	if err := f.SetWeChatTag(ctx, "o1", store.WeChatTag{ID: 102, Name: "vip"}, true); err != nil {
		t.Fatal(err)
	}
	if err := f.SetWeChatTag(ctx, "o1", store.WeChatTag{ID: 100, Name: "a"}, false); err != nil {
		t.Fatal(err)
	}
	p, _ := f.Profile(ctx, "o1")
	want := []store.WeChatTag{{ID: 101, Name: "b=c"}, {ID: 102, Name: "vip"}}
	if got := p.WeChatTags(); !slices.Equal(got, want) {
		t.Fatalf("WeChat tags = %+v, want %+v", got, want)
	}
	if err := f.SetWeChatTag(ctx, "nobody", store.WeChatTag{ID: 102, Name: "vip"}, true); err != nil {
		t.Fatal(err)
	}
	if p, _ := f.Profile(ctx, "nobody"); p.Known {
		t.Fatal("SetWeChatTag created a profile")
	}
}
