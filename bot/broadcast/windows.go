package broadcast

import "time"

// minuteOf is t's minute of the day in the calendar's zone.
func (s *Service) minuteOf(t time.Time) int {
	t = t.In(s.loc())
	return t.Hour()*60 + t.Minute()
}

func (s *Service) loc() *time.Location { return s.o.Calendar.Location() }

// quiet reports whether a send starting at t would start in the quiet
// hours.
func (s *Service) quiet(t time.Time) bool { return s.o.QuietHours.Contains(s.minuteOf(t)) }

// quietEnd is the first moment from t on outside the quiet hours: t
// itself when t is not in them.
func (s *Service) quietEnd(t time.Time) time.Time {
	if !s.quiet(t) {
		return t
	}
	m := t.Truncate(time.Minute)
	for range 1441 {
		m = m.Add(time.Minute)
		if !s.quiet(m) {
			return m
		}
	}
	return m // quiet all day cannot be configured
}

// nextBest is when "send best" sends: now if now lies in a best window
// (outside the quiet hours), else the start of the next one. ok is false
// without best windows.
func (s *Service) nextBest(now time.Time) (time.Time, bool) {
	var best time.Time
	local := now.In(s.loc())
	for day := -1; day < 3; day++ { // -1: a window spanning last midnight
		midnight := time.Date(local.Year(), local.Month(), local.Day()+day, 0, 0, 0, 0, s.loc())
		for _, w := range s.o.BestWindows {
			start := midnight.Add(time.Duration(w.From) * time.Minute)
			end := start.Add(time.Duration(w.Len()) * time.Minute)
			start = s.quietEnd(start)
			if !start.Before(end) {
				continue // wholly quiet
			}
			switch {
			case !now.Before(end):
				continue
			case !now.Before(start):
				if !s.quiet(now) {
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

// Policy returns the send-safety settings at now.
func (s *Service) Policy(now time.Time) Policy {
	p := Policy{
		QuietHours: s.o.QuietHours.String(), QuietNow: s.quiet(now), NextAllowed: s.quietEnd(now),
		MonthlyCap: s.o.MonthlyCap, DailyCap: s.o.DailyCap,
		AlertFailureRate: s.o.AlertFailureRate, AlertUnsubscribeRate: s.o.AlertUnsubscribeRate,
	}
	if t, ok := s.nextBest(now); ok {
		p.NextBest = t
	}
	return p
}
