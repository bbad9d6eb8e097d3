// Package caps owns the frequency caps: how many broadcasts each follower
// may receive per calendar month and day in the account's zone, counted in
// Redis (store.Caps) as wxcast sends them.
//
// WeChat filters a service account's followers past four mass messages a
// calendar month without telling who; wxcast counts what it sends each
// follower, leaves capped followers out of a plan (and again when sending
// begins, as other broadcasts may have reached them since), and takes each
// follower's slot atomically just before their batch's first call to
// WeChat, once per batch, giving it back if WeChat refuses the batch for
// good. A follower is thus counted once per broadcast (per step of a
// series), and never past the cap, even with several broadcasts sending
// at once. The month's counters also keep each follower's newest receipt,
// which the unsubscribe guardrail reads.
//
// It builds on store only; it knows nothing of broadcasts beyond their ids.
package caps

import (
	"context"
	"time"

	"github.com/wxcast/wxcast/store"
)

// How long counters are kept: a little past their period.
const (
	monthTTL = 62 * 24 * time.Hour
	dayTTL   = 3 * 24 * time.Hour
)

// Caps applies the caps. A nil *Caps counts nothing and caps nobody. It is
// safe for concurrent use.
type Caps struct {
	st             *store.Caps
	monthly, daily int
	loc            *time.Location
}

// New returns the caps counted in st: at most monthly broadcasts a
// follower per calendar month and daily per day in loc (0: no limit; the
// month is counted all the same, for the receipts). A nil st gives nil:
// no caps.
func New(st *store.Caps, monthly, daily int, loc *time.Location) *Caps {
	if st == nil {
		return nil
	}
	if loc == nil {
		loc = time.UTC
	}
	return &Caps{st: st, monthly: monthly, daily: daily, loc: loc}
}

// Monthly and Daily are the limits (0: none).
func (c *Caps) Monthly() int {
	if c == nil {
		return 0
	}
	return c.monthly
}

// Daily is the daily limit (0: none).
func (c *Caps) Daily() int {
	if c == nil {
		return 0
	}
	return c.daily
}

// limits are the caps in force at t.
func (c *Caps) limits(t time.Time) []store.Limit {
	t = t.In(c.loc)
	out := []store.Limit{{Period: store.Period{Key: monthKey(t), TTL: monthTTL}, Max: c.monthly}}
	if c.daily > 0 {
		out = append(out, store.Limit{Period: store.Period{Key: "d" + t.Format("2006-01-02"), TTL: dayTTL}, Max: c.daily})
	}
	return out
}

func monthKey(t time.Time) string { return "m" + t.Format("2006-01") }

// Uncapped returns openids without the followers who reached a cap at t,
// and how many it left out. Without caps it returns openids as they are.
func (c *Caps) Uncapped(ctx context.Context, openids []string, t time.Time) ([]string, int, error) {
	if c == nil || len(openids) == 0 {
		return openids, 0, nil
	}
	over := make([]bool, len(openids))
	for _, l := range c.limits(t) {
		if l.Max == 0 {
			continue
		}
		counts, err := c.st.Counts(ctx, l.Period.Key, openids)
		if err != nil {
			return nil, 0, err
		}
		for i, n := range counts {
			if n >= l.Max {
				over[i] = true
			}
		}
	}
	kept := make([]string, 0, len(openids))
	for i, o := range openids {
		if !over[i] {
			kept = append(kept, o)
		}
	}
	return kept, len(openids) - len(kept), nil
}

// Reserve takes a slot at t for each follower of batch batch of broadcast
// id under every cap, atomically and once per batch (store.Caps.Reserve),
// and returns those it took: two broadcasts sending at once cannot both
// take a follower's last slot, and a retried or resumed batch gets the
// same followers back. Without caps it returns openids as they are.
func (c *Caps) Reserve(ctx context.Context, id int64, batch int, openids []string, t time.Time) ([]string, error) {
	if c == nil {
		return openids, nil
	}
	kept, _, err := c.st.Reserve(ctx, id, batch, openids, c.limits(t), t)
	return kept, err
}

// Release gives back the slots of batch batch of broadcast id, in the
// periods its reservation took them in, once. It does nothing for a
// batch never reserved.
func (c *Caps) Release(ctx context.Context, id int64, batch int) error {
	if c == nil {
		return nil
	}
	return c.st.Release(ctx, id, batch)
}
