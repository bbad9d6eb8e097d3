package rules

import (
	"strings"
	"sync"
	"time"
)

// Ruleset is a compiled rules file. It is immutable once returned by
// Parse, so a reload builds a new Ruleset and swaps the pointer.
type Ruleset struct {
	// Version is the first 12 hex digits of the SHA-256 of the file, to
	// tell in logs and metrics which rules made a decision.
	Version    string
	File       string
	Attributes []Attribute
	Tags       []*TagRule // in file order, which is the order they run in
	Segments   []*Segment
	Replies    []*ReplyRule // in file order; the first match wins
	Default    *Reply       // nil when the file has no default reply

	needOnce sync.Once // need is worked out on first use
	need     Needs
}

// Attribute is a declared business attribute, read as user.attrs.<Name>.
type Attribute struct {
	Name string
	Type string // int, float, string, time or bool
	Pos  Position
}

// TagRule adds the tag Name to a follower when When is true and removes
// it when Unless is true; Unless is checked first and wins.
type TagRule struct {
	Name        string
	Description string
	On          []string // event types that run the rule; empty means all
	When        *Program
	Unless      *Program // nil when the rule has no unless
	TTL         time.Duration
	WeChatTag   string // the WeChat tag the tag is mirrored onto; "" for none
	Pos         Position
}

// Triggers reports whether the rule runs for an event of type eventType.
func (t *TagRule) Triggers(eventType string) bool {
	if len(t.On) == 0 {
		return true
	}
	for _, on := range t.On {
		if on == eventType {
			return true
		}
	}
	return false
}

// Segment is a named set of followers, selected by Rule over user only.
type Segment struct {
	Name        string
	Description string
	// Title is an optional display name (e.g. 活跃会员) that admins may
	// type in place of Name; unique among the names and titles of all
	// segments, case-insensitively.
	Title string
	Rule  *Program
	Pos   Position
}

// ReplyRule answers a callback with Reply when When is true.
type ReplyRule struct {
	Name  string // from the file, or "replies[<index>]"
	When  *Program
	Reply Reply
	Pos   Position
}

// Reply is a passive reply. Type says which fields are set: text uses
// Content; image and voice use MediaID; video uses MediaID, Title and
// Description; news (one article) uses Title, Description, URL and PicURL.
type Reply struct {
	Type        string
	Content     string
	MediaID     string
	Title       string
	Description string
	URL         string
	PicURL      string
}

// FindSegment finds the segment an admin typed: its name in any case,
// or its title. It does not guess: see SuggestSegments for a typo.
func (rs *Ruleset) FindSegment(typed string) (*Segment, bool) {
	if s, ok := rs.Segment(strings.ToLower(typed)); ok {
		return s, true
	}
	for _, s := range rs.Segments {
		if s.Title != "" && strings.EqualFold(s.Title, typed) {
			return s, true
		}
	}
	return nil, false
}

// SuggestSegments returns at most three segment names or titles close to
// typed (a small edit distance, or a prefix), closest first.
func (rs *Ruleset) SuggestSegments(typed string) []string {
	var names []string
	for _, s := range rs.Segments {
		names = append(names, s.Name)
		if s.Title != "" {
			names = append(names, s.Title)
		}
	}
	return suggestions(typed, names)
}

// Segment returns the segment called name.
func (rs *Ruleset) Segment(name string) (*Segment, bool) {
	for _, s := range rs.Segments {
		if s.Name == name {
			return s, true
		}
	}
	return nil, false
}
