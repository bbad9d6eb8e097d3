package broadcast

import (
	"strconv"
	"time"

	"github.com/wxcast/wxcast/bot/wxapi"
)

// News is the frozen articles of one news content (variant Variant, 0 the
// main one), read from the draft box at preview.
type News struct {
	Variant int `json:"v,omitempty"`
	// Draft is the draft's media_id; Updated when WeChat says an editor
	// last changed it.
	Draft    string    `json:"draft"`
	Updated  time.Time `json:"updated,omitzero"`
	Articles []Article `json:"articles"`
	// Permanent: Draft is an old account's permanent news material, not a
	// draft. Nothing can change it any more (material/update_news went
	// offline with add_news), so its id is sent as it is.
	Permanent bool `json:"permanent,omitempty"`
	// Preview is the id the frozen articles were uploaded as for previews,
	// when WeChat refused the draft's id in a preview.
	Preview string `json:"preview,omitempty"`
}

// Article is one article as approvers approved it: every field an editor
// can change, in WeChat's names.
type Article struct {
	Type               string   `json:"article_type,omitempty"` // "news" or "newspic"
	Title              string   `json:"title"`
	Author             string   `json:"author,omitempty"`
	Digest             string   `json:"digest,omitempty"`
	Content            string   `json:"content,omitempty"` // HTML
	ContentSourceURL   string   `json:"content_source_url,omitempty"`
	ThumbMediaID       string   `json:"thumb_media_id,omitempty"`
	NeedOpenComment    int      `json:"need_open_comment,omitempty"`
	OnlyFansCanComment int      `json:"only_fans_can_comment,omitempty"`
	Images             []string `json:"images,omitempty"` // newspic's image_info
}

// ArticleOf is a draft article as the plan keeps it. An empty article_type
// is "news", WeChat's default, so a draft read twice hashes the same.
func ArticleOf(d wxapi.DraftArticle) Article {
	a := Article{
		Type: d.ArticleType, Title: d.Title, Author: d.Author, Digest: d.Digest, Content: d.Content,
		ContentSourceURL: d.ContentSourceURL, ThumbMediaID: d.ThumbMediaID,
		NeedOpenComment: d.NeedOpenComment, OnlyFansCanComment: d.OnlyFansCanComment,
	}
	if a.Type == "" {
		a.Type = "news"
	}
	if d.ImageInfo != nil {
		for _, im := range d.ImageInfo.ImageList {
			a.Images = append(a.Images, im.ImageMediaID)
		}
	}
	return a
}

// WeChat is a as media/uploadnews takes it.
func (a Article) WeChat() wxapi.DraftArticle {
	d := wxapi.DraftArticle{
		ArticleType: a.Type, Title: a.Title, Author: a.Author, Digest: a.Digest, Content: a.Content,
		ContentSourceURL: a.ContentSourceURL, ThumbMediaID: a.ThumbMediaID,
		NeedOpenComment: a.NeedOpenComment, OnlyFansCanComment: a.OnlyFansCanComment,
	}
	if len(a.Images) > 0 {
		d.ImageInfo = &wxapi.ImageInfo{}
		for _, id := range a.Images {
			d.ImageInfo.ImageList = append(d.ImageInfo.ImageList, wxapi.ImageItem{ImageMediaID: id})
		}
	}
	return d
}

// articleFields names an article's fields in the order the plan hash
// covers them.
func articleFields() [10]string {
	return [...]string{"article_type", "title", "author", "digest", "content",
		"content_source_url", "thumb_media_id", "need_open_comment", "only_fans_can_comment", "image_info"}
}

// fields are a's values in articleFields' order.
func (a Article) fields() [10]string {
	imgs := strconv.Itoa(len(a.Images))
	for _, id := range a.Images {
		imgs += "," + id
	}
	return [...]string{a.Type, a.Title, a.Author, a.Digest, a.Content, a.ContentSourceURL, a.ThumbMediaID,
		strconv.Itoa(a.NeedOpenComment), strconv.Itoa(a.OnlyFansCanComment), imgs}
}

// hash writes a's canonical fields, in order, through part.
func (a Article) hash(part func(string)) {
	for _, f := range a.fields() {
		part(f)
	}
}

// Changed names the fields of the articles in now that differ from was,
// as "2.title" (article 2's title), or "articles" when their number
// differs. Empty: the words are those approved.
func Changed(was, now []Article) []string {
	if len(was) != len(now) {
		return []string{"articles"}
	}
	var out []string
	names := articleFields()
	for i := range was {
		w, n := was[i].fields(), now[i].fields()
		for j := range w {
			if w[j] != n[j] {
				out = append(out, strconv.Itoa(i+1)+"."+names[j])
			}
		}
	}
	return out
}

// Upload is the mass-send news id the approved articles of one variant
// were uploaded as (media/uploadnews) when sending began; every batch,
// tag send and reminder sends it, and the draft is not read again.
type Upload struct {
	Variant int       `json:"v,omitempty"`
	MediaID string    `json:"m"`
	At      time.Time `json:"at"`
	// Draft: uploadnews was out of quota and one call covers the whole
	// audience, so MediaID is the draft's own id, checked against the
	// plan just before.
	Draft bool `json:"d,omitempty"`
}

// NewsOf is the frozen articles of variant v, nil when it sends no news
// or the plan froze none.
func (p *Plan) NewsOf(v int) *News {
	if p == nil {
		return nil
	}
	for i := range p.News {
		if p.News[i].Variant == v {
			return &p.News[i]
		}
	}
	return nil
}

// UploadOf is the upload of variant v, nil before one.
func (b *Broadcast) UploadOf(v int) *Upload {
	for i := range b.Uploads {
		if b.Uploads[i].Variant == v {
			return &b.Uploads[i]
		}
	}
	return nil
}

// SendContent is what variant v sends to followers: its content, with a
// text's links rewritten as the plan rewrote them (every batch and every
// reminder sends the same) and a news item's media_id replaced by the id
// its frozen articles were uploaded as.
func (b *Broadcast) SendContent(v int) Content {
	c := sentContent(b.ContentOf(v), v, b.Plan)
	if u := b.UploadOf(v); u != nil && c.Type == "news" {
		c.MediaID = u.MediaID
	}
	return c
}
