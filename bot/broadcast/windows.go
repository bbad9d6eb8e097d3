package broadcast

import (
	"time"

	"github.com/wxcast/wxcast/configs"
)

// Windows are when sends may start: never in the quiet hours unless an
// owner overrides, and at the best windows when an admin asks for the
// best time. The zero value allows any time and has no best window.
type Windows struct {
	// Loc is the account's zone, in which the hours are read (UTC when
	// nil).
	Loc   *time.Location
	Quiet configs.ClockRange
	Best  configs.ClockRanges
}

func (w Windows) loc() *time.Location {
	if w.Loc == nil {
		return time.UTC
	}
	return w.Loc
}

// minuteOf is t's minute of the day in the zone.
func (w Windows) minuteOf(t time.Time) int {
	t = t.In(w.loc())
	return t.Hour()*60 + t.Minute()
}

// IsQuiet reports whether a send starting at t would start in the quiet
// hours.
func (w Windows) IsQuiet(t time.Time) bool { return w.Quiet.Contains(w.minuteOf(t)) }

// QuietEnd is the first moment from t on outside the quiet hours: t
// itself when t is not in them.
func (w Windows) QuietEnd(t time.Time) time.Time {
	if !w.IsQuiet(t) {
		return t
	}
	m := t.Truncate(time.Minute)
	for range 1441 {
		m = m.Add(time.Minute)
		if !w.IsQuiet(m) {
			return m
		}
	}
	return m // quiet all day cannot be configured
}

// NextBest is when "send best" sends: now if now lies in a best window
// (outside the quiet hours), else the start of the next one. ok is false
// without best windows.
func (w Windows) NextBest(now time.Time) (time.Time, bool) {
	var best time.Time
	loc := w.loc()
	local := now.In(loc)
	for day := -1; day < 3; day++ { // -1: a window spanning last midnight
		midnight := time.Date(local.Year(), local.Month(), local.Day()+day, 0, 0, 0, 0, loc)
		for _, r := range w.Best {
			start := midnight.Add(time.Duration(r.From) * time.Minute)
			end := start.Add(time.Duration(r.Len()) * time.Minute)
			start = w.QuietEnd(start)
			if !start.Before(end) {
				continue // wholly quiet
			}
			switch {
			case !now.Before(end):
				continue
			case !now.Before(start):
				if !w.IsQuiet(now) {
					return now, true
				}
			case best.IsZero() || start.Before(best):
				best = start
			}
		}
		if !best.IsZero() {
			return best, true
		}
	}
	return best, !best.IsZero()
}

// Policy is the send-safety settings as they stand at one moment, for
// replies: when a send may start, the caps, the guardrails.
type Policy struct {
	QuietHours string // "" for none
	// QuietNow: a send now would start in the quiet hours; NextAllowed is
	// when one may.
	QuietNow    bool
	NextAllowed time.Time
	// NextBest is when "send best" would send (zero without best windows).
	NextBest             time.Time
	MonthlyCap, DailyCap int
	AlertFailureRate     float64
	AlertUnsubscribeRate float64
}
