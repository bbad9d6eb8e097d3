package wxsim

import (
	"bytes"
	"encoding/json"
	"image/gif"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

const pathGetMaterial = "/cgi-bin/material/get_material"

// materialReply is get_material's JSON answer: news, or an error.
type materialReply struct {
	ErrCode  int    `json:"errcode"`
	ErrMsg   string `json:"errmsg"`
	NewsItem []struct {
		Title            string `json:"title"`
		ThumbMediaID     string `json:"thumb_media_id"`
		ShowCoverPic     int    `json:"show_cover_pic"`
		Author           string `json:"author"`
		Digest           string `json:"digest"`
		Content          string `json:"content"`
		URL              string `json:"url"`
		ContentSourceURL string `json:"content_source_url"`
	} `json:"news_item"`
	CreateTime int64 `json:"create_time"`
	UpdateTime int64 `json:"update_time"`
}

// getMaterial posts body to get_material with token ("" for none) and
// returns the answer's content type and bytes.
func (e *msgEnv) getMaterial(method, token, body string) (string, []byte) {
	e.t.Helper()
	target := e.url + pathGetMaterial
	if token != "" {
		target += "?" + url.Values{"access_token": {token}}.Encode()
	}
	req, err := http.NewRequest(method, target, strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		e.t.Fatalf("get_material: HTTP %d", resp.StatusCode)
	}
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return resp.Header.Get("Content-Type"), raw
}

// material asks for mediaID with the app's token and decodes the JSON.
func (e *msgEnv) material(mediaID string) materialReply {
	e.t.Helper()
	body, _ := json.Marshal(map[string]string{"media_id": mediaID})
	_, raw := e.getMaterial(http.MethodPost, e.tok, string(body))
	var r materialReply
	if err := json.Unmarshal(raw, &r); err != nil {
		e.t.Fatalf("get_material %q: %v in %q", mediaID, err, raw)
	}
	return r
}

func TestGetMaterialNews(t *testing.T) {
	e := newMsgEnv(t)
	arts := []Article{
		{Title: "新店开业", Author: "小王", Digest: "全场八折", Content: "<p>欢迎</p>", URL: "https://mp.weixin.qq.com/s/a"},
		{Title: "第二篇", Digest: "更多"},
	}
	e.sim.AddNews(testApp, "news1", arts...)
	arts[0].Title = "changed after AddNews"

	r := e.material("news1")
	if r.ErrCode != 0 || len(r.NewsItem) != 2 {
		t.Fatalf("get_material = %+v, want two articles", r)
	}
	a := r.NewsItem[0]
	if a.Title != "新店开业" || a.Author != "小王" || a.Digest != "全场八折" ||
		a.Content != "<p>欢迎</p>" || a.URL != "https://mp.weixin.qq.com/s/a" {
		t.Errorf("first article = %+v", a)
	}
	if r.NewsItem[1].Title != "第二篇" || r.NewsItem[1].Digest != "更多" {
		t.Errorf("second article = %+v", r.NewsItem[1])
	}
	if want := simStart().Unix(); r.CreateTime != want || r.UpdateTime != want {
		t.Errorf("create_time %d update_time %d, want %d", r.CreateTime, r.UpdateTime, want)
	}

	// AddNews media is news for the sending endpoints too.
	wantCode(t, e.post(pathMassSend, massNews(openids("a", 2), "news1", "")), CodeOK)
}

func TestGetMaterialAddMedia(t *testing.T) {
	e := newMsgEnv(t)
	e.sim.AddMedia(testApp, "plain", MediaNews)
	r := e.material("plain")
	if r.ErrCode != 0 || len(r.NewsItem) != 1 || r.NewsItem[0].Title != "" {
		t.Fatalf("news without articles = %+v, want one untitled article", r)
	}

	// Registering again replaces the articles, whichever hook does it.
	e.sim.AddNews(testApp, "re", Article{Title: "old"})
	e.sim.AddMedia(testApp, "re", MediaNews)
	if r := e.material("re"); len(r.NewsItem) != 1 || r.NewsItem[0].Title != "" {
		t.Errorf("AddMedia after AddNews = %+v, want the articles gone", r)
	}
	e.sim.AddMedia(testApp, "img", MediaImage)
	e.sim.AddNews(testApp, "img", Article{Title: "now news"})
	if r := e.material("img"); len(r.NewsItem) != 1 || r.NewsItem[0].Title != "now news" {
		t.Errorf("AddNews after AddMedia = %+v", r)
	}
}

func TestGetMaterialImage(t *testing.T) {
	e := newMsgEnv(t)
	e.sim.AddMedia(testApp, "img1", MediaImage)
	ct, raw := e.getMaterial(http.MethodPost, e.tok, `{"media_id":"img1"}`)
	if ct != "image/gif" {
		t.Errorf("Content-Type %q, want image/gif", ct)
	}
	if _, err := gif.Decode(bytes.NewReader(raw)); err != nil {
		t.Errorf("image material is not a picture: %v", err)
	}
	if calls := e.sim.LastCalls(testApp, 1); calls[0].Path != pathGetMaterial || calls[0].ErrCode != 0 {
		t.Errorf("recorded %+v", calls[0])
	}
}

func TestGetMaterialErrors(t *testing.T) {
	e := newMsgEnv(t)
	e.sim.AddMedia(testApp, "voice1", "voice")
	other := "wx_other"
	e.sim.AddApp(other, "s")
	e.sim.AddNews(other, "theirs", Article{Title: "not yours"})
	for _, id := range []string{"nope", "", "voice1", "theirs"} {
		r := e.material(id)
		if r.ErrCode != CodeInvalidMediaID || r.ErrMsg != "invalid media_id" {
			t.Errorf("media_id %q: %+v, want 40007 invalid media_id", id, r)
		}
	}

	tests := []struct {
		name, method, token, body string
		code                      int
	}{
		{"no token", http.MethodPost, "", `{"media_id":"x"}`, CodeAccessTokenMissing},
		{"malformed token", http.MethodPost, "bad token", `{"media_id":"x"}`, CodeInvalidAccessToken},
		{"unknown token", http.MethodPost, strings.Repeat("x", len(e.tok)), `{"media_id":"x"}`, CodeInvalidCredential},
		{"GET", http.MethodGet, e.tok, "", CodeRequirePOST},
		{"not JSON", http.MethodPost, e.tok, "{", CodeDataFormat},
	}
	for _, tt := range tests {
		_, raw := e.getMaterial(tt.method, tt.token, tt.body)
		var r materialReply
		if err := json.Unmarshal(raw, &r); err != nil || r.ErrCode != tt.code {
			t.Errorf("%s: %q (%v), want errcode %d", tt.name, raw, err, tt.code)
		}
	}
	var codes []int
	for _, c := range e.sim.Calls(testApp) {
		if c.Path == pathGetMaterial {
			codes = append(codes, c.ErrCode)
		}
	}
	// The four 40007s, then the calls whose token named the app.
	want := []int{40007, 40007, 40007, 40007, CodeRequirePOST, CodeDataFormat}
	if len(codes) != len(want) {
		t.Fatalf("recorded errcodes %v, want %v", codes, want)
	}
	for i := range want {
		if codes[i] != want[i] {
			t.Fatalf("recorded errcodes %v, want %v", codes, want)
		}
	}
}
