package bot

import (
	"context"
	"crypto/sha1"
	"encoding/hex"

	"go.uber.org/zap"

	"github.com/wxcast/wxcast/store"
)

// behave records one of wxcast's own events (a tracked-link click, a
// conversion) on an existing follower through the path callbacks take:
// dedup, profile counts and history, then the tag rules, whose changes go
// to the WeChat tag mirror. Reply rules are not run for a reply: there is
// no callback to answer. recorded is false for a duplicate and for an
// openid without a profile, which it never creates.
func (b *Bot) behave(ctx context.Context, ev store.Event) (recorded bool, changes []store.TagChange, err error) {
	if b.o.RedisTimeout > 0 {
		ctx = store.WithCallTimeout(ctx, b.o.RedisTimeout)
	}
	ev.External = true
	var plan Plan
	if b.o.Rules != nil {
		plan = b.o.Rules.Plan()
	}
	mark := store.MarkFinal
	if plan != nil && plan.Tags() {
		mark = store.MarkNoAnswer
	}
	now := b.o.Now()
	out, err := b.o.Followers.Record(ctx, ev, now, mark)
	if err != nil {
		return false, nil, err
	}
	if out.Unknown || out.Duplicate {
		b.o.Log.Debug("behaviour not recorded", zap.String("kind", ev.Kind),
			zap.Bool("unknown_follower", out.Unknown), zap.Bool("duplicate", out.Duplicate))
		return false, nil, nil
	}
	if mark == store.MarkFinal {
		return true, nil, nil
	}
	d := plan.Decide(ctx, out.Profile, &ev, now)
	if len(d.Changes) == 0 {
		return true, nil, nil
	}
	applied, err := b.o.Followers.Finish(ctx, ev.OpenID, ev.DedupID, "", d.Changes, now)
	if err != nil {
		// The event is recorded; the tag rules run again on the next one.
		b.o.Log.Warn("store tag changes", zap.String("kind", ev.Kind), zap.String("openid", ev.OpenID), zap.Error(err))
		return true, nil, nil
	}
	if applied && b.o.TagMirror != nil {
		if err := b.o.TagMirror.Changed(ctx, out.Profile, d.Changes); err != nil {
			b.o.Log.Warn("queue WeChat tag changes", zap.String("openid", ev.OpenID), zap.Error(err))
		}
	}
	return true, d.Changes, nil
}

// shortID keeps a dedup id given by another part of wxcast short enough
// for a key: long ones are hashed.
func shortID(prefix, id string) string {
	if len(id) <= 64 {
		return prefix + id
	}
	sum := sha1.Sum([]byte(id))
	return prefix + hex.EncodeToString(sum[:])
}
