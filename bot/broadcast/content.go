package broadcast

import (
	"encoding/json"

	"github.com/wxcast/wxcast/bot/wxapi"
)

// Content is what a broadcast sends: a text, a news item (图文) or an
// image, the latter two by WeChat media_id.
type Content struct {
	Type    string `json:"type"`               // "text", "news" or "image"
	Text    string `json:"text,omitempty"`     // for text
	MediaID string `json:"media_id,omitempty"` // for news and image
}

// MarshalJSON writes c under its names and, for one schema version, under
// the names version 1 used too (Type, Text, MediaID). A replica from
// before the schema version reads only those, and would read a news or
// image broadcast without its media_id and send it so; with them, replicas
// can be upgraded one at a time. Version 3 drops them.
func (c Content) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Type      string `json:"type"`
		Text      string `json:"text,omitempty"`
		MediaID   string `json:"media_id,omitempty"`
		V1Type    string `json:"Type"`
		V1Text    string `json:"Text"`
		V1MediaID string `json:"MediaID"`
	}{c.Type, c.Text, c.MediaID, c.Type, c.Text, c.MediaID})
}

// What is wrong with a content: the Detail of a CodeBadContent refusal.
const (
	BadEmptyText = "empty_text"
	BadLongText  = "long_text" // N characters, Need the most
	// BadLongTracked: the text is N characters (Need the most) once its
	// links are rewritten into tracked links, refused at preview.
	BadLongTracked = "long_tracked"
	BadMediaID     = "media_id" // missing or longer than 128 bytes
	BadType        = "type"     // not text, news or image
)

// maxText bounds a text broadcast; WeChat's own limit is not published,
// and a longer text is unreadable on a phone anyway.
const maxText = 2000

// Check refuses content that cannot be sent: an empty or overlong text,
// a missing media_id, an unknown type.
func (c Content) Check() error {
	switch c.Type {
	case "text":
		if c.Text == "" {
			return &Refusal{Code: CodeBadContent, Detail: BadEmptyText}
		}
		if n := len([]rune(c.Text)); n > maxText {
			return &Refusal{Code: CodeBadContent, Detail: BadLongText, N: n, Need: maxText}
		}
	case "news", "image":
		if c.MediaID == "" || len(c.MediaID) > 128 {
			return &Refusal{Code: CodeBadContent, Detail: BadMediaID}
		}
	default:
		return &Refusal{Code: CodeBadContent, Detail: BadType}
	}
	return nil
}

// WeChat is c as the mass-send API wrapper takes it.
func (c Content) WeChat() wxapi.Content {
	return wxapi.Content{Type: c.Type, Text: c.Text, MediaID: c.MediaID}
}

// Contents are everything b sends: the main content, then the variants.
func (b *Broadcast) Contents() []Content {
	return append([]Content{b.Content}, b.Variants...)
}

// ContentOf is the content variant v sends (0 the main one).
func (b *Broadcast) ContentOf(v int) Content {
	if v > 0 && v <= len(b.Variants) {
		return b.Variants[v-1]
	}
	return b.Content
}

// VariantName names variant v: A for the main content, then B, C…
func VariantName(v int) string { return string(rune('A' + v)) }
