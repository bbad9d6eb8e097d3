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

// Outcome is what Record found.
type Outcome struct {
	// Duplicate is true when this delivery was seen before; nothing changed.
	Duplicate bool
	// Answered is true when the first delivery has stored its answer.
	Answered bool
	// Answer is the stored answer (valid when Answered).
	Answer string
}

// Record applies ev to its follower unless the same delivery was recorded
// before. now is the server clock, used to age the rolling windows. The
// delivery stays pending until Finish stores its answer.
func (f *Followers) Record(ctx context.Context, ev Event, now time.Time) (Outcome, error) {
	return f.record(ctx, ev, now, "p")
}

// RecordFinal is Record for a delivery that will get no answer: retries
// repeat "nothing" at once, and no Finish is needed.
func (f *Followers) RecordFinal(ctx context.Context, ev Event, now time.Time) (Outcome, error) {
	return f.record(ctx, ev, now, "r")
}

func (f *Followers) record(ctx context.Context, ev Event, now time.Time, mark string) (Outcome, error) {
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
	res, err := f.s.record.Run(ctx, f.s.rdb,
		[]string{k.dedup(ev.OpenID, ev.DedupID), k.profile(ev.OpenID), k.history(ev.OpenID)},
		f.lim.DedupTTL.Milliseconds(), ev.At.Unix(), string(rune(ev.Class)), ev.Kind, sub,
		ev.Scene, ev.ClickKey, lat, lng, prec, encodeHistory(ev), f.lim.HistoryMax, cutoff,
		f.lim.HistoryDays*86400, f.cal.Day(now), f.cal.Hour(now), f.cal.Day(ev.At), f.cal.Hour(ev.At), mark,
	).Result()
	if errors.Is(err, redis.Nil) {
		return Outcome{}, nil
	}
	if err != nil {
		return Outcome{}, fmt.Errorf("store: record %s %s: %w", ev.OpenID, ev.DedupID, err)
	}
	return outcomeOf(res)
}

// MarkSeen deduplicates a callback that changes no profile and gets no
// answer (for example a mass-send report). Outcome.Duplicate is false when
// it is new.
func (f *Followers) MarkSeen(ctx context.Context, openid, id string) (Outcome, error) {
	key := f.s.keys.dedup(openid, id)
	ok, err := f.s.rdb.SetNX(ctx, key, "r", f.lim.DedupTTL).Result()
	if err != nil {
		return Outcome{}, fmt.Errorf("store: mark seen %s %s: %w", openid, id, err)
	}
	if ok {
		return Outcome{}, nil
	}
	return f.Answer(ctx, openid, id)
}

// Finish stores the answer to a delivery so that retries repeat it.
func (f *Followers) Finish(ctx context.Context, openid, id, answer string) error {
	key := f.s.keys.dedup(openid, id)
	if err := f.s.finish.Run(ctx, f.s.rdb, []string{key}, answer).Err(); err != nil {
		return fmt.Errorf("store: finish %s %s: %w", openid, id, err)
	}
	return nil
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

func outcomeOf(v any) (Outcome, error) {
	s, ok := v.(string)
	if !ok {
		return Outcome{}, fmt.Errorf("store: unexpected dedup value %T", v)
	}
	if s == "p" {
		return Outcome{Duplicate: true}, nil
	}
	if len(s) > 0 && s[0] == 'r' {
		return Outcome{Duplicate: true, Answered: true, Answer: s[1:]}, nil
	}
	return Outcome{}, fmt.Errorf("store: unexpected dedup value %q", s)
}
