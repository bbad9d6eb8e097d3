package wxapi

import (
	"testing"
	"time"

	"github.com/wxcast/wxcast/internal/wxsim"
	"github.com/wxcast/wxcast/store"
)

// quotaClient is a client of appID on st that keeps quota readings and
// walls there, as every replica of one deployment does.
func quotaClient(t *testing.T, st *store.Store, appID, secret string, life time.Duration) *Client {
	t.Helper()
	c, _ := newClient(t, st, appID, secret)
	return c.WithQuotaWalls(st.QuotaWalls(appID), nil).WithQuotaCounts(st.QuotaCounts(appID), life)
}

func wantQuota(t *testing.T, got Quota, err error, want Quota) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Fatalf("quota = %+v, want %+v", got, want)
	}
}

// A reading is asked of WeChat once and shared by the replicas; the sends
// made meanwhile are counted down locally, and WeChat's next answer agrees
// with the count.
func TestTodayQuotaCachedAndCounted(t *testing.T) {
	t.Parallel()
	appID, secret := newApp(t)
	sts := replicaStores(t, 2)
	a := quotaClient(t, sts[0], appID, secret, time.Hour)
	b := quotaClient(t, sts[1], appID, secret, time.Hour)
	ctx := testContext(t)

	q, err := a.TodayQuota(ctx, PathMassSend)
	wantQuota(t, q, err, Quota{DailyLimit: 100, Used: 0, Remain: 100})
	for i := range 2 {
		if _, err := b.MassSend(ctx, []string{"oA", "oB"}, Content{Type: "text", Text: "hi"}, "c-"+string(rune('a'+i))); err != nil {
			t.Fatal(err)
		}
	}
	q, err = a.TodayQuota(ctx, PathMassSend)
	wantQuota(t, q, err, Quota{DailyLimit: 100, Used: 2, Remain: 98})
	// mass/sendall spends the same quota, read under mass/send's path.
	q, err = b.TodayQuota(ctx, pathMassSendAll)
	wantQuota(t, q, err, Quota{DailyLimit: 100, Used: 2, Remain: 98})
	wantCalls(t, appID, pathQuotaGet, 1)

	// A failed send spends nothing.
	if _, err := b.MassSend(ctx, []string{"oA"}, Content{Type: "text", Text: "hi"}, "c-x"); err == nil {
		t.Fatal("a send to one openid went through")
	}
	q, err = a.TodayQuota(ctx, PathMassSend)
	wantQuota(t, q, err, Quota{DailyLimit: 100, Used: 2, Remain: 98})

	// Once the reading expires WeChat is asked again, and agrees.
	fresh := quotaClient(t, sts[0], appID, secret, time.Millisecond)
	if err := sts[0].QuotaCounts(appID).Put(ctx, PathMassSend, store.QuotaReading{Limit: 100, Remain: 7}, time.Millisecond); err != nil {
		t.Fatal(err)
	}
	time.Sleep(5 * time.Millisecond) // the reading's life, not a race
	q, err = fresh.TodayQuota(ctx, PathMassSend)
	wantQuota(t, q, err, Quota{DailyLimit: 100, Used: 2, Remain: 98})
	wantCalls(t, appID, pathQuotaGet, 2)
}

// A quota wall (45009 earlier today) means nothing remains, whatever the
// cached reading says, without asking WeChat.
func TestTodayQuotaWallIsZero(t *testing.T) {
	t.Parallel()
	appID, secret := newApp(t)
	st := replicaStores(t, 1)[0]
	c := quotaClient(t, st, appID, secret, time.Hour)
	ctx := testContext(t)
	if _, err := c.TodayQuota(ctx, PathMassSend); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	if err := st.QuotaWalls(appID).Set(ctx, pathMassSendAll, QuotaReset(now), now); err != nil {
		t.Fatal(err)
	}
	q, err := c.TodayQuota(ctx, PathMassSend)
	wantQuota(t, q, err, Quota{DailyLimit: 100, Used: 100, Remain: 0})
	wantCalls(t, appID, pathQuotaGet, 1)
}

// When quota/get fails the quota is unknown: an error, nothing cached,
// and the next reading asks again. Not parallel: the fault is the
// simulator's, for every app.
func TestTodayQuotaUnknownWhenReadFails(t *testing.T) {
	appID, secret := newApp(t)
	st := replicaStores(t, 1)[0]
	c := quotaClient(t, st, appID, secret, time.Hour)
	ctx := testContext(t)
	sim.FailNext(pathQuotaGet, -1, 1)
	if q, err := c.TodayQuota(ctx, PathMassSend); err == nil {
		t.Fatalf("quota = %+v with quota/get failing, want an error", q)
	}
	if _, ok, err := st.QuotaCounts(appID).Get(ctx, PathMassSend); err != nil || ok {
		t.Fatalf("a failed reading was cached (ok %v, err %v)", ok, err)
	}
	q, err := c.TodayQuota(ctx, PathMassSend)
	wantQuota(t, q, err, Quota{DailyLimit: 100, Remain: 100})
}

// The calls that spend a counted quota, and the quota they spend.
func TestQuotaPathOf(t *testing.T) {
	t.Parallel()
	for path, want := range map[string]string{
		pathMassSend:                     pathMassSend,
		pathMassSendAll:                  pathMassSend,
		pathUploadNews:                   pathUploadNews,
		PathBatchTag:                     PathBatchTag,
		PathBatchUntag:                   PathBatchUntag,
		PathTagCreate:                    PathTagCreate,
		pathTagDelete:                    pathTagDelete,
		pathMassPreview:                  "",
		pathQuotaGet:                     "",
		"/cgi-bin/tags/get":              "",
		"/cgi-bin/message/template/send": "",
	} {
		if got := quotaPathOf(path); got != want {
			t.Errorf("quotaPathOf(%s) = %q, want %q", path, got, want)
		}
	}
}

// Tag calls count against their own cached readings: SDK calls
// (batchtagging) and direct ones (tags/create, tags/delete) alike.
func TestTagCallsCountDown(t *testing.T) {
	t.Parallel()
	appID, secret := newApp(t)
	st := replicaStores(t, 1)[0]
	c := quotaClient(t, st, appID, secret, time.Hour)
	ctx := testContext(t)
	openid := "o" + appID[len(appID)-12:] + "000000000000000"
	sim.AddFollowers(appID, wxsim.Follower{OpenID: openid})
	counts := st.QuotaCounts(appID)
	for _, p := range []string{PathTagCreate, PathBatchTag, PathBatchUntag, PathTagDelete} {
		if err := counts.Put(ctx, p, store.QuotaReading{Limit: 50, Remain: 10}, time.Hour); err != nil {
			t.Fatal(err)
		}
	}
	tag, err := c.CreateTag(ctx, "wxc-test")
	if err != nil {
		t.Fatal(err)
	}
	for _, add := range []bool{true, false, true} {
		if err := c.TagMembers(ctx, tag.ID, []string{openid}, add); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.TagMembers(ctx, tag.ID, []string{"oNotAFollower0000000000000000"}, true); err == nil {
		t.Fatal("tagged a stranger")
	}
	if err := c.DeleteTag(ctx, tag.ID); err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]int{PathTagCreate: 9, PathBatchTag: 8, PathBatchUntag: 9, PathTagDelete: 9} {
		r, ok, err := counts.Get(ctx, p)
		if err != nil || !ok || r.Remain != want {
			t.Errorf("%s: reading %+v (ok %v, err %v), want %d left", p, r, ok, err, want)
		}
	}
}

// uploadnews has a quota of its own, counted down by each upload.
func TestUploadNewsCountsDown(t *testing.T) {
	t.Parallel()
	appID, secret := newApp(t)
	st := replicaStores(t, 1)[0]
	c := quotaClient(t, st, appID, secret, time.Hour)
	ctx := testContext(t)
	draft := sim.AddDraft(appID, wxsim.DraftArticle{Title: "t", Content: "<p>x</p>"})
	d, err := c.GetDraft(ctx, draft)
	if err != nil {
		t.Fatal(err)
	}
	q, err := c.TodayQuota(ctx, PathUploadNews)
	wantQuota(t, q, err, Quota{DailyLimit: 10, Remain: 10})
	if _, err := c.UploadNews(ctx, d.Articles); err != nil {
		t.Fatal(err)
	}
	q, err = c.TodayQuota(ctx, PathUploadNews)
	wantQuota(t, q, err, Quota{DailyLimit: 10, Used: 1, Remain: 9})
	if q, err := c.TodayQuota(ctx, PathMassSend); err != nil || q.Remain != 100 {
		t.Fatalf("mass-send quota %+v (%v) after an upload, want 100 left", q, err)
	}
	wantCalls(t, appID, pathQuotaGet, 2)
}
