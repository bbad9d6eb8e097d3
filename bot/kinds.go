package bot

import (
	"strings"
	"time"

	"github.com/wxcast/wxcast/internal/openid"
	"github.com/wxcast/wxcast/store"
)

// kind describes how one type of callback updates a profile.
type kind struct {
	name  string
	class store.Class
	// system callbacks come from WeChat, not a follower (job reports):
	// they are deduplicated but update no profile.
	system bool
	// unknown is a type outside the table, recorded under its own name.
	unknown bool
	fill    func(m *Message, ev *store.Event)
}

// OtherKind is the Result.Kind of every callback type outside the kind
// table. The type's name comes from the sender, and as a metric label each
// made-up name would be a series of its own.
const OtherKind = "other"

// label is the kind as Result.Kind reports it: its name, or OtherKind.
func (k kind) label() string {
	if k.unknown {
		return OtherKind
	}
	return k.name
}

// kindTable maps MsgType (and, for events, the lower-cased Event) to its
// kind. A new callback type is one entry here.
type kindTable map[string]kind

func newKindTable() kindTable {
	msg := func(name string, fill func(*Message, *store.Event)) kind {
		return kind{name: name, class: store.ClassMessage, fill: fill}
	}
	ev := func(name string, fill func(*Message, *store.Event)) kind {
		return kind{name: name, class: store.ClassEvent, fill: fill}
	}
	return kindTable{
		"text":  msg("text", func(m *Message, e *store.Event) { e.Content = m.Content }),
		"image": msg("image", nil),
		"voice": msg("voice", func(m *Message, e *store.Event) { e.Content = m.Content }),
		"video": msg("video", nil), "shortvideo": msg("shortvideo", nil),
		"link": msg("link", func(m *Message, e *store.Event) { e.Key, e.Content = m.URL, m.Title }),
		"location": msg("location", func(m *Message, e *store.Event) {
			e.Content = m.Label
			e.Location = &store.Location{Lat: m.LocationX, Lng: m.LocationY, At: e.At}
		}),
		"event:subscribe": ev("subscribe", func(m *Message, e *store.Event) {
			e.Sub = store.SubSubscribe
			e.Scene = strings.TrimPrefix(m.EventKey, "qrscene_")
			e.Key = e.Scene
		}),
		"event:unsubscribe": {name: "unsubscribe", class: store.ClassPassive,
			fill: func(_ *Message, e *store.Event) { e.Sub = store.SubUnsubscribe }},
		"event:scan":  ev("scan", func(m *Message, e *store.Event) { e.Scene, e.Key = m.EventKey, m.EventKey }),
		"event:click": ev("click", func(m *Message, e *store.Event) { e.ClickKey, e.Key = m.EventKey, m.EventKey }),
		"event:view":  ev("view", func(m *Message, e *store.Event) { e.Key = m.EventKey }),
		// The periodic location report is an event named LOCATION; rules
		// call it location_report to keep it apart from location messages.
		"event:location": ev("location_report", func(m *Message, e *store.Event) {
			e.Location = &store.Location{Lat: m.Latitude, Lng: m.Longitude, Precision: m.Precision, At: e.At}
		}),
		"event:masssendjobfinish":     {name: "masssendjobfinish", system: true},
		"event:templatesendjobfinish": {name: "templatesendjobfinish", system: true},
	}
}

// lookup finds m's kind; unknown types still count in the profile, under
// their own name.
func (t kindTable) lookup(m *Message) kind {
	if m.MsgType == "event" {
		e := strings.ToLower(m.Event)
		if k, ok := t["event:"+e]; ok {
			return k
		}
		return kind{name: e, class: store.ClassEvent, unknown: true, fill: func(m *Message, e *store.Event) { e.Key = m.EventKey }}
	}
	if k, ok := t[m.MsgType]; ok {
		return k
	}
	return kind{name: strings.ToLower(m.MsgType), class: store.ClassMessage, unknown: true}
}

func toEvent(m *Message, k kind) store.Event {
	ev := store.Event{
		OpenID:  m.OpenID,
		DedupID: dedupID(m, k),
		At:      time.Unix(m.CreateTime, 0),
		Kind:    k.name,
		Class:   k.class,
	}
	if k.fill != nil {
		k.fill(m, &ev)
	}
	return ev
}

// validOpenID accepts what WeChat issues (28 characters of [A-Za-z0-9_-])
// with room to spare. Anything else could break the {openid} hash tag.
func validOpenID(s string) bool { return openid.Valid(s) }
