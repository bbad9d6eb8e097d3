package rules

import "time"

// Env is the environment of every rule expression. It is passed to the
// compiler as a value, Env{}, and to the virtual machine as a *Env: expr
// then resolves a chain such as user.messages_7d into one field-index
// load, which is several times faster than walking pointers. That is also
// why User is a value field and not a pointer.
type Env struct {
	User  User  `expr:"user" json:"user" doc:"The follower the callback is about."`
	Event Event `expr:"event" json:"event" doc:"The callback being handled. Not available in segment rules."`
	// Now is the time of the evaluation: what now() returns and what
	// since(), days_since() and within_days() measure from. The compiler
	// rewrites those calls to read it (see clockPatch), so a back-test can
	// evaluate each past event at its own time. Zero means Options.Clock.
	Now time.Time `expr:"__now__" json:"__now__" doc:"The evaluation time; rules write now()."`
}

// User is what wxcast knows about one follower. The struct tags carry the
// expr names and the reference text of docs/rules.md.
type User struct {
	OpenID          string         `expr:"openid" json:"openid" doc:"The follower's OpenID in this Official Account." example:"bucket(user.openid, 100) < 10"`
	Subscribed      bool           `expr:"subscribed" json:"subscribed" doc:"Whether the follower currently follows the account." example:"user.subscribed"`
	SubscribedAt    time.Time      `expr:"subscribed_at" json:"subscribed_at" doc:"Time of the newest subscribe event; zero when never seen subscribing." example:"within_days(user.subscribed_at, 3)"`
	UnsubscribedAt  time.Time      `expr:"unsubscribed_at" json:"unsubscribed_at" doc:"Time of the newest unsubscribe event; zero when none." example:"days_since(user.unsubscribed_at) <= 30"`
	Scene           string         `expr:"scene" json:"scene" doc:"QR scene of the newest subscribe (qrscene_ prefix removed); empty if none." example:"user.scene startsWith 'store_sh_'"`
	FirstSeen       time.Time      `expr:"first_seen" json:"first_seen" doc:"Time of the first callback from this follower." example:"within_days(user.first_seen, 7)"`
	LastActive      time.Time      `expr:"last_active" json:"last_active" doc:"Time of the newest callback from this follower." example:"since(user.last_active) < hours(48)"`
	DaysSinceActive int            `expr:"days_since_active" json:"days_since_active" doc:"Calendar days in the account's time zone since last_active (0 = today); 99999 when never active." example:"user.days_since_active <= 7"`
	Messages1d      int            `expr:"messages_1d" json:"messages_1d" doc:"Messages the follower sent in the last 24 hours." example:"user.messages_1d >= 5"`
	Messages7d      int            `expr:"messages_7d" json:"messages_7d" doc:"Messages sent today and on the previous 6 calendar days." example:"user.messages_7d >= 3"`
	Messages30d     int            `expr:"messages_30d" json:"messages_30d" doc:"Messages sent today and on the previous 29 calendar days." example:"user.messages_30d == 0"`
	Events1d        int            `expr:"events_1d" json:"events_1d" doc:"Events (clicks, scans, ...) in the last 24 hours." example:"user.events_1d > 0"`
	Events7d        int            `expr:"events_7d" json:"events_7d" doc:"Events today and on the previous 6 calendar days." example:"user.events_7d >= 2"`
	Events30d       int            `expr:"events_30d" json:"events_30d" doc:"Events today and on the previous 29 calendar days." example:"user.events_30d >= 10"`
	ActiveDays7d    int            `expr:"active_days_7d" json:"active_days_7d" doc:"Days with any callback among today and the previous 6 calendar days." example:"user.active_days_7d >= 3"`
	ActiveDays30d   int            `expr:"active_days_30d" json:"active_days_30d" doc:"Days with any callback among today and the previous 29 calendar days." example:"user.active_days_30d >= 10"`
	LastClickKey    string         `expr:"last_click_key" json:"last_click_key" doc:"Key of the newest menu click (CLICK event); empty if none." example:"user.last_click_key == 'MENU_PROMO'"`
	LastClickAt     time.Time      `expr:"last_click_at" json:"last_click_at" doc:"Time of the newest menu click; zero if none." example:"within_days(user.last_click_at, 7)"`
	Location        Location       `expr:"location" json:"location" doc:"Newest location the follower reported (LOCATION event or location message)." example:"user.location.known"`
	Counts          map[string]int `expr:"counts" json:"counts" doc:"Callbacks by event type since first seen; missing types read as 0. A type wxcast does not know counts under its own name, up to 64 types a follower; later new ones count as 'other'." example:"user.counts['click'] >= 10"`
	Tags            []string       `expr:"tags" json:"tags" doc:"Current wxcast tags, including those set earlier in the same event." example:"'vip' in user.tags"`
	WeChatTags      []string       `expr:"wechat_tags" json:"wechat_tags" doc:"Names of the follower's tags on WeChat's side, as the last sync (wxcast users sync) or the tag mirror left them." example:"'老客户' in user.wechat_tags"`
	SubscribeScene  string         `expr:"subscribe_scene" json:"subscribe_scene" doc:"How the follower came to follow, as WeChat tells the sync: ADD_SCENE_SEARCH, ADD_SCENE_QR_CODE, ADD_SCENE_PROFILE_CARD, ADD_SCENE_ACCOUNT_MIGRATION, ADD_SCENE_PAID, ADD_SCENE_WECHAT_ADVERTISEMENT, ADD_SCENE_OTHERS…; empty before the first sync." example:"user.subscribe_scene == 'ADD_SCENE_QR_CODE'"`
	Language        string         `expr:"language" json:"language" doc:"The follower's WeChat language as of the last sync (zh_CN, zh_TW, en); empty before it." example:"user.language == 'en'"`
	Remark          string         `expr:"remark" json:"remark" doc:"The remark (备注名) the account gave the follower on WeChat, as of the last sync." example:"user.remark != ''"`
	DeviceOS        string         `expr:"device_os" json:"device_os" doc:"Operating system of the follower's phone, from the User-Agent of their newest tracked-link click: ios, android or other (Windows, Mac, HarmonyOS without Android…); empty before any click." example:"user.device_os == 'ios'"`
	DeviceModel     string         `expr:"device_model" json:"device_model" doc:"Model string that click's User-Agent carried, as sent: iPhone or iPad for iOS, the maker's model code for Android (SM-G9910, PJZ110); empty when it named none." example:"user.device_model startsWith 'SM-'"`
	Attrs           map[string]any `expr:"attrs" json:"attrs" doc:"Declared business attributes, typed by the attributes section." example:"user.attrs.vip_level >= 3"`
}

// Location is the newest position a follower reported.
type Location struct {
	Known     bool      `expr:"known" json:"known" doc:"Whether any location was ever reported; the other fields are zero otherwise." example:"user.location.known"`
	Latitude  float64   `expr:"latitude" json:"latitude" doc:"Latitude in degrees." example:"user.location.latitude > 30.7"`
	Longitude float64   `expr:"longitude" json:"longitude" doc:"Longitude in degrees." example:"user.location.longitude < 122"`
	Precision float64   `expr:"precision" json:"precision" doc:"Precision in meters as reported by WeChat; 0 for location messages." example:"user.location.precision < 500"`
	At        time.Time `expr:"at" json:"at" doc:"When the location was reported." example:"within_days(user.location.at, 1)"`
}

// Event is the callback being handled.
type Event struct {
	Type      string    `expr:"type" json:"type" doc:"Event type, see Event types below." example:"event.type == 'click'"`
	Key       string    `expr:"key" json:"key" doc:"EventKey as WeChat sends it: the menu key of click, the URL of view, the QR parameter of subscribe and scan; empty for messages. For link_click the link's target URL, for attributes the changed names, comma-separated." example:"event.key == 'MENU_PROMO'"`
	Content   string    `expr:"content" json:"content" doc:"Text of a text message; empty otherwise." example:"event.content contains '价格'"`
	Scene     string    `expr:"scene" json:"scene" doc:"QR scene of a subscribe or scan event; empty otherwise." example:"event.scene startsWith 'store_'"`
	Latitude  float64   `expr:"latitude" json:"latitude" doc:"Latitude of a location message or location_report event." example:"event.latitude > 30.7"`
	Longitude float64   `expr:"longitude" json:"longitude" doc:"Longitude of a location message or location_report event." example:"event.longitude < 122"`
	Time      time.Time `expr:"time" json:"time" doc:"CreateTime of the callback." example:"event.time - user.last_click_at < hours(1)"`
	Broadcast int       `expr:"broadcast" json:"broadcast" doc:"Number (编号) of the broadcast whose tracked link was tapped (link_click); 0 otherwise." example:"event.broadcast == 7"`
	Version   string    `expr:"version" json:"version" doc:"Version of that broadcast the follower received and tapped in: A (the main content), B, C…; empty for other events." example:"event.version == 'B'"`
	Link      string    `expr:"link" json:"link" doc:"Target URL of the tapped tracked link (the original address, not the wxcast one; back-tests see its first 256 bytes); empty for other events." example:"event.link contains 'spring-sale'"`
	Changed   []string  `expr:"changed" json:"changed" doc:"Names of the conversion attributes (results.conversion_attributes) an attributes event changed; empty for other events." example:"'last_order_at' in event.changed"`
}
