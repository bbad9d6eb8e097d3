package store

import "time"

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
