package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
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

// Mark says what a new delivery's dedup mark promises its retries.
type Mark string

const (
	// MarkPending: the answer may come later, through Finish; a duplicate
	// delivery waits for it, but only while the first delivery can still be
	// running (see Outcome.PendingSince): a first delivery with nothing to
	// store skips Finish.
	MarkPending Mark = "p"
	// MarkNoAnswer: the answer is nothing, but Finish may still apply tag
	// changes; a retry answers nothing at once.
	MarkNoAnswer Mark = "q"
	// MarkFinal: the answer is nothing and nothing follows.
	MarkFinal Mark = "r"
)

// Outcome is what Record found.
type Outcome struct {
	// Duplicate is true when this delivery was seen before; nothing changed.
	Duplicate bool
	// Answered is true when the first delivery has stored its answer.
	Answered bool
	// Answer is the stored answer (valid when Answered).
	Answer string
	// PendingSince is when the first delivery was recorded, for a pending
	// one (zero if unknown).
	PendingSince time.Time
	// Profile is the follower's profile after a new delivery was applied
	// (nil for duplicates).
	Profile *Profile
}

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
	res, err := f.s.record.Run(ctx, f.s.rdb,
		[]string{k.dedup(ev.OpenID, ev.DedupID), k.profile(ev.OpenID), k.history(ev.OpenID)},
		ev.OpenID, f.lim.DedupTTL.Milliseconds(), m, ev.At.Unix(), string(rune(ev.Class)),
		safeKind(ev.Kind), sub, scrub(ev.Scene, 128), scrub(ev.ClickKey, 256), lat, lng, prec,
		encodeHistory(ev), f.lim.HistoryMax, cutoff, f.lim.HistoryDays*86400,
		f.cal.Day(now), f.cal.Hour(now), f.cal.Day(ev.At), f.cal.Hour(ev.At),
	).Slice()
	if err != nil {
		return Outcome{}, fmt.Errorf("store: record %s %s: %w", ev.OpenID, ev.DedupID, err)
	}
	if len(res) != 2 {
		return Outcome{}, fmt.Errorf("store: record %s %s: unexpected reply %v", ev.OpenID, ev.DedupID, res)
	}
	val, _ := res[1].(string)
	if seen, _ := res[0].(int64); seen == 1 {
		return outcomeOf(val)
	}
	return Outcome{Profile: decodeProfile(ev.OpenID, val)}, nil
}

// MarkSeen deduplicates a callback that changes no profile and gets no
// answer (for example a mass-send report). Outcome.Duplicate is false when
// it is new.
func (f *Followers) MarkSeen(ctx context.Context, openid, id string) (Outcome, error) {
	key := f.s.keys.dedup(openid, id)
	ok, err := f.s.rdb.SetNX(ctx, key, string(MarkFinal), f.lim.DedupTTL).Result()
	if err != nil {
		return Outcome{}, fmt.Errorf("store: mark seen %s %s: %w", openid, id, err)
	}
	if ok {
		return Outcome{}, nil
	}
	return f.Answer(ctx, openid, id)
}

// Answer reads what a delivery stored: Duplicate is always true; Answered
// says whether the first delivery has finished.
func (f *Followers) Answer(ctx context.Context, openid, id string) (Outcome, error) {
	v, err := f.s.rdb.Get(ctx, f.s.keys.dedup(openid, id)).Result()
	if errors.Is(err, redis.Nil) {
		// Expired between the two calls: treat as answered with nothing.
		return Outcome{Duplicate: true, Answered: true}, nil
	}
	if err != nil {
		return Outcome{}, fmt.Errorf("store: answer %s %s: %w", openid, id, err)
	}
	return outcomeOf(v)
}

func outcomeOf(s string) (Outcome, error) {
	switch {
	case len(s) > 0 && s[0] == 'p':
		o := Outcome{Duplicate: true}
		if ms := atoi(s[1:]); ms > 0 {
			o.PendingSince = time.UnixMilli(ms)
		}
		return o, nil
	case s == string(MarkNoAnswer):
		return Outcome{Duplicate: true, Answered: true}, nil
	case len(s) > 0 && s[0] == 'r':
		return Outcome{Duplicate: true, Answered: true, Answer: s[1:]}, nil
	}
	return Outcome{}, fmt.Errorf("store: unexpected dedup value %q", s)
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

// Begin marks a new delivery that updates no profile but will store an
// answer through Finish (an admin's command), so a retry repeats that
// answer instead of running the command again. Outcome.Duplicate is true
// when the delivery was seen before.
func (f *Followers) Begin(ctx context.Context, openid, id string, now time.Time) (Outcome, error) {
	mark := string(MarkPending) + strconv.FormatInt(now.UnixMilli(), 10)
	prev, err := f.s.rdb.SetArgs(ctx, f.s.keys.dedup(openid, id), mark,
		redis.SetArgs{Mode: "NX", Get: true, TTL: f.lim.DedupTTL}).Result()
	if errors.Is(err, redis.Nil) {
		return Outcome{}, nil
	}
	if err != nil {
		return Outcome{}, fmt.Errorf("store: begin %s %s: %w", openid, id, err)
	}
	return outcomeOf(prev)
}
