package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// Profile is what wxcast knows about one follower.
type Profile struct {
	OpenID string
	// Known is false when nothing about this follower was ever recorded.
	Known bool
	// Subscribed is the state after the newest subscribe, unsubscribe or
	// activity (only followers can talk to an account).
	Subscribed     bool
	SubscribedAt   time.Time // zero when never seen subscribing
	UnsubscribedAt time.Time
	// Scene is the QR scene of the newest subscribe ("" when none).
	Scene        string
	FirstSeen    time.Time
	LastActive   time.Time
	LastClickKey string
	LastClickAt  time.Time
	Location     *Location
	// Tags are the follower's tags as stored; expired ones may still be
	// listed until the next change drops them: see ActiveTags.
	Tags []Tag
	// SubscribeScene, Language and Remark are as WeChat reported them to
	// the last sync ("" before any).
	SubscribeScene string
	Language       string
	Remark         string
	// SyncRun is the start (unix s) of the last sync that listed the
	// follower; 0 if none did.
	SyncRun int64
	// DeviceOS ("ios", "android", "other") and DeviceModel are what the
	// User-Agent of the follower's newest tracked-link click said; both
	// "" before any.
	DeviceOS, DeviceModel string

	days, hours   string // bucket lists, read by Windows
	counts, attrs string // item lists, read by Counts and Attrs
	wechatTags    string // item list, read by WeChatTags
}

// WeChatTag is one of the follower's tags on WeChat's side.
type WeChatTag struct {
	ID   int
	Name string
}

// Tag is one of a follower's tags.
type Tag struct {
	Name string
	// Expires is when the tag lapses; zero means never.
	Expires time.Time
}

// ActiveTags returns the names of the tags that have not expired at now.
func (p *Profile) ActiveTags(now time.Time) []string {
	return p.AppendActiveTags(make([]string, 0, len(p.Tags)), now)
}

// AppendActiveTags appends the names of the tags that have not expired at
// now to dst, for callers that reuse a buffer over many profiles.
func (p *Profile) AppendActiveTags(dst []string, now time.Time) []string {
	for _, t := range p.Tags {
		if t.Expires.IsZero() || t.Expires.After(now) {
			dst = append(dst, t.Name)
		}
	}
	return dst
}

// HasTag reports whether the follower has tag name at now.
func (p *Profile) HasTag(name string, now time.Time) bool {
	for _, t := range p.Tags {
		if t.Name == name {
			return t.Expires.IsZero() || t.Expires.After(now)
		}
	}
	return false
}

// TagExpiry is when tag name lapses: zero if it never does, or if the
// follower does not have it.
func (p *Profile) TagExpiry(name string) time.Time {
	for _, t := range p.Tags {
		if t.Name == name {
			return t.Expires
		}
	}
	return time.Time{}
}

// Counts returns the number of recorded events by kind since first seen.
func (p *Profile) Counts() map[string]int64 {
	m := make(map[string]int64)
	eachItem(p.counts, func(k, v string) { m[k] = atoi(v) })
	return m
}

// Attrs returns the follower's business attributes as stored (text).
func (p *Profile) Attrs() map[string]string {
	if p.attrs == "" {
		return nil
	}
	m := make(map[string]string)
	eachItem(p.attrs, func(k, v string) { m[k] = v })
	return m
}

// EachAttr calls fn with every business attribute, without a map.
func (p *Profile) EachAttr(fn func(name, value string)) { eachItem(p.attrs, fn) }

// AppendWeChatTags appends the names of the follower's WeChat tags to dst.
func (p *Profile) AppendWeChatTags(dst []string) []string {
	eachItem(p.wechatTags, func(_, name string) { dst = append(dst, name) })
	return dst
}

// WeChatTags returns the follower's WeChat tags as last synced or mirrored.
func (p *Profile) WeChatTags() []WeChatTag {
	var out []WeChatTag
	eachItem(p.wechatTags, func(id, name string) {
		out = append(out, WeChatTag{ID: int(atoi(id)), Name: name})
	})
	return out
}

// Profile reads one follower's profile. An unknown follower is returned
// with Known false, not as an error.
func (f *Followers) Profile(ctx context.Context, openid string) (*Profile, error) {
	blob, err := f.s.rdb.HGet(ctx, f.s.keys.profile(openid), openid).Result()
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("store: profile %s: %w", openid, err)
	}
	return decodeProfile(openid, blob), nil
}

func decodeProfile(openid, blob string) *Profile {
	p := new(Profile)
	decodeInto(p, openid, blob)
	return p
}

// decodeInto overwrites p with a decoded profile, keeping the capacity of
// its tag slice and its location for reuse.
func decodeInto(p *Profile, openid, blob string) {
	tags, loc := p.Tags[:0], p.Location
	*p = Profile{OpenID: openid, Known: blob != ""}
	if blob == "" {
		return
	}
	f := splitFields(blob)
	p.Subscribed = f[fSub] == "1"
	p.SubscribedAt, p.UnsubscribedAt = unix(f[fSubAt]), unix(f[fUnsubAt])
	p.Scene = f[fScene]
	p.FirstSeen, p.LastActive = unix(f[fFirstSeen]), unix(f[fLastActive])
	p.LastClickKey, p.LastClickAt = f[fClickKey], unix(f[fClickAt])
	if lt := unix(f[fLocAt]); !lt.IsZero() {
		if loc == nil {
			loc = new(Location)
		}
		*loc = Location{At: lt}
		loc.Lat, _ = strconv.ParseFloat(f[fLat], 64)
		loc.Lng, _ = strconv.ParseFloat(f[fLng], 64)
		loc.Precision, _ = strconv.ParseFloat(f[fPrecision], 64)
		p.Location = loc
	}
	if f[fTags] != "" {
		eachItem(f[fTags], func(name, exp string) {
			tags = append(tags, Tag{Name: name, Expires: unix(exp)})
		})
		p.Tags = tags
	}
	p.days, p.hours = f[fDays], f[fHours]
	p.counts, p.attrs = f[fCounts], f[fAttrs]
	p.wechatTags = f[fWeChatTags]
	p.SubscribeScene, p.Language, p.Remark = f[fSubScene], f[fLanguage], f[fRemark]
	p.SyncRun = atoi(f[fSyncRun])
	p.DeviceOS, p.DeviceModel = f[fDeviceOS], f[fDeviceModel]
}

func unix(s string) time.Time {
	n := atoi(s)
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(n, 0)
}

// History returns a follower's recent events and tag changes, newest first.
func (f *Followers) History(ctx context.Context, openid string) ([]HistoryEntry, error) {
	raw, err := f.s.rdb.LRange(ctx, f.s.keys.history(openid), 0, -1).Result()
	if err != nil {
		return nil, fmt.Errorf("store: history %s: %w", openid, err)
	}
	out := make([]HistoryEntry, 0, len(raw))
	for _, r := range raw {
		if h, ok := decodeHistory(r); ok {
			out = append(out, h)
		}
	}
	return out, nil
}

// Profiles reads several followers' profiles in one round trip, in the
// order of openids.
func (f *Followers) Profiles(ctx context.Context, openids []string) ([]*Profile, error) {
	pipe := f.s.rdb.Pipeline()
	cmds := make([]*redis.StringCmd, len(openids))
	for i, id := range openids {
		cmds[i] = pipe.HGet(ctx, f.s.keys.profile(id), id)
	}
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("store: read %d profiles: %w", len(openids), err)
	}
	out := make([]*Profile, len(openids))
	for i, c := range cmds {
		out[i] = decodeProfile(openids[i], c.Val())
	}
	return out, nil
}
