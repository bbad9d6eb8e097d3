package rules

// EventType is one value of event.type, as listed in the manual.
type EventType struct {
	Name string
	Doc  string
}

// EventTypes lists the values event.type can take, in the order of the
// manual. An `on:` entry must be one of them: a misspelt event type would
// otherwise make a tag rule silently never fire.
func EventTypes() []EventType {
	return []EventType{
		{"text", "text message (event.content holds the text)"},
		{"image", "image message"},
		{"voice", "voice message"},
		{"video", "video message"},
		{"shortvideo", "short video message"},
		{"location", "location message sent by the follower (event.latitude, event.longitude)"},
		{"link", "link message"},
		{"subscribe", "follow; event.scene holds the QR scene when followed by scanning a parametric QR code"},
		{"unsubscribe", "unfollow"},
		{"scan", "an existing follower scanned a parametric QR code (event.scene)"},
		{"click", "CLICK menu item (event.key is the menu key)"},
		{"view", "VIEW menu item (event.key is the URL)"},
		{"location_report", "periodic LOCATION event reported by WeChat when location sharing is on"},
		{"scancode_push", "scan-code menu item; WeChat shows the result (event.key is the menu key)"},
		{"scancode_waitmsg", "scan-code menu item waiting for the account's answer (event.key is the menu key)"},
		{"pic_sysphoto", "take-a-photo menu item (event.key is the menu key)"},
		{"pic_photo_or_album", "photo-or-album menu item (event.key is the menu key)"},
		{"pic_weixin", "WeChat-album menu item (event.key is the menu key)"},
		{"location_select", "send-location menu item (event.key is the menu key)"},
		{"view_miniprogram", "menu item opening a mini program (event.key is its page path)"},
		{"link_click", "the follower tapped a tracked link of a broadcast they received (event.broadcast, event.version, event.link); not a WeChat callback: wxcast learns it through the link's silent authorization, and records it only for followers it knows"},
		{"attributes", "a write through the attributes API or `wxcast users import` changed one of `results.conversion_attributes` (event.changed names them); not a WeChat callback, and not activity: it moves no last_active or window"},
	}
}

// IsMessage reports whether event type t is a message a follower sent, as
// opposed to an event. Callers apply Ruleset.Default only to messages: a
// fallback "sorry, I did not understand" makes no sense after a menu click.
func IsMessage(t string) bool {
	switch t {
	case "text", "image", "voice", "video", "shortvideo", "location", "link":
		return true
	}
	return false
}

func eventTypeNames() []string {
	types := EventTypes()
	names := make([]string, len(types))
	for i, t := range types {
		names[i] = t.Name
	}
	return names
}
