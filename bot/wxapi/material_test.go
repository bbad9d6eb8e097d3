package wxapi

import (
	"slices"
	"testing"

	"github.com/wxcast/wxcast/internal/wxsim"
)

func TestNewsArticles(t *testing.T) {
	t.Parallel()
	client, appID := newMassClient(t)
	sim.AddNews(appID, "news-2",
		wxsim.Article{Title: "新店开业", Digest: "全场八折", Author: "小王", Content: "<p>正文</p>"},
		wxsim.Article{Title: "第二篇"})
	ctx := testContext(t)

	got, err := client.NewsArticles(ctx, "news-2")
	if err != nil {
		t.Fatal(err)
	}
	want := []DraftArticle{{Title: "新店开业", Digest: "全场八折", Author: "小王", Content: "<p>正文</p>"}, {Title: "第二篇"}}
	if !slices.Equal(got, want) {
		t.Errorf("NewsArticles = %+v, want %+v", got, want)
	}

	// News uploaded without articles (AddMedia) has one untitled article.
	got, err = client.NewsArticles(ctx, "news-1")
	if err != nil || !slices.Equal(got, []DraftArticle{{}}) {
		t.Errorf("NewsArticles(news-1) = %+v, %v; want one empty article", got, err)
	}
}

func TestNewsArticlesErrors(t *testing.T) {
	t.Parallel()
	client, _ := newMassClient(t)
	ctx := testContext(t)
	_, err := client.NewsArticles(ctx, "nope")
	wantAPIError(t, err, wxsim.CodeInvalidMediaID)
	_, err = client.NewsArticles(ctx, "")
	wantAPIError(t, err, wxsim.CodeInvalidMediaID)

	// An image answers with its bytes: an error, but no errcode.
	_, err = client.NewsArticles(ctx, "img-1")
	if err == nil || ErrCode(err) != 0 {
		t.Errorf("NewsArticles(image) = %v, want a plain error", err)
	}
}

func TestNewsArticlesRetriesStaleToken(t *testing.T) {
	t.Parallel()
	client, appID := newMassClient(t)
	ctx := testContext(t)
	if _, err := client.NewsArticles(ctx, "news-1"); err != nil {
		t.Fatal(err)
	}
	sim.RevokeTokens(appID)
	if _, err := client.NewsArticles(ctx, "news-1"); err != nil {
		t.Fatalf("NewsArticles after the token was revoked: %v", err)
	}
	wantCalls(t, appID, pathStable, 2)
	if got := errCodes(appID, pathGetMaterial); !slices.Equal(got, []int{0, 40001, 0}) {
		t.Errorf("get_material errcodes %v, want [0 40001 0]", got)
	}
}
