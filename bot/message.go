package bot

import (
	"errors"

	"github.com/wxcast/wxcast/store"
)

// ErrInvalid marks a callback that cannot be accepted as it is (no sender,
// an openid that is not one, no time). Handlers answer it with 400.
var ErrInvalid = errors.New("invalid message")

// Message is one decoded callback, message or event.
type Message struct {
	ToUser     string // the account's original id (gh_…)
	OpenID     string // FromUserName
	CreateTime int64
	MsgType    string // text, image, …, event
	MsgID      int64  // messages only
	Event      string // events only, as WeChat spells it (subscribe, SCAN, LOCATION…)
	EventKey   string
	Ticket     string

	Content     string // text; voice recognition
	MediaID     string
	PicURL      string
	Title       string
	Description string
	URL         string
	Label       string  // location message label
	LocationX   float64 // location message latitude
	LocationY   float64 // location message longitude
	Scale       float64
	Latitude    float64 // LOCATION event
	Longitude   float64
	Precision   float64

	// Mass-send and template job reports (MsgID with a capital D).
	JobMsgID                                   int64
	Status                                     string
	TotalCount, FilterCount, SentCount, Errors int64
}

// Reply is the passive reply to a callback. The zero Reply answers nothing
// (WeChat is told "success" and shows the follower nothing).
type Reply struct {
	Type     string    `json:"t,omitempty"` // text, image, voice, video, news
	Content  string    `json:"c,omitempty"`
	MediaID  string    `json:"m,omitempty"`
	Title    string    `json:"ti,omitempty"`
	Desc     string    `json:"d,omitempty"`
	Articles []Article `json:"a,omitempty"`
}

// Article is one item of a news reply.
type Article struct {
	Title       string `json:"t"`
	Description string `json:"d,omitempty"`
	PicURL      string `json:"p,omitempty"`
	URL         string `json:"u,omitempty"`
}

// Empty reports whether r answers nothing.
func (r Reply) Empty() bool { return r.Type == "" }

// Result is what Handle did.
type Result struct {
	Reply Reply
	// Kind is the event kind the callback was counted as (text, subscribe,
	// location_report…), for metrics: OtherKind for a type outside the
	// kind table, so that made-up types add no label values.
	Kind string
	// Duplicate is true when this was a retried delivery: nothing changed
	// and Reply repeats the first delivery's answer.
	Duplicate bool
	// TagChanges are the tag changes the rules applied.
	TagChanges []store.TagChange
}
