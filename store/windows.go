package store

import (
	"strings"
	"time"
)

// Windows are activity counts over rolling windows ending now.
type Windows struct {
	Messages1d, Messages7d, Messages30d int64
	Events1d, Events7d, Events30d       int64
	ActiveDays7d, ActiveDays30d         int64
}

// Windows counts activity in the last 24 hours and the last 7 and 30
// calendar days (today included) as of now. Counts age at read time, so
// a quiet follower's windows empty without any write.
func (p *Profile) Windows(cal Calendar, now time.Time) Windows {
	return p.WindowsAt(cal.Day(now), cal.Hour(now))
}

// WindowsAt is Windows for the day and hour numbers of now (Calendar.Day
// and Calendar.Hour), for callers that evaluate many profiles at one time
// and so convert now once.
func (p *Profile) WindowsAt(d, h int64) Windows {
	var w Windows
	eachBucket(p.hours, func(unit, msgs, events int64) {
		if unit > h-24 && unit <= h {
			w.Messages1d += msgs
			w.Events1d += events
		}
	})
	eachBucket(p.days, func(unit, msgs, events int64) {
		if unit > d || unit <= d-30 {
			return
		}
		w.Messages30d += msgs
		w.Events30d += events
		w.ActiveDays30d++
		if unit > d-7 {
			w.Messages7d += msgs
			w.Events7d += events
			w.ActiveDays7d++
		}
	})
	return w
}

// eachBucket walks "unit:msgs:events,…" without allocating.
func eachBucket(s string, fn func(unit, msgs, events int64)) {
	for s != "" {
		item := s
		if j := strings.IndexByte(s, ','); j >= 0 {
			item, s = s[:j], s[j+1:]
		} else {
			s = ""
		}
		a, rest, ok1 := strings.Cut(item, ":")
		b, c, ok2 := strings.Cut(rest, ":")
		if ok1 && ok2 {
			fn(atoi(a), atoi(b), atoi(c))
		}
	}
}

// Calendar numbers days and hours in the account's time zone, so that
// "today" and "the last 7 days" mean what an admin in that zone expects.
type Calendar struct{ Loc *time.Location }

// Day is the number of whole days between 1970-01-01 and t's date in the zone.
func (c Calendar) Day(t time.Time) int64 {
	y, m, d := t.In(c.loc()).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
}

// Hour is Day*24 plus t's hour in the zone.
func (c Calendar) Hour(t time.Time) int64 {
	return c.Day(t)*24 + int64(t.In(c.loc()).Hour())
}

// Location is the calendar's zone (UTC when none is set).
func (c Calendar) Location() *time.Location { return c.loc() }

func (c Calendar) loc() *time.Location {
	if c.Loc == nil {
		return time.UTC
	}
	return c.Loc
}
