package segment

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wxcast/wxcast/rules"
	"github.com/wxcast/wxcast/store"
)

// Profiles is where segments are evaluated: every follower profile, read
// in batches from several goroutines (store.Followers is one).
type Profiles interface {
	Scan(ctx context.Context, o store.ScanOptions, fn func(batch []*store.Profile) error) error
}

// Selection evaluates one segment over every follower.
type Selection struct {
	rs  *rules.Ruleset
	seg *rules.Segment
	cal store.Calendar
	now time.Time
}

// Select prepares the evaluation of seg, a segment of rs, as of now, with
// the rolling windows counted in cal.
func Select(rs *rules.Ruleset, seg *rules.Segment, cal store.Calendar, now time.Time) *Selection {
	return &Selection{rs: rs, seg: seg, cal: cal, now: now}
}

// Tally is the outcome of a count.
type Tally struct {
	// Matched followers are subscribed and the rule holds for them.
	Matched int
	// Scanned is every follower profile read; Subscribed those subscribed.
	Scanned, Subscribed int
	// Errors counts followers for whom the rule failed at run time (they
	// are not matched); FirstError is one of those errors.
	Errors     int
	FirstError error
}

// each runs fn on every subscribed follower the rule holds for, from
// several goroutines, with the follower's profile.
func (s *Selection) each(ctx context.Context, p Profiles, t *Tally, fn func(*store.Profile)) error {
	need := rules.NeedsOf(s.seg.Rule.Source)
	at := momentOf(s.cal, s.now)
	var scanned, subscribed, matched, errs atomic.Int64
	var once sync.Once
	err := p.Scan(ctx, store.ScanOptions{}, func(batch []*store.Profile) error {
		ev := rules.NewEvaluator()
		env := rules.Env{Now: s.now}
		var sub, hit, bad int64
		for _, pr := range batch {
			if !pr.Subscribed {
				continue
			}
			sub++
			fillUser(&env.User, s.rs, pr, at, need)
			ok, err := ev.Eval(s.seg.Rule, &env)
			if err != nil {
				bad++
				once.Do(func() { t.FirstError = err })
				continue
			}
			if ok {
				hit++
				fn(pr)
			}
		}
		scanned.Add(int64(len(batch)))
		subscribed.Add(sub)
		matched.Add(hit)
		errs.Add(bad)
		return nil
	})
	t.Scanned, t.Subscribed = int(scanned.Load()), int(subscribed.Load())
	t.Matched, t.Errors = int(matched.Load()), int(errs.Load())
	return err
}

// Count counts the segment's followers.
func (s *Selection) Count(ctx context.Context, p Profiles) (Tally, error) {
	var t Tally
	err := s.each(ctx, p, &t, func(*store.Profile) {})
	return t, err
}

// Audience streams the segment's followers to fn in batches of up to
// batchSize openids, one call at a time (fn need not be safe for
// concurrent use), without holding the whole audience in memory. An error
// from fn stops the scan and is returned.
func (s *Selection) Audience(ctx context.Context, p Profiles, batchSize int, fn func(openids []string) error) (Tally, error) {
	var (
		t    Tally
		mu   sync.Mutex
		buf  = make([]string, 0, batchSize)
		ferr error
	)
	flush := func() {
		if len(buf) > 0 && ferr == nil {
			ferr = fn(buf)
			buf = buf[:0]
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	err := s.each(ctx, p, &t, func(pr *store.Profile) {
		mu.Lock()
		defer mu.Unlock()
		buf = append(buf, pr.OpenID)
		if len(buf) >= batchSize {
			flush()
			if ferr != nil {
				cancel()
			}
		}
	})
	mu.Lock()
	defer mu.Unlock()
	flush()
	if ferr != nil {
		return t, ferr
	}
	return t, err
}
