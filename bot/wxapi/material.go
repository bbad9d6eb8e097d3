package wxapi

import (
	"context"
	"fmt"
)

const pathGetMaterial = "/cgi-bin/material/get_material"

// NewsArticles reads the articles of the permanent news material mediaID
// (an old account's material from before the draft box; it can no longer
// be changed, since material/update_news went offline with add_news). A
// media_id WeChat does not know as permanent material (a draft's or an
// uploadnews id among them) is an *APIError with Code 40007; material
// that is not news is an error too.
//
// The SDK's material.GetNews is not used: it never looks at errcode, so
// 40007 (and a stale token) would read as a news item without articles,
// and its errors quote the URL with the access token.
func (c *Client) NewsArticles(ctx context.Context, mediaID string) ([]DraftArticle, error) {
	body := struct {
		MediaID string `json:"media_id"`
	}{mediaID}
	var a struct {
		NewsItem []DraftArticle `json:"news_item"`
	}
	// Pictures and voice answer with the file itself, which post reports
	// as an answer that is not JSON; video answers JSON without news_item.
	if err := c.post(ctx, pathGetMaterial, body, &a); err != nil {
		return nil, err
	}
	if len(a.NewsItem) == 0 {
		return nil, fmt.Errorf("wxapi: %s: %q is not news material", pathGetMaterial, mediaID)
	}
	return a.NewsItem, nil
}
