package bot

import (
	"context"
	"fmt"

	"github.com/wxcast/wxcast/bot/links"
	"github.com/wxcast/wxcast/store"
)

var _ links.Recorder = (*Bot)(nil)

// RecordClick records a tap on a tracked link as a link_click event of the
// follower who received the link's broadcast: counted in user.counts,
// kept in the history (with the broadcast, version and target, for
// back-tests), the device the User-Agent names stored on the profile, and
// the tag rules run. A tap recorded again (the same DedupID) counts once.
// An openid wxcast has no profile for is recorded nowhere: a click never
// makes up a follower.
func (b *Bot) RecordClick(ctx context.Context, c links.Click) error {
	if !validOpenID(c.OpenID) {
		return fmt.Errorf("%w: click: %q is not an openid", ErrInvalid, c.OpenID)
	}
	if c.DedupID == "" {
		return fmt.Errorf("%w: click of broadcast %d: no dedup id", ErrInvalid, c.Broadcast)
	}
	at := c.At
	if at.IsZero() {
		at = b.o.Now()
	}
	ev := store.Event{
		OpenID:  c.OpenID,
		DedupID: shortID("l", c.DedupID),
		At:      at,
		Kind:    store.KindLinkClick,
		Class:   store.ClassEvent,
		Key:     c.URL,
		Content: store.ClickRef(c.Broadcast, c.Version, c.Link),
		Device:  DeviceOf(c.UserAgent),
	}
	if _, _, err := b.behave(ctx, ev); err != nil {
		return fmt.Errorf("record click of broadcast %d: %w", c.Broadcast, err)
	}
	return nil
}
