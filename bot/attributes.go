package bot

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/wxcast/wxcast/store"
)

// RecordAttributes records a conversion, a write of business attributes
// that changed the conversion attributes named in changed, as an
// attributes event of the follower: counted in user.counts, kept in the
// history with the names (rules read them as event.changed), and the tag
// rules run, so a rule can tag buyers. It is not activity: it moves no
// last_active, window or subscription. writeID identifies the write
// (bot/attrs derives it from the values written), so the same write
// recorded twice counts once. An openid without a profile is recorded
// nowhere.
func (b *Bot) RecordAttributes(ctx context.Context, openid string, changed []string, at time.Time, writeID string) error {
	if !validOpenID(openid) {
		return fmt.Errorf("%w: attributes: %q is not an openid", ErrInvalid, openid)
	}
	if len(changed) == 0 || writeID == "" {
		return fmt.Errorf("%w: attributes event without changed names or write id", ErrInvalid)
	}
	if at.IsZero() {
		at = b.o.Now()
	}
	ev := store.Event{
		OpenID:  openid,
		DedupID: shortID("a", writeID),
		At:      at,
		Kind:    store.KindAttributes,
		Class:   store.ClassPassive,
		Key:     strings.Join(changed, ","),
	}
	if _, _, err := b.behave(ctx, ev); err != nil {
		return fmt.Errorf("record attributes event: %w", err)
	}
	return nil
}
