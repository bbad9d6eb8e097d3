package wxsim

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
)

const (
	pathDraftAdd      = "/cgi-bin/draft/add"
	pathDraftGet      = "/cgi-bin/draft/get"
	pathDraftUpdate   = "/cgi-bin/draft/update"
	pathDraftDelete   = "/cgi-bin/draft/delete"
	pathDraftBatchGet = "/cgi-bin/draft/batchget"
	pathDraftCount    = "/cgi-bin/draft/count"
	pathUploadNews    = "/cgi-bin/media/uploadnews"
)

// call sends body (JSON unless a string; none for GET) to path with the
// app's token, decodes the answer into out (if not nil) and returns its
// errcode and raw bytes.
func (e *msgEnv) call(method, path string, body, out any) (int, []byte) {
	e.t.Helper()
	raw, ok := body.(string)
	if !ok && body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			e.t.Fatal(err)
		}
		raw = string(b)
	}
	target := e.url + path + "?" + url.Values{"access_token": {e.tok}}.Encode()
	req, err := http.NewRequest(method, target, strings.NewReader(raw))
	if err != nil {
		e.t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		e.t.Fatalf("%s %s: HTTP %d, %v", method, path, resp.StatusCode, err)
	}
	var code struct {
		ErrCode int `json:"errcode"`
	}
	if err := json.Unmarshal(b, &code); err != nil {
		e.t.Fatalf("%s %s: %v in %s", method, path, err, b)
	}
	if out != nil && code.ErrCode == 0 {
		if err := json.Unmarshal(b, out); err != nil {
			e.t.Fatalf("%s %s: %v in %s", method, path, err, b)
		}
	}
	return code.ErrCode, b
}

// post is call with POST, failing unless the errcode is want.
func (e *msgEnv) postWant(path string, body, out any, want int) []byte {
	e.t.Helper()
	code, raw := e.call(http.MethodPost, path, body, out)
	if code != want {
		e.t.Fatalf("POST %s: errcode %d (%s), want %d", path, code, raw, want)
	}
	return raw
}

// testArticle is a valid news article with cover cover.
func testArticle(title, cover string) map[string]any {
	return map[string]any{
		"title": title, "author": "小王", "digest": "摘要", "content": "<p>" + title + "</p>",
		"content_source_url": "https://example.com/src", "thumb_media_id": cover,
		"need_open_comment": 1, "only_fans_can_comment": 0,
	}
}

// addDraftAPI adds a draft through draft/add and returns its media_id.
func (e *msgEnv) addDraftAPI(articles ...map[string]any) string {
	e.t.Helper()
	var r struct {
		MediaID string `json:"media_id"`
	}
	e.postWant(pathDraftAdd, map[string]any{"articles": articles}, &r, CodeOK)
	if r.MediaID == "" {
		e.t.Fatal("draft/add answered no media_id")
	}
	return r.MediaID
}

// wireDraft is draft/get's answer.
type wireDraft struct {
	NewsItem   []wireArticle `json:"news_item"`
	CreateTime int64         `json:"create_time"`
	UpdateTime int64         `json:"update_time"`
}

func (e *msgEnv) getDraft(id string) wireDraft {
	e.t.Helper()
	var d wireDraft
	e.postWant(pathDraftGet, map[string]string{"media_id": id}, &d, CodeOK)
	return d
}

// draftCode is draft/get's errcode for id.
func (e *msgEnv) draftCode(id string) int {
	e.t.Helper()
	code, _ := e.call(http.MethodPost, pathDraftGet, map[string]string{"media_id": id}, nil)
	return code
}

func (e *msgEnv) draftCount() int {
	e.t.Helper()
	var r struct {
		TotalCount int `json:"total_count"`
	}
	if code, raw := e.call(http.MethodGet, pathDraftCount, nil, &r); code != 0 {
		e.t.Fatalf("draft/count: %s", raw)
	}
	return r.TotalCount
}

func contentOf(w wireArticle) string {
	if w.Content == nil {
		return "<none>"
	}
	return *w.Content
}
