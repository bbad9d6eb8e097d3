package wxsim

import (
	"strconv"
	"strings"
)

// Media kinds for AddMedia: the kind a message type needs.
const (
	MediaNews  = "news"  // an mpnews article (msgtype mpnews)
	MediaImage = "image" // a picture (msgtype image)
)

// Message types of the sending endpoints, as in their msgtype field.
const (
	SendText   = "text"
	SendMPNews = "mpnews"
	SendImage  = "image"
	SendNews   = "news" // customer-service link cards
)

type textBody struct {
	Content string `json:"content"`
}

type mediaRef struct {
	MediaID string `json:"media_id"`
}

type imagesBody struct {
	MediaIDs []string `json:"media_ids"`
}

// payload is a message body reduced to what validation and the records
// need, whichever endpoint's JSON shape it came in.
type payload struct {
	msgType  string
	text     string
	mediaIDs []string
	// articles are what an mpnews message delivers, as checkMass found
	// them (draft_modes.go).
	articles []DraftArticle
}

func mediaIDOf(r *mediaRef) []string {
	if r == nil {
		return nil
	}
	return []string{r.MediaID}
}

func textOf(t *textBody) string {
	if t == nil {
		return ""
	}
	return t.Content
}

// mediaKind is the AddMedia kind each media message type needs.
func mediaKind(msgType string) string {
	if msgType == SendMPNews {
		return MediaNews
	}
	return MediaImage
}

// check validates p against the types in allowed. Empty text is 44004
// ("empty content" in WeChat's global code list: 44003 is the news-article
// variant, used by checkNews); a media message needs every media_id
// uploaded as the right kind (40007).
func (m *appMessages) check(p payload, allowed ...string) *apiError {
	ok := false
	for _, t := range allowed {
		ok = ok || p.msgType == t
	}
	if !ok {
		return errInvalidMessageType()
	}
	if p.msgType == SendText {
		if strings.TrimSpace(p.text) == "" {
			return errEmptyContent()
		}
		return nil
	}
	if len(p.mediaIDs) == 0 {
		return errInvalidMediaID()
	}
	for _, id := range p.mediaIDs {
		if id == "" || m.media[id] != mediaKind(p.msgType) {
			return errInvalidMediaID()
		}
	}
	return nil
}

// summary is what records keep as Content/MediaID.
func (p payload) summary() (content, mediaID string) {
	if p.msgType == SendText {
		return p.text, ""
	}
	return "", strings.Join(p.mediaIDs, ",")
}

// flexID is a msg_id in a request body. WeChat's own mass/get example sends
// it as a string, mass/delete's as a number; both are accepted.
type flexID int64

func (f *flexID) UnmarshalJSON(b []byte) error {
	v := strings.Trim(string(b), `"`)
	if v == "" || v == "null" {
		*f = 0
		return nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return err
	}
	*f = flexID(n)
	return nil
}
