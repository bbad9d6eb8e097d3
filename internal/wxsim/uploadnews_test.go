package wxsim

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestUploadNews(t *testing.T) {
	e := newMsgEnv(t)
	e.sim.AddMedia(testApp, "cover1", MediaImage)
	var r uploadNewsReply
	e.postWant(pathUploadNews, map[string]any{"articles": []any{testArticle("一", "cover1"), testArticle("二", "cover1")}}, &r, CodeOK)
	if r.Type != "news" || !strings.HasPrefix(r.MediaID, "UPNEWS_") || r.CreatedAt != simStart().Unix() {
		t.Errorf("uploadnews = %+v", r)
	}
	arts, ok := e.sim.UploadedNews(testApp, r.MediaID)
	if !ok || len(arts) != 2 || arts[1].Title != "二" || arts[0].ThumbMediaID != "cover1" || !arts[0].NeedOpenComment {
		t.Errorf("UploadedNews = %+v, %v", arts, ok)
	}
	// Neither a draft nor permanent material.
	if code := e.draftCode(r.MediaID); code != CodeInvalidMediaID {
		t.Errorf("draft/get of an uploadnews id = %d", code)
	}
	if n := e.draftCount(); n != 0 {
		t.Errorf("uploadnews put %d drafts in the box", n)
	}
	if _, ok := e.sim.UploadedNews(testApp, "nope"); ok {
		t.Error("UploadedNews found an unknown id")
	}
}

func TestUploadNewsValidation(t *testing.T) {
	e := newMsgEnv(t)
	e.sim.AddMedia(testApp, "cover1", MediaImage)
	for name, tt := range map[string]struct {
		body any
		code int
	}{
		"bad JSON":      {"[", CodeDataFormat},
		"no articles":   {map[string]any{}, CodeEmptyNews},
		"no title":      {map[string]any{"articles": []any{testArticle("", "cover1")}}, CodeEmptyNews},
		"unknown cover": {map[string]any{"articles": []any{testArticle("t", "nope")}}, CodeInvalidMediaID},
	} {
		t.Run(name, func(t *testing.T) { e.with(t).postWant(pathUploadNews, tt.body, nil, tt.code) })
	}
	if used := e.sim.QuotaUsed(testApp, pathUploadNews); used != 0 {
		t.Errorf("refused uploads spent %d of the quota", used)
	}
}

// The quota of 10 a day: the eleventh upload is 45009, and the next
// Beijing day starts again.
func TestUploadNewsQuota(t *testing.T) {
	e := newMsgEnv(t)
	e.sim.AddMedia(testApp, "cover1", MediaImage)
	body := map[string]any{"articles": []any{testArticle("t", "cover1")}}
	for range 10 {
		e.postWant(pathUploadNews, body, nil, CodeOK)
	}
	e.postWant(pathUploadNews, body, nil, CodeDailyQuota)
	e.advance(24 * time.Hour)
	e.postWant(pathUploadNews, body, nil, CodeOK)
}

func TestUploadNewsNeedsToken(t *testing.T) {
	e := newMsgEnv(t)
	e.tok = "bad"
	if code, _ := e.call(http.MethodPost, pathUploadNews, map[string]any{"articles": []any{}}, nil); code != CodeInvalidCredential && code != CodeInvalidAccessToken {
		t.Errorf("uploadnews with a bad token = %d", code)
	}
}
