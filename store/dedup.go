package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// Deduplication. WeChat retries a callback it got no answer to within 5 s,
// three times. Each delivery leaves a mark under the follower's openid and
// the delivery's dedup id (package bot names it: a message's MsgId, an
// event's CreateTime, type and key) for callback.dedup_ttl: Record
// sets it in the same script that updates the profile, so a retry changes
// nothing, and finds in the mark the first delivery's answer, or a promise
// of one.

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
	// Unknown is true when the event asked for an existing profile
	// (Event.External) and the follower has none: nothing was recorded.
	Unknown bool
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
