package store

import (
	"context"
	"fmt"
	"strconv"
	"time"
)

// Followers records callbacks into follower profiles.
type Followers struct {
	s   *Store
	cal Calendar
	lim Limits
}

// Followers returns the follower store for the given calendar and limits.
func (s *Store) Followers(cal Calendar, lim Limits) *Followers {
	if lim.DedupTTL <= 0 {
		lim.DedupTTL = 10 * time.Minute
	}
	if lim.HistoryMax <= 0 {
		lim.HistoryMax = 50
	}
	if lim.HistoryDays <= 0 {
		lim.HistoryDays = 8
	}
	return &Followers{s: s, cal: cal, lim: lim}
}

// Calendar is the calendar the rolling windows are counted in.
func (f *Followers) Calendar() Calendar { return f.cal }

// Record applies ev to its follower unless the same delivery was recorded
// before, and returns the updated profile. now is the server clock, used
// to age the rolling windows; mark says how the delivery will be finished.
func (f *Followers) Record(ctx context.Context, ev Event, now time.Time, mark Mark) (Outcome, error) {
	k := f.s.keys
	var lat, lng, prec string
	if l := ev.Location; l != nil {
		lat = strconv.FormatFloat(l.Lat, 'f', -1, 64)
		lng = strconv.FormatFloat(l.Lng, 'f', -1, 64)
		prec = strconv.FormatFloat(l.Precision, 'f', -1, 64)
	}
	sub := ""
	if ev.Sub != SubNone {
		sub = string(rune(ev.Sub))
	}
	cutoff := now.Add(-time.Duration(f.lim.HistoryDays) * 24 * time.Hour).Unix()
	m := string(mark)
	if mark == MarkPending {
		m += strconv.FormatInt(now.UnixMilli(), 10)
	}
	known, dos, dmodel := "", "", ""
	if ev.External {
		known = "1"
	}
	if d := ev.Device; d != nil && d.OS != "" {
		dos, dmodel = safeKind(d.OS), scrub(d.Model, deviceModelMax)
	}
	res, err := f.s.record.Run(ctx, f.s.rdb,
		[]string{k.dedup(ev.OpenID, ev.DedupID), k.profile(ev.OpenID), k.history(ev.OpenID)},
		ev.OpenID, f.lim.DedupTTL.Milliseconds(), m, ev.At.Unix(), string(rune(ev.Class)),
		safeKind(ev.Kind), sub, scrub(ev.Scene, 128), scrub(ev.ClickKey, 256), lat, lng, prec,
		encodeHistory(ev), f.lim.HistoryMax, cutoff, f.lim.HistoryDays*86400,
		f.cal.Day(now), f.cal.Hour(now), f.cal.Day(ev.At), f.cal.Hour(ev.At),
		known, dos, dmodel,
	).Slice()
	if err != nil {
		return Outcome{}, fmt.Errorf("store: record %s %s: %w", ev.OpenID, ev.DedupID, err)
	}
	if len(res) != 2 {
		return Outcome{}, fmt.Errorf("store: record %s %s: unexpected reply %v", ev.OpenID, ev.DedupID, res)
	}
	val, _ := res[1].(string)
	switch seen, _ := res[0].(int64); seen {
	case 1:
		return outcomeOf(val)
	case 2:
		return Outcome{Unknown: true}, nil
	}
	return Outcome{Profile: decodeProfile(ev.OpenID, val)}, nil
}

// safeKind keeps a kind usable as a count name: WeChat's own types are
// plain words, anything else is reduced to [a-z0-9_].
func safeKind(k string) string {
	b := []byte(k)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			b[i] = '_'
		}
	}
	return cut(string(b), 64)
}
