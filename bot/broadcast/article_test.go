package broadcast

import (
	"slices"
	"testing"

	"github.com/wxcast/wxcast/bot/wxapi"
)

func TestTextOf(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"<p>城南新店<b>最</b>佳体验</p>", "城南新店最佳体验"},
		{"<p>第一段</p>\n<p></p><p>第二段</p>", "第一段\n第二段"},
		{"第一段<br/>第二段<BR>第三段", "第一段\n第二段\n第三段"},
		{`<section style="x"><span>A&amp;B &lt;C&gt;</span></section>`, "A&B <C>"},
		{"前<script>var s='最佳';</script>后<style>p{}</style>尾", "前后尾"},
		{"正文<img src='a.png'>图后", "正文图后"},
		{"未闭合<p class=", "未闭合"},
		{"纯文本", "纯文本"},
	} {
		if got := TextOf(c.in); got != c.want {
			t.Errorf("TextOf(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestChangedNamesEveryField(t *testing.T) {
	base := []Article{
		{Type: "news", Title: "标题", Author: "作者", Digest: "摘要", Content: "<p>正文</p>", ContentSourceURL: "https://a",
			ThumbMediaID: "T1", NeedOpenComment: 1},
		{Type: "newspic", Title: "图片", Images: []string{"I1", "I2"}},
	}
	if c := Changed(base, slices.Clone(base)); len(c) != 0 {
		t.Fatalf("unchanged articles: %v", c)
	}
	edit := func(f func(a []Article)) []Article {
		out := make([]Article, len(base))
		copy(out, base)
		out[1].Images = slices.Clone(base[1].Images)
		f(out)
		return out
	}
	for want, f := range map[string]func(a []Article){
		"1.article_type":          func(a []Article) { a[0].Type = "newspic" },
		"1.title":                 func(a []Article) { a[0].Title = "新标题" },
		"1.author":                func(a []Article) { a[0].Author = "" },
		"1.digest":                func(a []Article) { a[0].Digest += "。" },
		"1.content":               func(a []Article) { a[0].Content = "<p>正文 </p>" },
		"1.content_source_url":    func(a []Article) { a[0].ContentSourceURL = "https://b" },
		"1.thumb_media_id":        func(a []Article) { a[0].ThumbMediaID = "T2" },
		"1.need_open_comment":     func(a []Article) { a[0].NeedOpenComment = 0 },
		"1.only_fans_can_comment": func(a []Article) { a[0].OnlyFansCanComment = 1 },
		"2.image_info":            func(a []Article) { a[1].Images[1] = "I3" },
	} {
		if got := Changed(base, edit(f)); !slices.Equal(got, []string{want}) {
			t.Errorf("Changed after editing %s = %v", want, got)
		}
	}
	if got := Changed(base, base[:1]); !slices.Equal(got, []string{"articles"}) {
		t.Errorf("an article removed: %v", got)
	}
}

// Every field the hash covers moves the hash: an approval binds the
// words, the cover, the comment switches and the pictures.
func TestPlanHashCoversArticles(t *testing.T) {
	b := &Broadcast{Segment: "all", Content: Content{Type: "news", MediaID: "D1"}}
	hash := func(a Article, channel string) string {
		p := &Plan{RulesVersion: "r1", Channel: channel, News: []News{{Draft: "D1", Articles: []Article{a}}}}
		p.seal(b)
		return p.Hash
	}
	a := ArticleOf(wxapi.DraftArticle{Title: "标题", Content: "<p>x</p>"})
	if a.Type != "news" {
		t.Fatalf("an article without article_type reads as %q, want news", a.Type)
	}
	h := hash(a, "")
	if hash(a, "") != h {
		t.Fatal("the hash is not stable")
	}
	if hash(a, ChannelTag) == h {
		t.Error("the channel does not move the hash")
	}
	for _, f := range []func(*Article){
		func(a *Article) { a.Content = "<p>y</p>" },
		func(a *Article) { a.ThumbMediaID = "T" },
		func(a *Article) { a.OnlyFansCanComment = 1 },
		func(a *Article) { a.Images = []string{"I"} },
	} {
		c := a
		f(&c)
		if hash(c, "") == h {
			t.Errorf("editing %+v does not move the hash", c)
		}
	}
	// An article round-trips through what uploadnews takes.
	pic := Article{Type: "newspic", Title: "图", Images: []string{"I1", "I2"}}
	if back := ArticleOf(pic.WeChat()); len(Changed([]Article{pic}, []Article{back})) != 0 {
		t.Errorf("newspic through WeChat(): %+v", back)
	}
}
