package wxsim

import (
	"reflect"
	"testing"
	"time"
)

func previewText(to, text string) map[string]any {
	return map[string]any{"touser": to, "msgtype": "text", "text": map[string]string{"content": text}}
}

func TestMassPreview(t *testing.T) {
	e := newMsgEnv(t)
	e.sim.AddMedia(testApp, "news1", MediaNews)
	e.sim.AddMedia(testApp, "img1", MediaImage)
	e.sim.Unfollow(testApp, "oGone")
	tests := []struct {
		name string
		body any
		code int
		want Preview
	}{
		{"bad JSON", "[", CodeDataFormat, Preview{}},
		{"no target", map[string]any{"msgtype": "text", "text": map[string]string{"content": "x"}}, CodeInvalidOpenID, Preview{}},
		{"malformed openid", previewText("o!", "x"), CodeInvalidOpenID, Preview{}},
		{"empty text", previewText("oA", ""), CodeEmptyContent, Preview{}},
		{"voice", map[string]any{"touser": "oA", "msgtype": "voice"}, CodeInvalidMessageType, Preview{}},
		{"unknown news", map[string]any{"touser": "oA", "msgtype": "mpnews", "mpnews": map[string]string{"media_id": "x"}}, CodeInvalidMediaID, Preview{}},
		{"images (mass/send's shape)", map[string]any{"touser": "oA", "msgtype": "image",
			"images": map[string]any{"media_ids": []string{"img1"}}}, CodeInvalidMediaID, Preview{}},
		{"unfollowed", previewText("oGone", "x"), CodeRequireSubscribe, Preview{}},
		{"text", previewText("oA", "hi"), 0, Preview{To: "oA", MsgType: "text", Content: "hi"}},
		{"towxname wins", map[string]any{"touser": "oA", "towxname": "alice", "msgtype": "mpnews",
			"mpnews": map[string]string{"media_id": "news1"}}, 0, Preview{To: "alice", ByWXName: true, MsgType: "mpnews", MediaID: "news1",
			Articles: []DraftArticle{{ArticleType: ArticleNews}}}},
		{"image", map[string]any{"touser": "oB", "msgtype": "image", "image": map[string]string{"media_id": "img1"}},
			0, Preview{To: "oB", MsgType: "image", MediaID: "img1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(e.sim.Previews(testApp))
			r := e.with(t).post(pathMassPreview, tt.body)
			wantCode(t, r, tt.code)
			got := e.sim.Previews(testApp)
			if tt.code != 0 {
				if len(got) != before {
					t.Error("a rejected preview was recorded")
				}
				return
			}
			if r.ErrMsg != "preview success" || r.MsgID == 0 {
				t.Errorf("reply = %+v", r)
			}
			p := got[len(got)-1]
			if !p.At.Equal(simStart()) {
				t.Errorf("preview at %v", p.At)
			}
			p.At, tt.want.MsgID = time.Time{}, r.MsgID
			if !reflect.DeepEqual(p, tt.want) {
				t.Errorf("preview = %+v, want %+v", p, tt.want)
			}
		})
	}
}

func TestMassPreviewDailyCap(t *testing.T) {
	e := newMsgEnv(t)
	for i := range previewsPerDay {
		if r := e.post(pathMassPreview, previewText("oA", "x")); r.ErrCode != 0 {
			t.Fatalf("preview %d: %+v", i, r)
		}
	}
	wantCode(t, e.post(pathMassPreview, previewText("oA", "x")), CodeDailyQuota)
	wantCode(t, e.post(pathMassPreview, map[string]any{"towxname": "bob", "msgtype": "text",
		"text": map[string]string{"content": "x"}}), CodeDailyQuota)
	e.advance(23*time.Hour + 59*time.Minute) // still 2024-05-01 in Beijing
	wantCode(t, e.post(pathMassPreview, previewText("oA", "x")), CodeDailyQuota)
	e.advance(time.Minute)
	wantCode(t, e.post(pathMassPreview, previewText("oA", "x")), 0)
}
