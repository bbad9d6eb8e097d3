package wxapi

import (
	"reflect"
	"testing"
	"time"

	"github.com/wxcast/wxcast/internal/wxsim"
)

// newDraftClient is a client of a fresh app whose simulated clock the
// test moves.
func newDraftClient(t *testing.T) (*Client, string, *time.Time) {
	t.Helper()
	appID, secret := newApp(t)
	now := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	sim.SetAppClock(appID, func() time.Time { return now })
	client, _ := newClient(t, replicaStores(t, 1)[0], appID, secret)
	return client, appID, &now
}

func TestGetDraft(t *testing.T) {
	t.Parallel()
	client, appID, now := newDraftClient(t)
	ctx := testContext(t)
	sim.AddMedia(appID, "cover-1", wxsim.MediaImage)
	id := sim.AddDraft(appID, wxsim.DraftArticle{
		Title: "新店开业", Author: "小王", Digest: "八折", Content: "<p>欢迎</p>",
		ContentSourceURL: "https://example.com/a", ThumbMediaID: "cover-1", NeedOpenComment: true, OnlyFansCanComment: true,
	}, wxsim.DraftArticle{ArticleType: wxsim.ArticleNewsPic, Title: "图集", Content: "三张图", ImageMediaIDs: []string{"p1", "p2"}})

	d, err := client.GetDraft(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	want := []DraftArticle{
		{ArticleType: "news", Title: "新店开业", Author: "小王", Digest: "八折", Content: "<p>欢迎</p>",
			ContentSourceURL: "https://example.com/a", ThumbMediaID: "cover-1", NeedOpenComment: 1, OnlyFansCanComment: 1},
		{ArticleType: "newspic", Title: "图集", Content: "三张图",
			ImageInfo: &ImageInfo{ImageList: []ImageItem{{"p1"}, {"p2"}}}},
	}
	if !reflect.DeepEqual(d.Articles, want) || !d.Updated.Equal(*now) {
		t.Fatalf("GetDraft = %+v at %v, want %+v at %v", d.Articles, d.Updated, want, *now)
	}

	// An editor changes the draft in the console: the next read sees the
	// new words and the new update time.
	*now = now.Add(time.Hour)
	if err := sim.EditDraft(appID, id, 0, func(a *wxsim.DraftArticle) { a.Title = "改过的标题" }); err != nil {
		t.Fatal(err)
	}
	d, err = client.GetDraft(ctx, id)
	if err != nil || d.Articles[0].Title != "改过的标题" || !d.Updated.Equal(*now) {
		t.Fatalf("GetDraft after the edit = %+v, %v", d, err)
	}
}

// A draft the box does not hold is 40007: never there, or gone with its
// first mass send.
func TestGetDraftGone(t *testing.T) {
	t.Parallel()
	client, appID, _ := newDraftClient(t)
	ctx := testContext(t)
	_, err := client.GetDraft(ctx, "nope")
	wantAPIError(t, err, wxsim.CodeInvalidMediaID)

	id := sim.AddDraft(appID, wxsim.DraftArticle{Title: "群发", Content: "<p>x</p>"})
	if _, err := client.MassSend(ctx, []string{"oA", "oB"}, Content{Type: "news", MediaID: id}, "c-1"); err != nil {
		t.Fatal(err)
	}
	_, err = client.GetDraft(ctx, id)
	wantAPIError(t, err, wxsim.CodeInvalidMediaID)
	if jobs := sim.Jobs(appID); len(jobs) != 1 || jobs[0].Articles[0].Title != "群发" {
		t.Errorf("jobs = %+v, want one carrying the draft's words", jobs)
	}
}

func TestListDrafts(t *testing.T) {
	t.Parallel()
	client, appID, now := newDraftClient(t)
	ctx := testContext(t)
	var ids []string
	for _, title := range []string{"一", "二", "三"} {
		ids = append(ids, sim.AddDraft(appID, wxsim.DraftArticle{Title: title, Content: "<p>长正文</p>"},
			wxsim.DraftArticle{Title: title + "之二"}))
		*now = now.Add(time.Minute)
	}
	page, total, err := client.ListDrafts(ctx, 0, 2)
	if err != nil {
		t.Fatal(err)
	}
	for i := range page {
		page[i].Updated = page[i].Updated.UTC() // time.Unix is in Local
	}
	start := now.Add(-3 * time.Minute)
	want := []DraftSummary{
		{MediaID: ids[2], Updated: start.Add(2 * time.Minute), Titles: []string{"三", "三之二"}},
		{MediaID: ids[1], Updated: start.Add(time.Minute), Titles: []string{"二", "二之二"}},
	}
	if total != 3 || !reflect.DeepEqual(page, want) {
		t.Fatalf("ListDrafts(0, 2) = %+v, %d; want %+v, 3", page, total, want)
	}
	page, total, err = client.ListDrafts(ctx, 2, 20)
	if err != nil || total != 3 || len(page) != 1 || page[0].MediaID != ids[0] {
		t.Fatalf("ListDrafts(2, 20) = %+v, %d, %v", page, total, err)
	}
	// Out of range counts never reach WeChat.
	before := sim.CountCalls(appID, pathDraftBatchGet)
	for _, n := range []int{0, MaxDraftPage + 1} {
		if _, _, err := client.ListDrafts(ctx, 0, n); err == nil {
			t.Errorf("ListDrafts(0, %d) did not fail", n)
		}
	}
	if after := sim.CountCalls(appID, pathDraftBatchGet); after != before {
		t.Errorf("refused counts made %d calls", after-before)
	}
}

// The words of a draft become an uploadnews id that mass send takes in
// every mode, even after the draft changed.
func TestUploadNews(t *testing.T) {
	t.Parallel()
	client, appID, _ := newDraftClient(t)
	ctx := testContext(t)
	sim.SetDraftMode(appID, wxsim.DraftIDsRefused)
	draft := sim.AddDraft(appID, wxsim.DraftArticle{Title: "批准的", Content: "<p>批准的正文</p>"})
	d, err := client.GetDraft(ctx, draft)
	if err != nil {
		t.Fatal(err)
	}
	id, err := client.UploadNews(ctx, d.Articles)
	if err != nil {
		t.Fatal(err)
	}
	if err := sim.EditDraft(appID, draft, 0, func(a *wxsim.DraftArticle) { a.Title = "偷改的" }); err != nil {
		t.Fatal(err)
	}
	_, err = client.MassSend(ctx, []string{"oA", "oB"}, Content{Type: "news", MediaID: draft}, "c-0")
	wantAPIError(t, err, wxsim.CodeInvalidMediaID)
	if _, err := client.MassSend(ctx, []string{"oA", "oB"}, Content{Type: "news", MediaID: id}, "c-1"); err != nil {
		t.Fatal(err)
	}
	if jobs := sim.Jobs(appID); len(jobs) != 1 || jobs[0].Articles[0].Title != "批准的" ||
		jobs[0].Articles[0].Content != "<p>批准的正文</p>" {
		t.Errorf("jobs = %+v, want the approved words", jobs)
	}
}

func TestUploadNewsErrors(t *testing.T) {
	t.Parallel()
	client, appID, _ := newDraftClient(t)
	ctx := testContext(t)
	if _, err := client.UploadNews(ctx, nil); err == nil || sim.CountCalls(appID, pathUploadNews) != 0 {
		t.Errorf("UploadNews(nil) = %v, want an error before any call", err)
	}
	// No cover: WeChat refuses the article.
	_, err := client.UploadNews(ctx, []DraftArticle{{Title: "t", Content: "<p>x</p>"}})
	wantAPIError(t, err, wxsim.CodeInvalidMediaID)

	sim.AddMedia(appID, "cover-1", wxsim.MediaImage)
	arts := []DraftArticle{{Title: "t", Content: "<p>x</p>", ThumbMediaID: "cover-1"}}
	for i := range 10 {
		if _, err := client.UploadNews(ctx, arts); err != nil {
			t.Fatalf("upload %d: %v", i+1, err)
		}
	}
	_, err = client.UploadNews(ctx, arts)
	wantAPIError(t, err, wxsim.CodeDailyQuota)
}
