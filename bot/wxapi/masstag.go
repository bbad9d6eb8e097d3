package wxapi

import (
	"context"
	"fmt"
)

const (
	pathMassSendAll = "/cgi-bin/message/mass/sendall"
	pathMassSpeed   = "/cgi-bin/message/mass/speed/get"
	pathTagDelete   = "/cgi-bin/tags/delete"
	pathTagFans     = "/cgi-bin/user/tag/get"
	pathQuotaGet    = "/cgi-bin/openapi/quota/get"
)

// MassSendAll sends content to every follower holding WeChat tag tagID
// (mass/sendall with filter.tag_id, is_to_all false). It is a direct call
// for the reason MassSend is one: the SDK's request has no clientmsgid.
// Sends to the whole account (is_to_all) are not offered: wxcast always
// sends to a chosen audience.
func (c *Client) MassSendAll(ctx context.Context, tagID int, content Content, clientMsgID string) (Sent, error) {
	if tagID <= 0 {
		return Sent{}, fmt.Errorf("wxapi: mass/sendall: tag id %d", tagID)
	}
	b, err := content.massBody(false)
	if err != nil {
		return Sent{}, err
	}
	var a msgIDAnswer
	if err := c.post(ctx, pathMassSendAll, sendAllBody(tagID, b, clientMsgID), &a); err != nil {
		return Sent{}, err
	}
	return Sent{MsgID: a.MsgID, MsgDataID: a.MsgDataID}, nil
}

// sendAllBody is mass/sendall's body: massBody's message part without
// touser, and the filter.
func sendAllBody(tagID int, b massBody, clientMsgID string) any {
	type filter struct {
		IsToAll bool `json:"is_to_all"`
		TagID   int  `json:"tag_id"`
	}
	return struct {
		Filter      filter      `json:"filter"`
		MsgType     string      `json:"msgtype"`
		Text        *textBody   `json:"text,omitempty"`
		MPNews      *mediaBody  `json:"mpnews,omitempty"`
		Images      *imagesBody `json:"images,omitempty"`
		ClientMsgID string      `json:"clientmsgid,omitempty"`
		// SendIgnoreReprint 0: WeChat stops an article it judges a
		// reprint, which is the safe default.
		SendIgnoreReprint int `json:"send_ignore_reprint"`
	}{filter{TagID: tagID}, b.MsgType, b.Text, b.MPNews, b.Images, clientMsgID, 0}
}

// DeleteTag deletes WeChat tag tagID. WeChat refuses (45057) a tag held by
// more than 100,000 followers: untag them first.
func (c *Client) DeleteTag(ctx context.Context, tagID int) error {
	body := struct {
		Tag struct {
			ID int `json:"id"`
		} `json:"tag"`
	}{}
	body.Tag.ID = tagID
	return c.post(ctx, pathTagDelete, body, nil)
}

// TagFans reads one page of the followers holding tagID (user/tag/get),
// starting after next ("" for the first page). An empty next in the answer
// or an empty page is the end.
func (c *Client) TagFans(ctx context.Context, tagID int, next string) (openids []string, nextID string, err error) {
	body := struct {
		TagID      int    `json:"tagid"`
		NextOpenID string `json:"next_openid"`
	}{tagID, next}
	var a struct {
		Count int `json:"count"`
		Data  struct {
			OpenID []string `json:"openid"`
		} `json:"data"`
		NextOpenID string `json:"next_openid"`
	}
	if err := c.post(ctx, pathTagFans, body, &a); err != nil {
		return nil, "", err
	}
	return a.Data.OpenID, a.NextOpenID, nil
}

// Quota is one API's daily quota as openapi/quota/get reports it.
type Quota struct {
	DailyLimit, Used, Remain int
}

// APIQuota reads today's quota of the API at path (as "/cgi-bin/...").
// The call itself spends no mass-send quota.
func (c *Client) APIQuota(ctx context.Context, path string) (Quota, error) {
	var a struct {
		Quota struct {
			DailyLimit int `json:"daily_limit"`
			Used       int `json:"used"`
			Remain     int `json:"remain"`
		} `json:"quota"`
	}
	if err := c.post(ctx, pathQuotaGet, struct {
		CGIPath string `json:"cgi_path"`
	}{path}, &a); err != nil {
		return Quota{}, err
	}
	return Quota{DailyLimit: a.Quota.DailyLimit, Used: a.Quota.Used, Remain: a.Quota.Remain}, nil
}

// speedOfLevel is WeChat's delivery speed at level 0..4 (speed/get), in
// recipients a minute; 0 for a level it does not define.
func speedOfLevel(level int) int {
	switch level {
	case 0:
		return 800000
	case 1:
		return 600000
	case 2:
		return 450000
	case 3:
		return 300000
	case 4:
		return 100000
	}
	return 0
}

// MassSpeed reads the account's mass-send delivery speed, in recipients a
// minute (realspeed is in units of 10,000 a minute).
func (c *Client) MassSpeed(ctx context.Context) (int, error) {
	var a struct {
		Speed     int `json:"speed"`
		RealSpeed int `json:"realspeed"`
	}
	if err := c.post(ctx, pathMassSpeed, struct{}{}, &a); err != nil {
		return 0, err
	}
	if a.RealSpeed > 0 {
		return a.RealSpeed * 10000, nil
	}
	if v := speedOfLevel(a.Speed); v > 0 {
		return v, nil
	}
	return 0, fmt.Errorf("wxapi: mass/speed/get: level %d", a.Speed)
}
