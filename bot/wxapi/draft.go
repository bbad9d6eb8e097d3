package wxapi

import (
	"context"
	"fmt"
	"time"
)

const (
	pathDraftGet      = "/cgi-bin/draft/get"
	pathDraftBatchGet = "/cgi-bin/draft/batchget"
	pathUploadNews    = "/cgi-bin/media/uploadnews"
)

// DraftArticle is one article of a draft (草稿), with every field an
// editor can change. The SDK's draft.Article lacks article_type and
// image_info (the 图片消息 kind, "newspic"), and its calls take no
// context, so the draft box is called directly.
type DraftArticle struct {
	ArticleType        string     `json:"article_type,omitempty"` // "news" (or "") or "newspic"
	Title              string     `json:"title"`
	Author             string     `json:"author"`
	Digest             string     `json:"digest"`
	Content            string     `json:"content"` // HTML
	ContentSourceURL   string     `json:"content_source_url"`
	ThumbMediaID       string     `json:"thumb_media_id"`
	NeedOpenComment    int        `json:"need_open_comment"`
	OnlyFansCanComment int        `json:"only_fans_can_comment"`
	ImageInfo          *ImageInfo `json:"image_info,omitempty"` // newspic only
	// URL is the article's page once WeChat shows it; read only.
	URL string `json:"url,omitempty"`
}

// ImageInfo lists the pictures of a newspic article.
type ImageInfo struct {
	ImageList []ImageItem `json:"image_list"`
}

// ImageItem is one picture of a newspic article.
type ImageItem struct {
	ImageMediaID string `json:"image_media_id"`
}

// Draft is a draft as draft/get answers it.
type Draft struct {
	Articles []DraftArticle
	// Updated is when an editor last changed it (when WeChat says).
	Updated time.Time
}

// GetDraft reads the draft mediaID. A media_id the draft box does not hold
// (never there, deleted, or removed by a mass send or publishing) is an
// *APIError with Code 40007.
func (c *Client) GetDraft(ctx context.Context, mediaID string) (Draft, error) {
	var a struct {
		NewsItem   []DraftArticle `json:"news_item"`
		UpdateTime int64          `json:"update_time"`
	}
	if err := c.post(ctx, pathDraftGet, struct {
		MediaID string `json:"media_id"`
	}{mediaID}, &a); err != nil {
		return Draft{}, err
	}
	if len(a.NewsItem) == 0 {
		return Draft{}, fmt.Errorf("wxapi: %s: draft %q has no articles", pathDraftGet, mediaID)
	}
	d := Draft{Articles: a.NewsItem}
	if a.UpdateTime > 0 {
		d.Updated = time.Unix(a.UpdateTime, 0)
	}
	return d, nil
}

// DraftSummary is one draft of a draft/batchget page, without bodies.
type DraftSummary struct {
	MediaID string
	Updated time.Time
	// Titles are its articles' titles, in order.
	Titles []string
}

// MaxDraftPage is the most drafts one draft/batchget returns.
const MaxDraftPage = 20

// ListDrafts reads count (1..MaxDraftPage) drafts from offset, newest
// first as WeChat orders them, without their bodies, and the box's total.
func (c *Client) ListDrafts(ctx context.Context, offset, count int) ([]DraftSummary, int, error) {
	if count < 1 || count > MaxDraftPage {
		return nil, 0, fmt.Errorf("wxapi: draft/batchget: count %d, want 1 to %d", count, MaxDraftPage)
	}
	body := struct {
		Offset    int `json:"offset"`
		Count     int `json:"count"`
		NoContent int `json:"no_content"`
	}{offset, count, 1}
	var a struct {
		Total int `json:"total_count"`
		Item  []struct {
			MediaID string `json:"media_id"`
			Content struct {
				NewsItem []struct {
					Title string `json:"title"`
				} `json:"news_item"`
			} `json:"content"`
			UpdateTime int64 `json:"update_time"`
		} `json:"item"`
	}
	if err := c.post(ctx, pathDraftBatchGet, body, &a); err != nil {
		return nil, 0, err
	}
	out := make([]DraftSummary, len(a.Item))
	for i, it := range a.Item {
		out[i] = DraftSummary{MediaID: it.MediaID, Updated: time.Unix(it.UpdateTime, 0)}
		for _, n := range it.Content.NewsItem {
			out[i].Titles = append(out[i].Titles, n.Title)
		}
	}
	return out, a.Total, nil
}

// UploadNews turns articles into a mass-send news id (media/uploadnews),
// independent of the draft box: what a broadcast sends once its words are
// frozen. Its daily quota is small (10 on a new account).
func (c *Client) UploadNews(ctx context.Context, articles []DraftArticle) (string, error) {
	if len(articles) == 0 {
		return "", fmt.Errorf("wxapi: media/uploadnews: no articles")
	}
	var a struct {
		MediaID string `json:"media_id"`
	}
	if err := c.post(ctx, pathUploadNews, struct {
		Articles []DraftArticle `json:"articles"`
	}{articles}, &a); err != nil {
		return "", err
	}
	if a.MediaID == "" {
		return "", fmt.Errorf("wxapi: media/uploadnews: answer without media_id")
	}
	return a.MediaID, nil
}

// CodeInvalidMediaID is WeChat's answer for a media_id it does not know
// where it was used: a draft no longer in the box, an id refused for
// mass send, an uploadnews id that expired.
const CodeInvalidMediaID = 40007
