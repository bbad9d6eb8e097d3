package wxapi

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

const pathArticleTotalDetail = "/datacube/getarticletotaldetail"

// ArticleDetail is one answer of datacube/getarticletotaldetail: its rows
// exactly as WeChat sent them, and is_delay when the answer carries it at
// the top. The rows are left raw: their shape differs between the doc and
// what developers report (see internal/wxsim/datacube.go), so bot/stats
// reads them leniently and keeps them as they came.
type ArticleDetail struct {
	Rows    []json.RawMessage
	IsDelay bool
}

// ArticleTotalDetail reads the per-article statistics of the articles
// published from begin to end (Beijing dates as "2006-01-02"; end at most
// yesterday). A 45009 answer walls the path off until the quota resets, as
// for every other call.
func (c *Client) ArticleTotalDetail(ctx context.Context, begin, end string) (ArticleDetail, error) {
	for _, d := range []string{begin, end} {
		if _, err := time.Parse(time.DateOnly, d); err != nil {
			return ArticleDetail{}, fmt.Errorf("wxapi: %s: date %q is not YYYY-MM-DD", pathArticleTotalDetail, d)
		}
	}
	body := struct {
		BeginDate string `json:"begin_date"`
		EndDate   string `json:"end_date"`
	}{begin, end}
	var a struct {
		List    []json.RawMessage `json:"list"`
		IsDelay json.RawMessage   `json:"is_delay"`
	}
	if err := c.post(ctx, pathArticleTotalDetail, body, &a); err != nil {
		return ArticleDetail{}, err
	}
	return ArticleDetail{Rows: a.List, IsDelay: Truthy(a.IsDelay)}, nil
}

// Truthy reads a JSON flag leniently: true, a non-zero number, or a string
// of either ("1", "true"); anything else (absent, null, false, 0) is false.
func Truthy(raw json.RawMessage) bool {
	var v any
	if len(raw) == 0 || json.Unmarshal(raw, &v) != nil {
		return false
	}
	switch x := v.(type) {
	case bool:
		return x
	case float64:
		return x != 0
	case string:
		return x == "1" || x == "true"
	}
	return false
}
