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
	// Clocked helpers read the evaluation time: clockPatch rewrites now()
	// into Env.Now and passes Env.Now as a hidden first argument to the
	// others (Type and Fn include it). now itself has no Fn.
	Clocked bool
}

// helpers returns the helper functions.
func helpers() []helper {
	at := func(a []any) time.Time { return a[0].(time.Time) }
	return []helper{
		{Name: "now", Sig: "now() time", Doc: "The time of the evaluation (of the callback; in a back-test, of the replayed event), in the account's time zone.",
			Clocked: true},
		{Name: "since", Sig: "since(t time) duration", Doc: "now() - t.", Clocked: true,
			Type: new(func(time.Time, time.Time) time.Duration),
			Fn:   func(a ...any) (any, error) { return at(a).Sub(a[1].(time.Time)), nil }},
		{Name: "days_since", Sig: "days_since(t time) int", Clocked: true,
			Doc:  "Calendar days in the account's time zone from t's date to today: 0 today, 1 yesterday, negative in the future; 99999 for a zero time.",
			Type: new(func(time.Time, time.Time) int),
			Fn:   func(a ...any) (any, error) { return daysSince(at(a), a[1].(time.Time)), nil }},
		{Name: "within_days", Sig: "within_days(t time, n int) bool", Clocked: true,
			Doc:  "t is set and its date is one of the last n calendar days, today included: within_days(t, 1) means today. False for dates after today.",
			Type: new(func(time.Time, time.Time, int) bool),
			Fn:   func(a ...any) (any, error) { return withinDays(at(a), a[1].(time.Time), a[2].(int)), nil }},
		{Name: "days", Sig: "days(n int) duration", Doc: "n × 24 hours, for comparisons with since().",
			Type: new(func(int) time.Duration),
			Fn:   func(a ...any) (any, error) { return time.Duration(a[0].(int)) * 24 * time.Hour, nil }},
		{Name: "hours", Sig: "hours(n int) duration", Doc: "n hours.",
			Type: new(func(int) time.Duration),
			Fn:   func(a ...any) (any, error) { return time.Duration(a[0].(int)) * time.Hour, nil }},
		{Name: "bucket", Sig: "bucket(s string, n int) int",
			Doc:  "A stable bucket in [0, n): the 64-bit FNV-1a hash of the UTF-8 bytes of s, modulo n. The same s and n always give the same bucket, in every wxcast version, so an A/B split can be reproduced elsewhere. Fails when n <= 0.",
			Type: new(func(string, int) int),
			Fn:   func(a ...any) (any, error) { return bucket(a[0].(string), a[1].(int)) }},
	}
}

// DaysSince is days_since(t) evaluated at now: calendar days from t's date
// to now's, in now's zone; NeverDays for a zero t.
func DaysSince(now, t time.Time) int { return daysSince(now, t) }

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
