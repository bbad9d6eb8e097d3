package wxsim

import "encoding/base64"

// Message types and event names WeChat pushes, as they appear on the wire.
const (
	MsgTypeText       = "text"
	MsgTypeImage      = "image"
	MsgTypeVoice      = "voice"
	MsgTypeVideo      = "video"
	MsgTypeShortVideo = "shortvideo"
	MsgTypeLocation   = "location"
	MsgTypeLink       = "link"
	MsgTypeEvent      = "event"

	EventSubscribe          = "subscribe"
	EventUnsubscribe        = "unsubscribe"
	EventScan               = "SCAN"
	EventLocation           = "LOCATION"
	EventClick              = "CLICK"
	EventView               = "VIEW"
	EventMassSendFinish     = "MASSSENDJOBFINISH"
	EventTemplateSendFinish = "TEMPLATESENDJOBFINISH"
)

// Message is one inbound push (user message or event). Only the fields that
// belong to its MsgType/Event are put on the wire; the xml tags let tests
// parse a received payload back into a Message with encoding/xml.
type Message struct {
	ToUserName   string `xml:"ToUserName"`
	FromUserName string `xml:"FromUserName"`
	// CreateTime is unix seconds; 0 means "the client's clock at send time".
	CreateTime int64  `xml:"CreateTime"`
	MsgType    string `xml:"MsgType"`

	Content      string  `xml:"Content"`
	MsgID        int64   `xml:"MsgId"`
	PicURL       string  `xml:"PicUrl"`
	MediaID      string  `xml:"MediaId"`
	Format       string  `xml:"Format"`
	Recognition  string  `xml:"Recognition"`
	ThumbMediaID string  `xml:"ThumbMediaId"`
	LocationX    float64 `xml:"Location_X"`
	LocationY    float64 `xml:"Location_Y"`
	Scale        int     `xml:"Scale"`
	Label        string  `xml:"Label"`
	Title        string  `xml:"Title"`
	Description  string  `xml:"Description"`
	URL          string  `xml:"Url"`

	Event     string  `xml:"Event"`
	EventKey  string  `xml:"EventKey"`
	Ticket    string  `xml:"Ticket"`
	Latitude  float64 `xml:"Latitude"`
	Longitude float64 `xml:"Longitude"`
	Precision float64 `xml:"Precision"`
	MenuID    string  `xml:"MenuId"`

	// MassMsgID is the job-finish events' MsgID, spelled with a capital D on
	// the wire and distinct from MsgId, which encoding/xml treats as another
	// element.
	MassMsgID   int64  `xml:"MsgID"`
	Status      string `xml:"Status"`
	TotalCount  int    `xml:"TotalCount"`
	FilterCount int    `xml:"FilterCount"`
	SentCount   int    `xml:"SentCount"`
	ErrorCount  int    `xml:"ErrorCount"`
}

// Text is a user's text message.
func Text(from, content string, msgID int64) Message {
	return Message{FromUserName: from, MsgType: MsgTypeText, Content: content, MsgID: msgID}
}

// Image is a user's picture; PicURL is derived from mediaID so tests don't
// need to invent one.
func Image(from, mediaID string, msgID int64) Message {
	return Message{
		FromUserName: from, MsgType: MsgTypeImage, MediaID: mediaID, MsgID: msgID,
		PicURL: "http://mmbiz.qpic.cn/wxsim/" + mediaID,
	}
}

// Location is a location the user shared in chat (x = latitude,
// y = longitude, as WeChat names them).
func Location(from string, x, y float64, label string, msgID int64) Message {
	return Message{
		FromUserName: from, MsgType: MsgTypeLocation, LocationX: x, LocationY: y,
		Scale: 20, Label: label, MsgID: msgID,
	}
}

// Subscribe is a follow event. With a scene it is a follow through a
// parametric QR code: EventKey is "qrscene_<scene>" and a Ticket is set.
func Subscribe(from, scene string) Message {
	m := event(from, EventSubscribe)
	if scene != "" {
		m.EventKey = "qrscene_" + scene
		m.Ticket = qrTicket(scene)
	}
	return m
}

// Unsubscribe is an unfollow event.
func Unsubscribe(from string) Message { return event(from, EventUnsubscribe) }

// Scan is a parametric QR scan by someone already following; unlike
// Subscribe the EventKey carries the bare scene.
func Scan(from, scene string) Message {
	m := event(from, EventScan)
	m.EventKey = scene
	m.Ticket = qrTicket(scene)
	return m
}

// Click is a click on a menu button with the given key.
func Click(from, key string) Message {
	m := event(from, EventClick)
	m.EventKey = key
	return m
}

// View is a click on a menu link; EventKey holds the URL.
func View(from, url string) Message {
	m := event(from, EventView)
	m.EventKey = url
	return m
}

// LocationReport is the periodic LOCATION event (sent every 5 s while the
// user has the chat open, if the account asked for it).
func LocationReport(from string, lat, lng, precision float64) Message {
	m := event(from, EventLocation)
	m.Latitude, m.Longitude, m.Precision = lat, lng, precision
	return m
}

// MassSendJobFinish is the MASSSENDJOBFINISH event reporting a mass send's
// outcome; status is e.g. "send success" or "err(10001)".
func MassSendJobFinish(from string, msgID int64, status string, total, filter, sent, errors int) Message {
	m := event(from, EventMassSendFinish)
	m.MassMsgID, m.Status = msgID, status
	m.TotalCount, m.FilterCount, m.SentCount, m.ErrorCount = total, filter, sent, errors
	return m
}

func event(from, name string) Message {
	return Message{FromUserName: from, MsgType: MsgTypeEvent, Event: name}
}

// qrTicket fakes a QR ticket deterministically, so the same scene always
// yields the same ticket and tests can predict it.
func qrTicket(scene string) string {
	return "gQ" + base64.RawURLEncoding.EncodeToString([]byte("wxsim/q/"+scene))
}
