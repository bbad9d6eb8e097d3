package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/wxcast/wxcast/internal/wxsim"
)

// The demo's news article is a draft with a title and digest for the word
// lists to check, and its media_id is the one the banners print.
func TestDemoUploads(t *testing.T) {
	sim := wxsim.NewServer()
	defer sim.Close()
	sim.AddApp(demoAppID, demoSecret)
	draft := addDemoUploads(sim, demoAppID)
	if draft != "DRAFT_0002" {
		t.Errorf("the demo's draft is %q; docs/demo.md names DRAFT_0002", draft)
	}
	ts := httptest.NewServer(sim)
	defer ts.Close()

	var tok struct {
		AccessToken string `json:"access_token"`
	}
	q := url.Values{"grant_type": {"client_credential"}, "appid": {demoAppID}, "secret": {demoSecret}}
	callJSON(t, http.MethodGet, ts.URL+"/cgi-bin/token?"+q.Encode(), "", &tok)

	var news struct {
		ErrCode  int `json:"errcode"`
		NewsItem []struct {
			Title        string `json:"title"`
			Digest       string `json:"digest"`
			ThumbMediaID string `json:"thumb_media_id"`
		} `json:"news_item"`
	}
	callJSON(t, http.MethodPost, ts.URL+"/cgi-bin/draft/get?access_token="+url.QueryEscape(tok.AccessToken),
		`{"media_id":"`+draft+`"}`, &news)
	if news.ErrCode != 0 || len(news.NewsItem) != 1 || news.NewsItem[0].Title == "" || news.NewsItem[0].Digest == "" ||
		news.NewsItem[0].ThumbMediaID == "" {
		t.Errorf("demo draft = %+v, want one article with a title, digest and cover", news)
	}
}

func callJSON(t *testing.T, method, target, body string, out any) {
	t.Helper()
	req, err := http.NewRequest(method, target, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		t.Fatal(err)
	}
}
