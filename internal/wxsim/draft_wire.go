package wxsim

import (
	"unicode/utf8"
)

// Limits on articles. WeChat's draft doc requires a title, and for news a
// cover that is permanent image material (40007 otherwise, as developers
// report); content must be under 20 000 characters and 1 MB; a newspic
// article has at most 20 pictures, the first its cover.
const (
	maxContentChars = 20000
	maxContentBytes = 1 << 20
	maxNewsPics     = 20
	// maxDigestChars: UNCONFIRMED. 45004 "description size out of
	// limit" is reported for draft/add, the limit is not documented; 128
	// characters is what developers quote.
	maxDigestChars = 128
	// maxDraftArticles: UNCONFIRMED for drafts; permanent news held 1 to 8
	// articles and the console still allows 8.
	maxDraftArticles = 8
)

// wireArticle is an article as draft/add, draft/update and
// media/uploadnews take it and draft/get and draft/batchget answer it.
// Content is a pointer so that batchget with no_content leaves it out.
type wireArticle struct {
	ArticleType        string     `json:"article_type,omitempty"`
	Title              string     `json:"title"`
	Author             string     `json:"author"`
	Digest             string     `json:"digest"`
	Content            *string    `json:"content,omitempty"`
	ContentSourceURL   string     `json:"content_source_url"`
	ThumbMediaID       string     `json:"thumb_media_id"`
	NeedOpenComment    int        `json:"need_open_comment"`
	OnlyFansCanComment int        `json:"only_fans_can_comment"`
	ImageInfo          *imageInfo `json:"image_info,omitempty"`
	URL                string     `json:"url,omitempty"`
}

type imageInfo struct {
	ImageList []imageItem `json:"image_list"`
}

type imageItem struct {
	ImageMediaID string `json:"image_media_id"`
}

func flag01(b bool) int {
	if b {
		return 1
	}
	return 0
}

// wire is a as WeChat answers it; withContent false leaves content out.
func (a DraftArticle) wire(withContent bool) wireArticle {
	w := wireArticle{
		ArticleType: a.ArticleType, Title: a.Title, Author: a.Author, Digest: a.Digest,
		ContentSourceURL: a.ContentSourceURL, ThumbMediaID: a.ThumbMediaID,
		NeedOpenComment: flag01(a.NeedOpenComment), OnlyFansCanComment: flag01(a.OnlyFansCanComment),
		URL: a.URL,
	}
	if w.ArticleType == "" {
		w.ArticleType = ArticleNews
	}
	if withContent {
		content := a.Content
		w.Content = &content
	}
	if len(a.ImageMediaIDs) > 0 {
		w.ImageInfo = &imageInfo{}
		for _, id := range a.ImageMediaIDs {
			w.ImageInfo.ImageList = append(w.ImageInfo.ImageList, imageItem{id})
		}
	}
	return w
}

func wireArticles(arts []DraftArticle, withContent bool) []wireArticle {
	out := make([]wireArticle, len(arts))
	for i, a := range arts {
		out[i] = a.wire(withContent)
	}
	return out
}

// article is w as the simulator keeps it. The url field of a request is
// ignored: WeChat sets it.
func (w wireArticle) article() DraftArticle {
	a := DraftArticle{
		ArticleType: w.ArticleType, Title: w.Title, Author: w.Author, Digest: w.Digest,
		ContentSourceURL: w.ContentSourceURL, ThumbMediaID: w.ThumbMediaID,
		NeedOpenComment: w.NeedOpenComment != 0, OnlyFansCanComment: w.OnlyFansCanComment != 0,
	}
	if a.ArticleType == "" {
		a.ArticleType = ArticleNews
	}
	if w.Content != nil {
		a.Content = *w.Content
	}
	if w.ImageInfo != nil {
		for _, it := range w.ImageInfo.ImageList {
			a.ImageMediaIDs = append(a.ImageMediaIDs, it.ImageMediaID)
		}
	}
	return a
}

// checkArticles validates the articles of draft/add or media/uploadnews
// and returns them as kept.
func (m *appMessages) checkArticles(ws []wireArticle) ([]DraftArticle, *apiError) {
	if len(ws) == 0 {
		return nil, errEmptyNews() // 44003, as reported for draft/add
	}
	if len(ws) > maxDraftArticles {
		return nil, errArticleSizeLimit()
	}
	out := make([]DraftArticle, len(ws))
	for i, w := range ws {
		a := w.article()
		if e := m.checkArticle(a); e != nil {
			return nil, e
		}
		out[i] = a
	}
	return out, nil
}

// checkArticle validates one article. UNCONFIRMED: the code for a missing
// title, content or picture list and for an unknown article_type; 44003
// ("empty news data") is what developers get for articles WeChat cannot
// use, so it stands for all of them. WeChat does not document a title
// length limit for drafts, so none is enforced.
func (m *appMessages) checkArticle(a DraftArticle) *apiError {
	if a.Title == "" {
		return errEmptyNews()
	}
	if n := utf8.RuneCountInString(a.Content); n >= maxContentChars || len(a.Content) >= maxContentBytes {
		return errContentSizeLimit()
	}
	if utf8.RuneCountInString(a.Digest) > maxDigestChars {
		return errDescriptionSizeLimit()
	}
	switch a.ArticleType {
	case ArticleNews:
		if a.Content == "" {
			return errEmptyNews()
		}
		if m.media[a.ThumbMediaID] != MediaImage {
			return errInvalidMediaID()
		}
	case ArticleNewsPic:
		if len(a.ImageMediaIDs) == 0 {
			return errEmptyNews()
		}
		if len(a.ImageMediaIDs) > maxNewsPics {
			return errArticleSizeLimit() // UNCONFIRMED code
		}
		for _, id := range a.ImageMediaIDs {
			if m.media[id] != MediaImage {
				return errInvalidMediaID()
			}
		}
	default:
		return errEmptyNews()
	}
	return nil
}
