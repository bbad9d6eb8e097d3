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

// The demo's news article has a title and digest for the word lists to
// check.
func TestDemoUploads(t *testing.T) {
	sim := wxsim.NewServer()
	defer sim.Close()
	sim.AddApp(demoAppID, demoSecret)
	addDemoUploads(sim, demoAppID)
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
			Title  string `json:"title"`
			Digest string `json:"digest"`
		} `json:"news_item"`
	}
	callJSON(t, http.MethodPost, ts.URL+"/cgi-bin/material/get_material?access_token="+url.QueryEscape(tok.AccessToken),
		`{"media_id":"`+demoNewsMedia+`"}`, &news)
	if news.ErrCode != 0 || len(news.NewsItem) != 1 || news.NewsItem[0].Title == "" || news.NewsItem[0].Digest == "" {
		t.Errorf("demo news = %+v, want one article with a title and digest", news)
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
