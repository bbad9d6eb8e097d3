package wxapi

import (
	"context"
	"fmt"
)

const pathGetMaterial = "/cgi-bin/material/get_material"

// Article is the part of a news (图文) article the word lists check.
type Article struct {
	Title, Digest string
}

// NewsArticles reads the articles of the permanent news material mediaID,
// the media_id an mpnews broadcast carries. A media_id WeChat does not
// know is an *APIError with Code 40007; material that is not news is an
// error too.
//
// The SDK's material.GetNews is not used: it never looks at errcode, so
// 40007 (and a stale token) would read as a news item without articles,
// and its errors quote the URL with the access token.
func (c *Client) NewsArticles(ctx context.Context, mediaID string) ([]Article, error) {
	body := struct {
		MediaID string `json:"media_id"`
	}{mediaID}
	var a struct {
		NewsItem []struct {
			Title  string `json:"title"`
			Digest string `json:"digest"`
		} `json:"news_item"`
	}
	// Pictures and voice answer with the file itself, which post reports
	// as an answer that is not JSON; video answers JSON without news_item.
	if err := c.post(ctx, pathGetMaterial, body, &a); err != nil {
		return nil, err
	}
	if len(a.NewsItem) == 0 {
		return nil, fmt.Errorf("wxapi: %s: %q is not news material", pathGetMaterial, mediaID)
	}
	out := make([]Article, len(a.NewsItem))
	for i, it := range a.NewsItem {
		out[i] = Article{Title: it.Title, Digest: it.Digest}
	}
	return out, nil
}
