package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/redis/go-redis/v9"
)

// AttrUpdate is a change to one follower's business attributes: each
// value replaces the stored one; an empty value deletes the attribute.
type AttrUpdate struct {
	OpenID string
	Attrs  map[string]string
}

// maxAttrValue is the longest value stored; longer ones are cut.
const maxAttrValue = 1024

// SetAttributes merges business attributes into a follower's profile,
// creating it if needed; an empty value deletes the attribute. Values are
// stored as text; their types are the rules file's business. It reports
// whether the attributes changed: writing the values already stored
// changes nothing and writes nothing.
func (f *Followers) SetAttributes(ctx context.Context, openid string, attrs map[string]string) (bool, error) {
	n, err := f.s.attrs.Run(ctx, f.s.rdb, []string{f.s.keys.profile(openid)}, attrArgs(openid, attrs)...).Int()
	if err != nil {
		return false, fmt.Errorf("store: set attributes of %s: %w", openid, err)
	}
	return n == 1, nil
}

// SetAttributesBatch applies many updates in one pipeline and returns how
// many changed a profile. Each update is its own script call on its
// follower's shard, so it works on a Redis Cluster; updates of the same
// follower apply in slice order. On error some updates may have been
// applied; applying the batch again is harmless.
func (f *Followers) SetAttributesBatch(ctx context.Context, ups []AttrUpdate) (int, error) {
	cmds := make([]*redis.Cmd, len(ups))
	todo := make([]int, len(ups))
	for i := range todo {
		todo[i] = i
	}
	// Two rounds: the second runs the calls a server without the script
	// cached (restarted, or a new cluster node) refused, after loading it.
	for round := 0; len(todo) > 0; round++ {
		pipe := f.s.rdb.Pipeline()
		for _, i := range todo {
			u := ups[i]
			cmds[i] = f.s.attrs.EvalSha(ctx, pipe, []string{f.s.keys.profile(u.OpenID)}, attrArgs(u.OpenID, u.Attrs)...)
		}
		_, _ = pipe.Exec(ctx) // errors are read per command below
		var again []int
		for _, i := range todo {
			if err := cmds[i].Err(); redis.HasErrorPrefix(err, "NOSCRIPT") && round == 0 {
				again = append(again, i)
			}
		}
		if len(again) > 0 {
			if err := f.s.attrs.Load(ctx, f.s.rdb).Err(); err != nil {
				return 0, fmt.Errorf("store: load attributes script: %w", err)
			}
		}
		todo = again
	}
	changed := 0
	for i, c := range cmds {
		n, err := c.Int()
		if err != nil {
			return 0, fmt.Errorf("store: set attributes of %s: %w", ups[i].OpenID, err)
		}
		changed += n
	}
	return changed, nil
}

// CountAttrChanges reports how many of ups would change a profile if
// applied now, without writing anything (a dry run). Each update is
// compared with the stored profile on its own: two updates of the same
// follower are both compared with what is stored.
func (f *Followers) CountAttrChanges(ctx context.Context, ups []AttrUpdate) (int, error) {
	pipe := f.s.rdb.Pipeline()
	cmds := make([]*redis.StringCmd, len(ups))
	for i, u := range ups {
		cmds[i] = pipe.HGet(ctx, f.s.keys.profile(u.OpenID), u.OpenID)
	}
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
		return 0, fmt.Errorf("store: read profiles: %w", err)
	}
	changed := 0
	for i, u := range ups {
		blob, err := cmds[i].Result()
		if err != nil && !errors.Is(err, redis.Nil) {
			return 0, fmt.Errorf("store: profile %s: %w", u.OpenID, err)
		}
		before := splitFields(blob)[fAttrs]
		if mergeAttrs(before, u.Attrs) != before {
			changed++
		}
	}
	return changed, nil
}

// attrArgs are attrsScript's ARGV, in name order so that new attributes
// are stored in the same order whatever the map's.
func attrArgs(openid string, attrs map[string]string) []any {
	args := make([]any, 0, 1+len(attrs))
	args = append(args, openid)
	for _, name := range slices.Sorted(mapKeys(attrs)) {
		args = append(args, safeName(name)+itemSep+scrub(attrs[name], maxAttrValue))
	}
	return args
}

func mapKeys(m map[string]string) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// mergeAttrs is attrsScript's merge: the stored list with attrs applied,
// stored attributes first in their order, then new ones in name order.
func mergeAttrs(field string, attrs map[string]string) string {
	vals := make(map[string]string)
	gone := make(map[string]bool) // deleted: the script's false
	var order []string
	eachItem(field, func(name, v string) {
		if _, ok := vals[name]; !ok {
			order = append(order, name)
		}
		vals[name] = v
	})
	for _, name := range slices.Sorted(mapKeys(attrs)) {
		n, v := safeName(name), scrub(attrs[name], maxAttrValue)
		if _, ok := vals[n]; !ok && !gone[n] {
			order = append(order, n)
		}
		vals[n], gone[n] = v, v == ""
	}
	var b strings.Builder
	for _, name := range order {
		if v := vals[name]; !gone[name] {
			if b.Len() > 0 {
				b.WriteString(itemSep)
			}
			b.WriteString(name + "=" + v)
		}
	}
	return b.String()
}
