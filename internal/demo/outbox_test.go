package demo

import (
	"testing"

	"github.com/wxcast/wxcast/internal/wxsim"
)

// A news broadcast shows the titles WeChat delivered, not a media_id.
func TestMassText(t *testing.T) {
	arts := []wxsim.DraftArticle{{Title: "城南新店开业"}, {Title: ""}, {Title: "第二篇"}}
	for _, tt := range []struct {
		msgType, content, mediaID string
		arts                      []wxsim.DraftArticle
		want                      string
	}{
		{"text", "你好", "", nil, "你好"},
		{"mpnews", "", "DRAFT_0002", arts, "[图文消息] 城南新店开业 / 第二篇"},
		{"mpnews", "", "news1", []wxsim.DraftArticle{{}}, "[图文消息] news1"},
		{"mpnews", "", "news1", nil, "[图文消息] news1"},
		{"image", "", "img1", nil, "[图片] img1"},
	} {
		if got := massText(tt.msgType, tt.content, tt.mediaID, tt.arts); got != tt.want {
			t.Errorf("massText(%s, %q) = %q, want %q", tt.msgType, tt.mediaID, got, tt.want)
		}
	}
}
