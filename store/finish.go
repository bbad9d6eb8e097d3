package store

import (
	"context"
	"fmt"
	"strconv"
	"time"
)

// TagChange is one change a rule makes to a follower's tags.
type TagChange struct {
	// Remove is true to remove the tag; otherwise it is added, or, when
	// present, its expiry is replaced.
	Remove bool
	Tag    string
	// Rule names the rule, for the history.
	Rule string
	// Expires is when an added tag lapses; zero means never.
	Expires time.Time
}

// Finish completes a new delivery: it stores the answer for retries to
// repeat and applies the tag changes, both only if the delivery is not
// finished yet, so a retried callback never applies its rules twice. It
// reports whether it applied them.
func (f *Followers) Finish(ctx context.Context, openid, id, answer string, changes []TagChange, now time.Time) (bool, error) {
	k := f.s.keys
	args := make([]any, 0, 5+len(changes))
	args = append(args, openid, answer, now.Unix(), f.lim.HistoryMax, f.lim.HistoryDays*86400)
	for _, c := range changes {
		op, exp := "+", int64(0)
		if c.Remove {
			op = "-"
		} else if !c.Expires.IsZero() {
			exp = c.Expires.Unix()
		}
		args = append(args, op+itemSep+safeName(c.Tag)+itemSep+strconv.FormatInt(exp, 10)+itemSep+scrub(c.Rule, 64))
	}
	n, err := f.s.finish.Run(ctx, f.s.rdb, []string{k.dedup(openid, id), k.profile(openid), k.history(openid)}, args...).Int()
	if err != nil {
		return false, fmt.Errorf("store: finish %s %s: %w", openid, id, err)
	}
	return n == 1, nil
}

// safeName keeps a tag or attribute name from breaking the list format.
func safeName(s string) string {
	b := []byte(scrub(s, 64))
	for i, c := range b {
		if c == '=' {
			b[i] = '_'
		}
	}
	return string(b)
}
