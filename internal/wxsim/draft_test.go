package wxsim

import (
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestDraftAddAndGet(t *testing.T) {
	e := newMsgEnv(t)
	e.sim.AddMedia(testApp, "cover1", MediaImage)
	e.sim.AddMedia(testApp, "pic1", MediaImage)
	e.sim.AddMedia(testApp, "pic2", MediaImage)
	pic := map[string]any{"article_type": "newspic", "title": "九宫格", "content": "纯文本",
		"image_info": map[string]any{"image_list": []map[string]string{{"image_media_id": "pic1"}, {"image_media_id": "pic2"}}}}
	id := e.addDraftAPI(testArticle("开业", "cover1"), pic)

	d := e.getDraft(id)
	if d.CreateTime != simStart().Unix() || d.UpdateTime != simStart().Unix() {
		t.Errorf("times = %d, %d; want %d", d.CreateTime, d.UpdateTime, simStart().Unix())
	}
	if len(d.NewsItem) != 2 {
		t.Fatalf("news_item = %+v, want two articles", d.NewsItem)
	}
	got := []DraftArticle{d.NewsItem[0].article(), d.NewsItem[1].article()}
	want := []DraftArticle{
		{ArticleType: ArticleNews, Title: "开业", Author: "小王", Digest: "摘要", Content: "<p>开业</p>",
			ContentSourceURL: "https://example.com/src", ThumbMediaID: "cover1", NeedOpenComment: true},
		{ArticleType: ArticleNewsPic, Title: "九宫格", Content: "纯文本", ImageMediaIDs: []string{"pic1", "pic2"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("draft/get = %+v, want %+v", got, want)
	}
	if arts, ok := e.sim.Draft(testApp, id); !ok || !reflect.DeepEqual(arts, want) {
		t.Errorf("Draft = %+v, %v; want %+v", arts, ok, want)
	}
	if n := e.draftCount(); n != 1 {
		t.Errorf("draft/count = %d, want 1", n)
	}
}

func TestDraftAddValidation(t *testing.T) {
	e := newMsgEnv(t)
	e.sim.AddMedia(testApp, "cover1", MediaImage)
	e.sim.AddMedia(testApp, "news1", MediaNews)
	with := func(k string, v any) map[string]any {
		a := testArticle("t", "cover1")
		a[k] = v
		return a
	}
	nine := make([]map[string]any, 9)
	for i := range nine {
		nine[i] = testArticle("t", "cover1")
	}
	pics := func(ids ...string) map[string]any {
		var list []map[string]string
		for _, id := range ids {
			list = append(list, map[string]string{"image_media_id": id})
		}
		return map[string]any{"article_type": "newspic", "title": "p", "image_info": map[string]any{"image_list": list}}
	}
	many := make([]string, 21)
	for i := range many {
		many[i] = "cover1"
	}
	tests := []struct {
		name string
		body any
		code int
	}{
		{"bad JSON", "{", CodeDataFormat},
		{"no articles", map[string]any{"articles": []any{}}, CodeEmptyNews},
		{"no title", map[string]any{"articles": []any{with("title", "")}}, CodeEmptyNews},
		{"no content", map[string]any{"articles": []any{with("content", "")}}, CodeEmptyNews},
		{"no cover", map[string]any{"articles": []any{with("thumb_media_id", "")}}, CodeInvalidMediaID},
		{"unknown cover", map[string]any{"articles": []any{with("thumb_media_id", "nope")}}, CodeInvalidMediaID},
		{"cover is news", map[string]any{"articles": []any{with("thumb_media_id", "news1")}}, CodeInvalidMediaID},
		{"content too long", map[string]any{"articles": []any{with("content", strings.Repeat("字", maxContentChars))}}, CodeContentSizeLimit},
		{"digest too long", map[string]any{"articles": []any{with("digest", strings.Repeat("字", maxDigestChars+1))}}, CodeDescriptionSizeLimit},
		{"nine articles", map[string]any{"articles": nine}, CodeArticleSizeLimit},
		{"unknown type", map[string]any{"articles": []any{with("article_type", "video")}}, CodeEmptyNews},
		{"newspic without pictures", map[string]any{"articles": []any{pics()}}, CodeEmptyNews},
		{"newspic unknown picture", map[string]any{"articles": []any{pics("cover1", "nope")}}, CodeInvalidMediaID},
		{"newspic 21 pictures", map[string]any{"articles": []any{pics(many...)}}, CodeArticleSizeLimit},
		{"newspic needs no cover", map[string]any{"articles": []any{pics("cover1")}}, CodeOK},
		{"eight articles, longest digest", map[string]any{"articles": append(nine[:7:7],
			with("digest", strings.Repeat("字", maxDigestChars)))}, CodeOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := e.with(t)
			before := e.draftCount()
			e.postWant(pathDraftAdd, tt.body, nil, tt.code)
			if after, want := e.draftCount(), before+map[bool]int{true: 1}[tt.code == CodeOK]; after != want {
				t.Errorf("draft/count = %d, want %d", after, want)
			}
		})
	}
}

func TestDraftUnknownID(t *testing.T) {
	e := newMsgEnv(t)
	e.sim.AddMedia(testApp, "cover1", MediaImage)
	e.sim.AddMedia(testApp, "news1", MediaNews)
	for _, id := range []string{"", "nope", "news1", "cover1"} {
		e.postWant(pathDraftGet, map[string]string{"media_id": id}, nil, CodeInvalidMediaID)
		e.postWant(pathDraftDelete, map[string]string{"media_id": id}, nil, CodeInvalidMediaID)
		e.postWant(pathDraftUpdate, map[string]any{"media_id": id, "index": 0, "articles": testArticle("t", "cover1")},
			nil, CodeInvalidMediaID)
	}
}

func TestDraftUpdate(t *testing.T) {
	e := newMsgEnv(t)
	e.sim.AddMedia(testApp, "cover1", MediaImage)
	id := e.addDraftAPI(testArticle("一", "cover1"), testArticle("二", "cover1"))
	e.advance(time.Minute)
	e.postWant(pathDraftUpdate, map[string]any{"media_id": id, "index": 1, "articles": testArticle("二改", "cover1")}, nil, CodeOK)
	d := e.getDraft(id)
	if d.NewsItem[0].Title != "一" || d.NewsItem[1].Title != "二改" || contentOf(d.NewsItem[1]) != "<p>二改</p>" {
		t.Errorf("after update: %+v", d.NewsItem)
	}
	if d.UpdateTime != simStart().Add(time.Minute).Unix() || d.CreateTime != simStart().Unix() {
		t.Errorf("times = create %d, update %d", d.CreateTime, d.UpdateTime)
	}
	for name, tt := range map[string]struct {
		body any
		code int
	}{
		"index past the end": {map[string]any{"media_id": id, "index": 2, "articles": testArticle("x", "cover1")}, CodeInvalidArgs},
		"negative index":     {map[string]any{"media_id": id, "index": -1, "articles": testArticle("x", "cover1")}, CodeInvalidArgs},
		"no article":         {map[string]any{"media_id": id, "index": 0}, CodeEmptyNews},
		"invalid article":    {map[string]any{"media_id": id, "index": 0, "articles": testArticle("", "cover1")}, CodeEmptyNews},
		"unknown cover":      {map[string]any{"media_id": id, "index": 0, "articles": testArticle("x", "nope")}, CodeInvalidMediaID},
	} {
		t.Run(name, func(t *testing.T) {
			e.with(t).postWant(pathDraftUpdate, tt.body, nil, tt.code)
		})
	}
	if d2 := e.getDraft(id); !reflect.DeepEqual(d2, d) {
		t.Errorf("refused updates changed the draft: %+v", d2)
	}
}

func TestDraftDelete(t *testing.T) {
	e := newMsgEnv(t)
	e.sim.AddMedia(testApp, "cover1", MediaImage)
	keep := e.addDraftAPI(testArticle("留", "cover1"))
	gone := e.addDraftAPI(testArticle("删", "cover1"))
	e.postWant(pathDraftDelete, map[string]string{"media_id": gone}, nil, CodeOK)
	if code := e.draftCode(gone); code != CodeInvalidMediaID {
		t.Errorf("draft/get of a deleted draft: %d, want 40007", code)
	}
	e.postWant(pathDraftDelete, map[string]string{"media_id": gone}, nil, CodeInvalidMediaID)
	if _, ok := e.sim.Draft(testApp, gone); ok {
		t.Error("Draft still finds the deleted draft")
	}
	if n := e.draftCount(); n != 1 || e.getDraft(keep).NewsItem[0].Title != "留" {
		t.Errorf("draft/count = %d after deleting one of two", n)
	}
	// A deleted draft's id is gone for mass sends too, in the default mode.
	wantCode(t, e.post(pathMassSend, massNews(openids("d", 2), gone, "c1")), CodeInvalidMediaID)
}

// batchPage is draft/batchget's answer.
type batchPage struct {
	TotalCount int `json:"total_count"`
	ItemCount  int `json:"item_count"`
	Item       []struct {
		MediaID string `json:"media_id"`
		Content struct {
			NewsItem []wireArticle `json:"news_item"`
		} `json:"content"`
		UpdateTime int64 `json:"update_time"`
	} `json:"item"`
}

func (p batchPage) ids() []string {
	var out []string
	for _, it := range p.Item {
		out = append(out, it.MediaID)
	}
	return out
}

func TestDraftBatchGet(t *testing.T) {
	e := newMsgEnv(t)
	var ids []string
	for _, title := range []string{"a", "b", "c", "d"} {
		ids = append(ids, e.sim.AddDraft(testApp, DraftArticle{Title: title, Content: "<p>" + title + "</p>"}))
		e.advance(time.Minute)
	}
	// An edit makes the oldest draft the newest.
	if err := e.sim.EditDraft(testApp, ids[0], 0, func(a *DraftArticle) { a.Title = "a2" }); err != nil {
		t.Fatal(err)
	}
	page := func(offset, count, noContent int) (batchPage, []byte) {
		var p batchPage
		raw := e.postWant(pathDraftBatchGet, map[string]int{"offset": offset, "count": count, "no_content": noContent}, &p, CodeOK)
		return p, raw
	}
	p, _ := page(0, 20, 0)
	if want := []string{ids[0], ids[3], ids[2], ids[1]}; !reflect.DeepEqual(p.ids(), want) || p.TotalCount != 4 || p.ItemCount != 4 {
		t.Fatalf("batchget = %v (total %d, items %d), want %v newest first", p.ids(), p.TotalCount, p.ItemCount, want)
	}
	if it := p.Item[0]; it.Content.NewsItem[0].Title != "a2" || contentOf(it.Content.NewsItem[0]) != "<p>a</p>" ||
		it.UpdateTime != simStart().Add(4*time.Minute).Unix() {
		t.Errorf("first item = %+v", it)
	}
	p, raw := page(1, 2, 1)
	if want := []string{ids[3], ids[2]}; !reflect.DeepEqual(p.ids(), want) || p.TotalCount != 4 || p.ItemCount != 2 {
		t.Errorf("offset 1 count 2 = %v (total %d, items %d), want %v", p.ids(), p.TotalCount, p.ItemCount, want)
	}
	if strings.Contains(string(raw), `"content":"`) || p.Item[0].Content.NewsItem[0].Title != "d" {
		t.Errorf("no_content=1 still carries content, or lost the title: %s", raw)
	}
	if p, raw := page(4, 5, 0); p.TotalCount != 4 || p.ItemCount != 0 || !strings.Contains(string(raw), `"item":[]`) {
		t.Errorf("past the end: %s", raw)
	}
	for _, count := range []int{0, 21} {
		e.postWant(pathDraftBatchGet, map[string]int{"offset": 0, "count": count}, nil, CodeInvalidArgs)
	}
	e.postWant(pathDraftBatchGet, map[string]int{"offset": -1, "count": 1}, nil, CodeInvalidArgs)
}

func TestDraftCountIsGET(t *testing.T) {
	e := newMsgEnv(t)
	if n := e.draftCount(); n != 0 {
		t.Errorf("empty box counts %d", n)
	}
	e.sim.AddDraft(testApp, DraftArticle{Title: "x"})
	if n := e.draftCount(); n != 1 {
		t.Errorf("draft/count = %d, want 1", n)
	}
	if code, _ := e.call(http.MethodPost, pathDraftCount, "{}", nil); code != CodeRequireGET {
		t.Errorf("POST draft/count: %d, want 43001", code)
	}
	if code, _ := e.call(http.MethodGet, pathDraftGet, nil, nil); code != CodeRequirePOST {
		t.Errorf("GET draft/get: %d, want 43002", code)
	}
}

func TestDraftAddQuota(t *testing.T) {
	e := newMsgEnv(t)
	var q quotaGetReply
	e.postWant("/cgi-bin/openapi/quota/get", map[string]string{"cgi_path": pathDraftAdd}, &q, CodeOK)
	if q.Quota.DailyLimit != 1000 {
		t.Errorf("draft/add daily limit = %d, want 1000 (草稿-新建)", q.Quota.DailyLimit)
	}
	e.sim.AddMedia(testApp, "cover1", MediaImage)
	e.sim.SetDailyQuota(pathDraftAdd, 2)
	e.addDraftAPI(testArticle("1", "cover1"))
	e.postWant(pathDraftAdd, map[string]any{"articles": []any{}}, nil, CodeEmptyNews) // refused: spends nothing
	e.addDraftAPI(testArticle("2", "cover1"))
	e.postWant(pathDraftAdd, map[string]any{"articles": []any{testArticle("3", "cover1")}}, nil, CodeDailyQuota)
	if n := e.draftCount(); n != 2 {
		t.Errorf("draft/count = %d after the quota refused the third", n)
	}
}

func TestEditDraft(t *testing.T) {
	e := newMsgEnv(t)
	id := e.sim.AddDraft(testApp, DraftArticle{Title: "批准的标题", Content: "<p>批准的正文</p>"})
	e.advance(time.Hour)
	err := e.sim.EditDraft(testApp, id, 0, func(a *DraftArticle) {
		a.Title, a.Content = "改过的标题", "<p>改过的正文</p>"
	})
	if err != nil {
		t.Fatal(err)
	}
	d := e.getDraft(id)
	if d.NewsItem[0].Title != "改过的标题" || contentOf(d.NewsItem[0]) != "<p>改过的正文</p>" {
		t.Errorf("draft/get after EditDraft = %+v", d.NewsItem[0])
	}
	if d.UpdateTime != simStart().Add(time.Hour).Unix() || d.CreateTime != simStart().Unix() {
		t.Errorf("times = create %d, update %d", d.CreateTime, d.UpdateTime)
	}
	if err := e.sim.EditDraft(testApp, id, 1, func(*DraftArticle) {}); err == nil {
		t.Error("EditDraft accepted index 1 of a one-article draft")
	}
	if err := e.sim.EditDraft(testApp, "nope", 0, func(*DraftArticle) {}); err == nil {
		t.Error("EditDraft accepted an unknown draft")
	}
}

// AddDraft gives a news article without a cover a registered image, so
// the articles draft/get answers pass media/uploadnews.
func TestAddDraftCover(t *testing.T) {
	e := newMsgEnv(t)
	id := e.sim.AddDraft(testApp, DraftArticle{Title: "无封面", Content: "<p>x</p>"},
		DraftArticle{ArticleType: ArticleNewsPic, Title: "图", ImageMediaIDs: []string{"p"}})
	arts, _ := e.sim.Draft(testApp, id)
	if arts[0].ArticleType != ArticleNews || arts[0].ThumbMediaID == "" || arts[1].ThumbMediaID != "" {
		t.Fatalf("articles = %+v, want a cover on the news article only", arts)
	}
	ctype, _ := e.getMaterial(http.MethodPost, e.tok, `{"media_id":"`+arts[0].ThumbMediaID+`"}`)
	if ctype != "image/gif" {
		t.Errorf("the cover is not image material: %s", ctype)
	}
	d := e.getDraft(id)
	var r struct {
		MediaID string `json:"media_id"`
	}
	e.postWant(pathUploadNews, map[string]any{"articles": d.NewsItem[:1]}, &r, CodeOK)
	if got, ok := e.sim.UploadedNews(testApp, r.MediaID); !ok || got[0].Title != "无封面" {
		t.Errorf("UploadedNews = %+v, %v", got, ok)
	}
	// Ids are predictable per app, and never an id in use.
	e.sim.AddMedia(testApp, "DRAFT_0004", MediaImage)
	if id2 := e.sim.AddDraft(testApp, DraftArticle{Title: "y", ThumbMediaID: "c"}); id != "DRAFT_0002" || id2 != "DRAFT_0005" {
		t.Errorf("ids %q, %q; want DRAFT_0002 (after its cover), then DRAFT_0005", id, id2)
	}
}

func TestGetMaterialRefusesDraftsAndUploadNews(t *testing.T) {
	e := newMsgEnv(t)
	e.sim.AddMedia(testApp, "cover1", MediaImage)
	draft := e.addDraftAPI(testArticle("草稿", "cover1"))
	var r struct {
		MediaID string `json:"media_id"`
	}
	e.postWant(pathUploadNews, map[string]any{"articles": []any{testArticle("图文", "cover1")}}, &r, CodeOK)
	for _, id := range []string{draft, r.MediaID} {
		if m := e.material(id); m.ErrCode != CodeInvalidMediaID {
			t.Errorf("get_material(%s) = %+v, want 40007: neither is permanent material", id, m)
		}
	}
}

func TestRetiredNewsAPIs(t *testing.T) {
	e := newMsgEnv(t)
	for _, path := range []string{"/cgi-bin/material/add_news", "/cgi-bin/material/update_news"} {
		_, raw := e.call(http.MethodPost, path, map[string]any{"articles": []any{testArticle("x", "c")}}, nil)
		var r apiError
		if err := json.Unmarshal(raw, &r); err != nil || r.Code != CodeAPIUnsupported || r.Msg != "This API has been unsupported" {
			t.Errorf("%s = %s, want 45103", path, raw)
		}
	}
}
