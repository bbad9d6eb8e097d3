package usersync

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wxcast/wxcast/bot/wxapi"
	"github.com/wxcast/wxcast/internal/wxsim"
	"github.com/wxcast/wxcast/store"
)

func TestSyncWritesFollowersAndKeepsBehaviour(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	old, err := sim.CreateTag(e.appID, "老客户")
	if err != nil {
		t.Fatal(err)
	}
	subAt := time.Date(2026, 10, 1, 8, 0, 0, 0, time.UTC)
	sim.AddFollowers(e.appID,
		wxsim.Follower{OpenID: "oAAAAAAAAAAAAAAAAAAAAAAAAAAA", SubscribeTime: subAt, SubscribeScene: wxsim.SceneQRCode,
			QRSceneStr: "store_sh", Language: "en", Remark: "王先生", TagIDs: []int{old}},
		wxsim.Follower{OpenID: "oBBBBBBBBBBBBBBBBBBBBBBBBBBB", SubscribeTime: subAt, SubscribeScene: wxsim.SceneSearch},
		wxsim.Follower{OpenID: "oCCCCCCCCCCCCCCCCCCCCCCCCCCC", SubscribeTime: subAt},
	)
	// wxcast already knew A (a message) and Z, who has since left without
	// wxcast hearing of it; Y only has imported business data.
	now := time.Now()
	text := store.Event{OpenID: "oAAAAAAAAAAAAAAAAAAAAAAAAAAA", DedupID: "m1", At: now.Add(-time.Hour), Kind: "text", Class: store.ClassMessage}
	if _, err := e.f.Record(e.ctx, text, now, store.MarkFinal); err != nil {
		t.Fatal(err)
	}
	follow := store.Event{OpenID: "oZZZZZZZZZZZZZZZZZZZZZZZZZZZ", DedupID: "s1", At: now.Add(-48 * time.Hour), Kind: "subscribe",
		Class: store.ClassEvent, Sub: store.SubSubscribe}
	if _, err := e.f.Record(e.ctx, follow, now, store.MarkFinal); err != nil {
		t.Fatal(err)
	}
	if _, err := e.f.SetAttributes(e.ctx, "oYYYYYYYYYYYYYYYYYYYYYYYYYYY", map[string]string{"vip_level": "2"}); err != nil {
		t.Fatal(err)
	}

	o := e.opts()
	o.DryRun = true
	dry, err := Sync(e.ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	if p := e.profile("oBBBBBBBBBBBBBBBBBBBBBBBBBBB"); p.Known {
		t.Fatal("a dry run wrote a profile")
	}
	if p := e.profile("oZZZZZZZZZZZZZZZZZZZZZZZZZZZ"); !p.Subscribed {
		t.Fatal("a dry run marked a follower unsubscribed")
	}
	sum, err := Sync(e.ctx, e.opts())
	if err != nil {
		t.Fatal(err)
	}
	type counts struct {
		Listed                                    int64
		Total                                     int
		Created, Updated, Unchanged, Unsubscribed int64
		AccountTags                               int
	}
	want := counts{Listed: 3, Total: 3, Created: 2, Updated: 1, Unsubscribed: 1, AccountTags: 2}
	for name, s := range map[string]Summary{"dry run": dry, "sync": sum} {
		got := counts{Listed: s.Listed, Total: s.Total, Created: s.Created, Updated: s.Updated,
			Unchanged: s.Unchanged, Unsubscribed: s.Unsubscribed, AccountTags: s.AccountTags}
		if got != want {
			t.Errorf("%s: %+v, want %+v", name, got, want)
		}
	}
	created := slices.Sorted(slices.Values(dry.Examples["created"]))
	if !slices.Equal(created, []string{"oBBBBBBBBBBBBBBBBBBBBBBBBBBB", "oCCCCCCCCCCCCCCCCCCCCCCCCCCC"}) ||
		!slices.Equal(dry.Examples["updated"], []string{"oAAAAAAAAAAAAAAAAAAAAAAAAAAA"}) ||
		!slices.Equal(dry.Examples["unsubscribed"], []string{"oZZZZZZZZZZZZZZZZZZZZZZZZZZZ"}) {
		t.Errorf("dry run examples = %v", dry.Examples)
	}
	if sum.Examples != nil {
		t.Errorf("a real sync named examples: %v", sum.Examples)
	}
	a := e.profile("oAAAAAAAAAAAAAAAAAAAAAAAAAAA")
	if !a.Subscribed || a.Language != "en" || a.Remark != "王先生" || a.SubscribeScene != wxsim.SceneQRCode ||
		a.Scene != "store_sh" || !a.SubscribedAt.Equal(subAt) || a.Counts()["text"] != 1 {
		t.Errorf("A after sync: %+v counts %v", a, a.Counts())
	}
	if tags := a.WeChatTags(); len(tags) != 1 || tags[0] != (store.WeChatTag{ID: old, Name: "老客户"}) {
		t.Errorf("A's WeChat tags = %+v", tags)
	}
	if p := e.profile("oZZZZZZZZZZZZZZZZZZZZZZZZZZZ"); p.Subscribed {
		t.Error("Z, whom WeChat no longer lists, is still subscribed")
	}
	if p := e.profile("oYYYYYYYYYYYYYYYYYYYYYYYYYYY"); p.Subscribed || p.Attrs()["vip_level"] != "2" {
		t.Errorf("Y (attributes only) changed: %+v", p)
	}
	last, ok, err := LastSummary(e.ctx, e.st)
	if err != nil || !ok || last.Created != 2 {
		t.Fatalf("last summary = %+v %v %v", last, ok, err)
	}

	again, err := Sync(e.ctx, e.opts())
	if err != nil {
		t.Fatal(err)
	}
	if again.Unchanged != 3 || again.Created+again.Updated+again.Unsubscribed != 0 {
		t.Errorf("a second sync of the same followers: %+v", again)
	}
}

func TestSyncResumesAfterCrash(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	const n = 25000 // three pages
	sim.PopulateFollowers(e.appID, n, 7)
	ctx, cancel := context.WithCancel(e.ctx)
	defer cancel()
	o := e.opts()
	// Die after 250 batchget calls: in the middle of page 3.
	o.API = &cancellingAPI{API: e.api, after: 250, cancel: cancel}
	first, err := Sync(ctx, o)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted sync: %+v, %v", first, err)
	}
	if holder, _ := e.st.SyncState().LeaseHolder(e.ctx); holder != "" {
		t.Errorf("the lease is still held by %q", holder)
	}
	// Pages 1 and 2 were written by call 250 (4 workers); page 2 is
	// checkpointed as soon as its last chunk is, so normally 2 pages are.
	done := e.checkpointPages()
	if done < 1 || done > 2 {
		t.Fatalf("%d pages checkpointed when the sync died in page 3", done)
	}
	pagesBefore := sim.CountCalls(e.appID, "/cgi-bin/user/get")
	sum, err := Sync(e.ctx, e.opts())
	if err != nil {
		t.Fatal(err)
	}
	if sum.ResumedFrom != done+1 || sum.Listed != n || sum.Pages != 4 {
		t.Errorf("resumed sync: %+v; want it to resume at page %d and list %d followers in 4 pages", sum, done+1, n)
	}
	// The pages after the checkpoint, and the empty page that ends the list.
	if got, want := sim.CountCalls(e.appID, "/cgi-bin/user/get")-pagesBefore, 4-done; got != want {
		t.Errorf("the resumed run fetched %d pages, want %d", got, want)
	}
	if !sum.Run.Equal(first.Run) {
		t.Errorf("the resumed run is %v, the interrupted one %v: a resume must keep the run", sum.Run, first.Run)
	}
	var stamped, subscribed atomic.Int64
	err = e.f.Scan(e.ctx, store.ScanOptions{}, func(batch []*store.Profile) error {
		for _, p := range batch {
			if p.SyncRun == sum.Run.Unix() {
				stamped.Add(1)
			}
			if p.Subscribed {
				subscribed.Add(1)
			}
		}
		return nil
	})
	if err != nil || stamped.Load() != n || subscribed.Load() != n || sum.Unsubscribed != 0 {
		t.Fatalf("after the resumed sync: %d stamped, %d subscribed, %d marked gone, %v; want %d, %d, 0",
			stamped.Load(), subscribed.Load(), sum.Unsubscribed, err, n, n)
	}
	if _, ok, _ := e.st.SyncState().Checkpoint(e.ctx); ok {
		t.Error("the checkpoint outlived the finished run")
	}
}

func TestSyncRefusesWhileAnotherRuns(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	if ok, err := e.st.SyncState().Lease(e.ctx, "replica-2", time.Minute); err != nil || !ok {
		t.Fatal(err)
	}
	if _, err := Sync(e.ctx, e.opts()); !errors.Is(err, ErrBusy) {
		t.Fatalf("sync while replica-2 syncs: %v", err)
	}
	o := e.opts()
	o.DryRun = true // writes nothing, so needs no lease
	if _, err := Sync(e.ctx, o); err != nil {
		t.Fatalf("dry run while replica-2 syncs: %v", err)
	}
}

// The faults hit every app of the shared simulator: these tests do not
// run in parallel.
func TestSyncRetriesTransientErrors(t *testing.T) {
	e := newEnv(t)
	sim.PopulateFollowers(e.appID, 250, 3)
	sim.FailNext("/cgi-bin/user/info/batchget", -1, 2)
	defer sim.FailNext("/cgi-bin/user/info/batchget", 0, 0)
	sum, err := Sync(e.ctx, e.opts())
	if err != nil {
		t.Fatal(err)
	}
	if sum.Retries != 2 || sum.Listed != 250 || sum.Created != 250 {
		t.Errorf("sync through -1: %+v; want 2 retries and 250 followers", sum)
	}
}

// A spent daily quota (45009) stops the sync with the time it comes back,
// keeps the checkpoint, and no replica calls that API again before then.
func TestSyncStopsAtTheQuotaWall(t *testing.T) {
	e := newEnv(t)
	sim.PopulateFollowers(e.appID, 250, 3)
	sim.FailNext("/cgi-bin/user/get", 45009, 1)
	defer sim.FailNext("/cgi-bin/user/get", 0, 0)
	_, err := Sync(e.ctx, e.opts())
	var ae *wxapi.APIError
	if !errors.As(err, &ae) || ae.Code != 45009 || ae.Until.IsZero() || !strings.Contains(err.Error(), "daily quota back at") {
		t.Fatalf("sync at a spent quota: %v; want 45009 naming when it comes back", err)
	}
	calls := len(sim.Calls(e.appID))
	_, err = Sync(e.ctx, e.opts())
	if !errors.As(err, &ae) || !ae.Held {
		t.Fatalf("second sync: %v; want held at the wall", err)
	}
	for _, c := range sim.Calls(e.appID)[calls:] {
		if c.Path == "/cgi-bin/user/get" {
			t.Fatalf("user/get called again behind the wall: %+v", c)
		}
	}
}

func TestSyncStopsOnRefusalAndKeepsCheckpoint(t *testing.T) {
	e := newEnv(t)
	sim.PopulateFollowers(e.appID, 150, 4)
	sim.FailNext("/cgi-bin/user/info/batchget", 48001, 1)
	defer sim.FailNext("/cgi-bin/user/info/batchget", 0, 0)
	_, err := Sync(e.ctx, e.opts())
	if wxapi.ErrCode(err) != 48001 {
		t.Fatalf("sync with an unauthorised API: %v, want errcode 48001", err)
	}
	if _, ok, _ := e.st.SyncState().Checkpoint(e.ctx); !ok {
		t.Fatal("no checkpoint to resume from")
	}
	sum, err := Sync(e.ctx, e.opts())
	if err != nil || sum.ResumedFrom != 1 || sum.Listed != 150 {
		t.Fatalf("resumed sync: %+v, %v", sum, err)
	}
}

// padAPI lists one openid WeChat does not know on the first page.
type padAPI struct {
	API
	bogus string
}

func (p padAPI) Followers(ctx context.Context, next string) (wxapi.FollowerPage, error) {
	page, err := p.API.Followers(ctx, next)
	if err == nil && next == "" && len(page.OpenIDs) > 0 {
		page.OpenIDs = append([]string{p.bogus}, page.OpenIDs...)
	}
	return page, err
}

func TestSyncSkipsAnOpenIDWeChatRefuses(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	sim.PopulateFollowers(e.appID, 250, 9)
	o := e.opts()
	o.API = padAPI{API: e.api, bogus: "oBogus0000000000000000000000"}
	sum, err := Sync(e.ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Created != 250 || sum.NotFollowing != 1 {
		t.Fatalf("sync: %+v; want 250 created and the unknown openid skipped", sum)
	}
}

// A resumed run whose cursor WeChat refuses (40003) lists again from the
// first page and says so; its counts are those of the new listing.
func TestSyncRelistsWhenTheCursorIsRefused(t *testing.T) {
	e := newEnv(t)
	const n = 25000
	sim.PopulateFollowers(e.appID, n, 13)
	ctx, cancel := context.WithCancel(e.ctx)
	defer cancel()
	o := e.opts()
	o.API = &cancellingAPI{API: e.api, after: 250, cancel: cancel}
	if _, err := Sync(ctx, o); !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted sync: %v", err)
	}
	if e.checkpointPages() < 1 {
		t.Fatal("no page checkpointed: there is no cursor to refuse")
	}
	sim.FailNext("/cgi-bin/user/get", 40003, 1)
	defer sim.FailNext("/cgi-bin/user/get", 0, 0)
	sum, err := Sync(e.ctx, e.opts())
	if err != nil {
		t.Fatal(err)
	}
	if !sum.Relisted || sum.Listed != n || sum.Pages != 4 || sum.Unsubscribed != 0 {
		t.Fatalf("sync after a refused cursor: %+v; want a relisting of %d followers in 4 pages", sum, n)
	}
}
