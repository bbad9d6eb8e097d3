// Package links is wxcast's tracked links: the links of text broadcasts
// are rewritten at preview to the account's own origin, and a click
// inside WeChat passes through WeChat's silent web authorization
// (snsapi_base), which tells wxcast which follower clicked.
package links

import (
	"context"
	"time"
)

// Click is one tap on a tracked link by a follower wxcast identified,
// who received the version the link belongs to. It becomes a link_click
// event on their profile (package bot records it).
type Click struct {
	OpenID    string
	Broadcast int64
	// Version is the content the link is in (0 the main one, 1 for B…);
	// Link is the link's place in that content's text, 0-based.
	Version int
	Link    int
	// URL is where the link leads (the frozen target).
	URL string
	// UserAgent is the clicking browser's, WeChat's in-app browser's: the
	// only place an Official Account learns a follower's device.
	UserAgent string
	At        time.Time
	// DedupID is unique per tap (from WeChat's single-use authorization
	// code), so a tap recorded twice counts once.
	DedupID string
}

// Recorder records a click as the follower's behaviour (bot.Bot).
type Recorder interface {
	RecordClick(ctx context.Context, c Click) error
}
