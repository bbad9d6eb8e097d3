package wxapi

import (
	"context"
	"fmt"
)

const (
	pathMassSend    = "/cgi-bin/message/mass/send"
	pathMassPreview = "/cgi-bin/message/mass/preview"
	pathMassDelete  = "/cgi-bin/message/mass/delete"
	pathMassGet     = "/cgi-bin/message/mass/get"
)

// Content is what a mass message carries.
type Content struct {
	Type    string // "text", "news" (mpnews media_id), "image" (media_id)
	Text    string // for text
	MediaID string // for news and image
}

type textBody struct {
	Content string `json:"content"`
}

type mediaBody struct {
	MediaID string `json:"media_id"`
}

type imagesBody struct {
	MediaIDs []string `json:"media_ids"`
}

// massBody is the body shared by mass/send and mass/preview. Images is
// mass/send's shape for pictures, Image preview's.
type massBody struct {
	ToUser      any         `json:"touser"` // []string to send, string to preview
	MsgType     string      `json:"msgtype"`
	Text        *textBody   `json:"text,omitempty"`
	MPNews      *mediaBody  `json:"mpnews,omitempty"`
	Image       *mediaBody  `json:"image,omitempty"`
	Images      *imagesBody `json:"images,omitempty"`
	ClientMsgID string      `json:"clientmsgid,omitempty"`
}

// massBody fills in the message part; preview selects the singular image.
func (ct Content) massBody(preview bool) (massBody, error) {
	var b massBody
	switch ct.Type {
	case "text":
		b.MsgType, b.Text = "text", &textBody{Content: ct.Text}
	case "news":
		b.MsgType, b.MPNews = "mpnews", &mediaBody{MediaID: ct.MediaID}
	case "image":
		b.MsgType = "image"
		if preview {
			b.Image = &mediaBody{MediaID: ct.MediaID}
		} else {
			b.Images = &imagesBody{MediaIDs: []string{ct.MediaID}}
		}
	default:
		return b, fmt.Errorf("wxapi: unknown content type %q", ct.Type)
	}
	return b, nil
}

type msgIDAnswer struct {
	MsgID     int64 `json:"msg_id"`
	MsgDataID int64 `json:"msg_data_id"`
}

// Sent is WeChat's answer to an accepted mass send: MsgID names the send
// (mass/get, mass/delete, the job report); MsgDataID, given for mpnews
// only, is the prefix of the datacube statistics' msgid
// ("<msg_data_id>_<index>").
type Sent struct {
	MsgID, MsgDataID int64
}

// MassPreview sends content to one follower's chat as a preview of a mass
// message.
func (c *Client) MassPreview(ctx context.Context, openid string, content Content) (msgID int64, err error) {
	b, err := content.massBody(true)
	if err != nil {
		return 0, err
	}
	b.ToUser = openid
	var a msgIDAnswer
	if err := c.post(ctx, pathMassPreview, b, &a); err != nil {
		return 0, err
	}
	return a.MsgID, nil
}

// MassSend sends content to 2..10 000 openids. clientMsgID makes the send
// idempotent for 24 h: when WeChat already accepted a send with it, the
// error is an *APIError with Code 45065 and MsgID (and, for mpnews,
// MsgDataID) naming that send.
func (c *Client) MassSend(ctx context.Context, openids []string, content Content, clientMsgID string) (Sent, error) {
	b, err := content.massBody(false)
	if err != nil {
		return Sent{}, err
	}
	b.ToUser, b.ClientMsgID = openids, clientMsgID
	var a msgIDAnswer
	if err := c.post(ctx, pathMassSend, b, &a); err != nil {
		return Sent{}, err
	}
	return Sent{MsgID: a.MsgID, MsgDataID: a.MsgDataID}, nil
}

// MassDelete deletes a sent mpnews message as a whole (article_idx 0).
func (c *Client) MassDelete(ctx context.Context, msgID int64) error {
	body := struct {
		MsgID      int64 `json:"msg_id"`
		ArticleIdx int   `json:"article_idx"`
	}{msgID, 0}
	return c.post(ctx, pathMassDelete, body, nil)
}

// MassStatus returns a mass send's msg_status: SEND_SUCCESS, SENDING,
// SEND_FAIL or DELETE.
func (c *Client) MassStatus(ctx context.Context, msgID int64) (string, error) {
	body := struct {
		MsgID int64 `json:"msg_id"`
	}{msgID}
	var a struct {
		MsgStatus string `json:"msg_status"`
	}
	if err := c.post(ctx, pathMassGet, body, &a); err != nil {
		return "", err
	}
	return a.MsgStatus, nil
}
