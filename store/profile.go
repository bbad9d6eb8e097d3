package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Profile is what wxcast knows about one follower.
type Profile struct {
	OpenID string
	// Known is false when no callback from this follower was ever recorded.
	Known bool
	// Subscribed is the state after the newest subscribe/unsubscribe event.
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
	// KindCounts counts every recorded event by kind since first seen.
	KindCounts map[string]int64

	days, hours []bucket
}

type bucket struct{ unit, msgs, events int64 }

// Windows are activity counts over rolling windows ending now.
type Windows struct {
	Messages1d, Messages7d, Messages30d int64
	Events1d, Events7d, Events30d       int64
	ActiveDays7d, ActiveDays30d         int64
}

// Windows counts activity in the last 24 hours and the last 7 and 30
// calendar days (today included) as of now.
func (p *Profile) Windows(cal Calendar, now time.Time) Windows {
	var w Windows
	h := cal.Hour(now)
	for _, b := range p.hours {
		if b.unit > h-24 && b.unit <= h {
			w.Messages1d += b.msgs
			w.Events1d += b.events
		}
	}
	d := cal.Day(now)
	for _, b := range p.days {
		if b.unit > d || b.unit <= d-30 {
			continue
		}
		w.Messages30d += b.msgs
		w.Events30d += b.events
		w.ActiveDays30d++
		if b.unit > d-7 {
			w.Messages7d += b.msgs
			w.Events7d += b.events
			w.ActiveDays7d++
		}
	}
	return w
}

// Profile reads one follower's profile. An unknown follower is returned
// with Known false, not as an error.
func (f *Followers) Profile(ctx context.Context, openid string) (*Profile, error) {
	m, err := f.s.rdb.HGetAll(ctx, f.s.keys.profile(openid)).Result()
	if err != nil {
		return nil, fmt.Errorf("store: profile %s: %w", openid, err)
	}
	return decodeProfile(openid, m), nil
}

func decodeProfile(openid string, m map[string]string) *Profile {
	p := &Profile{OpenID: openid, Known: len(m) > 0, KindCounts: map[string]int64{}}
	unix := func(k string) time.Time {
		n, err := strconv.ParseInt(m[k], 10, 64)
		if err != nil || n == 0 {
			return time.Time{}
		}
		return time.Unix(n, 0)
	}
	p.Subscribed = m["sub"] == "1"
	p.SubscribedAt, p.UnsubscribedAt = unix("sa"), unix("ua")
	p.Scene = m["sc"]
	p.FirstSeen, p.LastActive = unix("fs"), unix("la")
	p.LastClickKey, p.LastClickAt = m["ck"], unix("ca")
	if lt := unix("lt"); !lt.IsZero() {
		l := &Location{At: lt}
		l.Lat, _ = strconv.ParseFloat(m["lat"], 64)
		l.Lng, _ = strconv.ParseFloat(m["lng"], 64)
		l.Precision, _ = strconv.ParseFloat(m["lp"], 64)
		p.Location = l
	}
	for k, v := range m {
		if kind, ok := strings.CutPrefix(k, "n:"); ok {
			p.KindCounts[kind], _ = strconv.ParseInt(v, 10, 64)
		}
	}
	p.days, p.hours = parseBuckets(m["d"]), parseBuckets(m["hr"])
	return p
}

func parseBuckets(s string) []bucket {
	if s == "" {
		return nil
	}
	parts := strings.Split(s, ",")
	out := make([]bucket, 0, len(parts))
	for _, part := range parts {
		f := strings.Split(part, ":")
		if len(f) != 3 {
			continue
		}
		var b bucket
		b.unit, _ = strconv.ParseInt(f[0], 10, 64)
		b.msgs, _ = strconv.ParseInt(f[1], 10, 64)
		b.events, _ = strconv.ParseInt(f[2], 10, 64)
		out = append(out, b)
	}
	return out
}

// History returns a follower's recent events, newest first.
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
