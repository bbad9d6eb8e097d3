package rules

import (
	"errors"
	"hash/fnv"
	"time"
)

// NeverDays is what days_since() and user.days_since_active give for a
// time that never happened, so `<= 7` is false without a special case.
const NeverDays = 99999

// helper is one function available in expressions. The same table
// registers the functions and writes their section of the manual.
type helper struct {
	Name string
	Sig  string
	Doc  string
	Type any // a *func value giving the checked signature
	Fn   func(args ...any) (any, error)
}

// helpers returns the helper functions bound to o's clock and zone.
func helpers(o Options) []helper {
	now := func() time.Time { return o.Clock().In(o.Location) }
	return []helper{
		{"now", "now() time", "The current time in the account's time zone.",
			new(func() time.Time), func(...any) (any, error) { return now(), nil }},
		{"since", "since(t time) duration", "now() - t.",
			new(func(time.Time) time.Duration),
			func(a ...any) (any, error) { return now().Sub(a[0].(time.Time)), nil }},
		{"days_since", "days_since(t time) int",
			"Calendar days in the account's time zone from t's date to today: 0 today, 1 yesterday, negative in the future; 99999 for a zero time.",
			new(func(time.Time) int),
			func(a ...any) (any, error) { return daysSince(now(), a[0].(time.Time)), nil }},
		{"within_days", "within_days(t time, n int) bool",
			"t is set and its date is one of the last n calendar days, today included: within_days(t, 1) means today. False for dates after today.",
			new(func(time.Time, int) bool),
			func(a ...any) (any, error) { return withinDays(now(), a[0].(time.Time), a[1].(int)), nil }},
		{"days", "days(n int) duration", "n × 24 hours, for comparisons with since().",
			new(func(int) time.Duration),
			func(a ...any) (any, error) { return time.Duration(a[0].(int)) * 24 * time.Hour, nil }},
		{"hours", "hours(n int) duration", "n hours.",
			new(func(int) time.Duration),
			func(a ...any) (any, error) { return time.Duration(a[0].(int)) * time.Hour, nil }},
		{"bucket", "bucket(s string, n int) int",
			"A stable bucket in [0, n): the 64-bit FNV-1a hash of the UTF-8 bytes of s, modulo n. The same s and n always give the same bucket, in every wxcast version, so an A/B split can be reproduced elsewhere. Fails when n <= 0.",
			new(func(string, int) int),
			func(a ...any) (any, error) { return bucket(a[0].(string), a[1].(int)) }},
	}
}

// daysSince counts calendar days between the dates of t and now in now's
// zone. Comparing dates rather than dividing durations makes "yesterday
// 23:59" one day ago at 00:01, which is what rule authors mean.
func daysSince(now, t time.Time) int {
	if t.IsZero() {
		return NeverDays
	}
	return civilDay(now) - civilDay(t.In(now.Location()))
}

// civilDay numbers the date of t (in t's own zone) so that consecutive
// dates differ by one, whatever daylight saving does to the hours.
func civilDay(t time.Time) int {
	y, m, d := t.Date()
	return int(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

func withinDays(now, t time.Time, n int) bool {
	if t.IsZero() {
		return false
	}
	d := daysSince(now, t)
	return d >= 0 && d < n
}

var errBucketRange = errors.New("bucket: n must be greater than 0")

func bucket(s string, n int) (int, error) {
	if n <= 0 {
		return 0, errBucketRange
	}
	h := fnv.New64a()
	h.Write([]byte(s))
	return int(h.Sum64() % uint64(n)), nil
}
