package demo

import (
	"fmt"
	"strings"
	"time"
)

// The page shows every time in the account's timezone (the configuration's
// `timezone`), whatever the zone of the host or of the browser: the
// browser formats the instants the API sends in the zone /api/people
// names, and times the server formats itself go through clockText.

// defaultZone stands in when Options.Location is nil, as in the
// configuration's default.
func defaultZone() *time.Location {
	if loc, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return loc
	}
	return time.FixedZone("CST", 8*3600)
}

// zoneName names loc the way a browser's Intl.DateTimeFormat takes it:
// its IANA name, or for a fixed zone of whole hours the Etc/GMT zone of
// that offset (whose sign POSIX inverts).
func zoneName(loc *time.Location, now time.Time) string {
	if name := loc.String(); strings.Contains(name, "/") || name == "UTC" {
		return name
	}
	_, off := now.In(loc).Zone()
	switch {
	case off == 0:
		return "UTC"
	case off%3600 == 0:
		return fmt.Sprintf("Etc/GMT%+d", -off/3600)
	}
	return "UTC" // no Intl name for a fractional fixed offset
}

// clockText formats a stored time attribute (RFC 3339, usually in UTC)
// in loc, as the admins read times; any other text is returned as it is.
func clockText(s string, loc *time.Location) string {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return s
	}
	return t.In(loc).Format("2006-01-02 15:04")
}
