package wxapi

import "context"

const (
	pathCustomSend   = "/cgi-bin/message/custom/send"
	pathTemplateSend = "/cgi-bin/message/template/send"
)

// CustomText sends text through the customer-service API. WeChat accepts
// it only inside a window the follower opened (45015 otherwise) and only a
// few per window (45047).
func (c *Client) CustomText(ctx context.Context, openid, text string) error {
	body := struct {
		ToUser  string   `json:"touser"`
		MsgType string   `json:"msgtype"`
		Text    textBody `json:"text"`
	}{openid, "text", textBody{Content: text}}
	return c.post(ctx, pathCustomSend, body, nil)
}

type templateValue struct {
	Value string `json:"value"`
}

// TemplateSend sends a template message; data maps keyword → value.
func (c *Client) TemplateSend(ctx context.Context, openid, templateID string, data map[string]string, url string) (msgID int64, err error) {
	body := struct {
		ToUser     string                   `json:"touser"`
		TemplateID string                   `json:"template_id"`
		URL        string                   `json:"url,omitempty"`
		Data       map[string]templateValue `json:"data"`
	}{openid, templateID, url, make(map[string]templateValue, len(data))}
	for k, v := range data {
		body.Data[k] = templateValue{Value: v}
	}
	var a struct {
		MsgID int64 `json:"msgid"`
	}
	if err := c.post(ctx, pathTemplateSend, body, &a); err != nil {
		return 0, err
	}
	return a.MsgID, nil
}
