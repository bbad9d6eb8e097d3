package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// SyncedFollower is what WeChat's user/info says of one follower.
type SyncedFollower struct {
	OpenID         string
	SubscribeTime  time.Time
	SubscribeScene string
	// Scene is the QR scene of the subscribe (qr_scene_str, else qr_scene),
	// "" when the follower did not subscribe through a QR code.
	Scene    string
	Language string
	Remark   string
	Tags     []WeChatTag
}

// SyncOutcome counts what ApplySync did (or, dry, would do).
type SyncOutcome struct {
	Created, Updated, Unchanged int
	// New and Changed name the followers created and updated, in a dry
	// run only (to show what a sync would do).
	New, Changed []string
}

// ApplySync writes followers as listed by the sync run that started at run
// (unix s) into their profiles, creating those not known yet. It only sets
// what WeChat is the source of (subscribe time and scene, language,
// remark, WeChat tags); behaviour recorded from callbacks stays, and a
// newer unsubscribe recorded from a callback still wins. With dry set it
// only counts what it would change.
//
// listedAt is when WeChat listed them (the page's fetch): a follower
// wxcast took for gone before then follows again.
func (f *Followers) ApplySync(ctx context.Context, run int64, listedAt time.Time, batch []SyncedFollower, dry bool) (SyncOutcome, error) {
	var out SyncOutcome
	if len(batch) == 0 {
		return out, nil
	}
	d := "0"
	if dry {
		d = "1"
	}
	runs, listed := strconv.FormatInt(run, 10), listedAt.Unix()
	cmds, err := f.s.evalEach(ctx, f.s.sync, len(batch), func(i int) ([]string, []any) {
		u := batch[i]
		var at int64
		if !u.SubscribeTime.IsZero() {
			at = u.SubscribeTime.Unix()
		}
		return []string{f.s.keys.profile(u.OpenID)}, []any{u.OpenID, runs, at, scrub(u.SubscribeScene, 64),
			scrub(u.Scene, 128), scrub(u.Language, 16), scrub(u.Remark, 128), encodeWeChatTags(u.Tags), d, listed}
	})
	if err != nil {
		return out, fmt.Errorf("store: apply sync of %d followers: %w", len(batch), err)
	}
	for i, c := range cmds {
		switch n, _ := c.Int(); n {
		case 1:
			out.Created++
			if dry {
				out.New = append(out.New, batch[i].OpenID)
			}
		case 2:
			out.Updated++
			if dry {
				out.Changed = append(out.Changed, batch[i].OpenID)
			}
		default:
			out.Unchanged++
		}
	}
	return out, nil
}

// GoneMargin is how long before a sync run's start a subscribe or activity
// still spares a follower the run did not list: the run's start is this
// host's time, events carry WeChat's.
const GoneMargin = 5 * time.Minute

// MarkGone marks as unsubscribed the followers among openids whom the
// sync run that started at run did not list, unless a callback since
// shortly before the run began (GoneMargin) says they follow. It returns those it marked (dry: would
// mark).
func (f *Followers) MarkGone(ctx context.Context, run int64, openids []string, dry bool) ([]string, error) {
	if len(openids) == 0 {
		return nil, nil
	}
	d := "0"
	if dry {
		d = "1"
	}
	margin := int64(GoneMargin.Seconds())
	cmds, err := f.s.evalEach(ctx, f.s.gone, len(openids), func(i int) ([]string, []any) {
		return []string{f.s.keys.profile(openids[i])}, []any{openids[i], run, d, margin}
	})
	if err != nil {
		return nil, fmt.Errorf("store: mark %d unlisted followers: %w", len(openids), err)
	}
	var gone []string
	for i, c := range cmds {
		if v, _ := c.Int(); v == 1 {
			gone = append(gone, openids[i])
		}
	}
	return gone, nil
}

// SetWeChatTag records in a follower's profile that it holds (add) or no
// longer holds WeChat tag t, after the tag mirror changed it on WeChat's
// side. A follower with no profile is left alone: the next sync creates it.
func (f *Followers) SetWeChatTag(ctx context.Context, openid string, t WeChatTag, add bool) error {
	op := "-"
	if add {
		op = "+"
	}
	err := f.s.wtags.Run(ctx, f.s.rdb, []string{f.s.keys.profile(openid)}, openid, op, t.ID, scrub(t.Name, 64)).Err()
	if err != nil {
		return fmt.Errorf("store: set WeChat tag %s of %s: %w", t.Name, openid, err)
	}
	return nil
}

func encodeWeChatTags(tags []WeChatTag) string {
	var b strings.Builder
	for i, t := range tags {
		if i > 0 {
			b.WriteString(itemSep)
		}
		b.WriteString(strconv.Itoa(t.ID))
		b.WriteByte('=')
		b.WriteString(scrub(t.Name, 64))
	}
	return b.String()
}
