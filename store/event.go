package store

import "time"

// Class says how an event counts towards a follower's activity.
type Class byte

const (
	// ClassMessage is something the follower wrote or sent.
	ClassMessage Class = 'm'
	// ClassEvent is something the follower did (subscribe, click, scan…).
	ClassEvent Class = 'e'
	// ClassPassive is recorded but is not activity (unsubscribe).
	ClassPassive Class = 'p'
)

// SubChange is the subscription change an event carries, if any.
type SubChange byte

const (
	// SubNone leaves the subscription state alone (but see the script:
	// newer activity implies a subscription).
	SubNone SubChange = 0
	// SubSubscribe subscribes the follower.
	SubSubscribe SubChange = 's'
	// SubUnsubscribe unsubscribes the follower.
	SubUnsubscribe SubChange = 'u'
)

// Event is one accepted callback, reduced to what the profile needs.
type Event struct {
	OpenID  string
	DedupID string // unique per follower among deliveries, e.g. "m<MsgId>"
	At      time.Time
	Kind    string // text, image, subscribe, click, location_report…
	Class   Class
	Sub     SubChange
	Scene   string // QR scene of a subscribe or scan, without qrscene_
	Key     string // menu key, URL or scene: what the history shows
	Content string // text content or link title, truncated in history
	// ClickKey is set for menu clicks; it becomes the last click key.
	ClickKey string
	// Location is set for location messages and location reports.
	Location *Location
	// External marks an event that is not one of WeChat's callbacks (a
	// tracked-link click, a conversion). It is recorded only into a
	// follower's existing profile: for an openid wxcast never saw, Record
	// writes nothing and reports Outcome.Unknown, so such an event never
	// makes up a follower. And it says nothing of the subscription (a web
	// page opens for anyone, an order system knows nothing of WeChat): it
	// moves last_active only while the follower is subscribed, so it never
	// resubscribes one who left.
	External bool
	// Device, when set, replaces the follower's stored device.
	Device *Device
}

// Device is what a browser's User-Agent tells of a follower's phone.
type Device struct {
	// OS is "ios", "android" or "other".
	OS string
	// Model is the raw model string the User-Agent carries ("iPhone",
	// "SM-G9910"); "" when it names none.
	Model string
}

// Device operating systems.
const (
	DeviceIOS     = "ios"
	DeviceAndroid = "android"
	DeviceOther   = "other"
)

// deviceModelMax bounds the stored device model.
const deviceModelMax = 64

// Location is a reported position.
type Location struct {
	Lat, Lng, Precision float64
	At                  time.Time
}

// Limits bound what the store keeps per follower.
type Limits struct {
	DedupTTL    time.Duration
	HistoryMax  int
	HistoryDays int
}
