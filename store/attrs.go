package store

import (
	"context"
	"fmt"
	"maps"
	"slices"
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
	n, err := f.s.attrs.Run(ctx, f.s.rdb, []string{f.s.keys.profile(openid)}, attrArgs(openid, attrs, modeWrite)...).Int()
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
	return f.attrsBatch(ctx, ups, modeWrite)
}

// SetAttributesNamed is SetAttributes that names the attributes whose
// stored value changed (nil when none did): a value written again is no
// change. The comparison and the write are one script, so of two writers
// of the same new value only one sees it change.
func (f *Followers) SetAttributesNamed(ctx context.Context, openid string, attrs map[string]string) ([]string, error) {
	names, err := f.s.attrs.Run(ctx, f.s.rdb, []string{f.s.keys.profile(openid)}, attrArgs(openid, attrs, modeNamed)...).StringSlice()
	if err != nil {
		return nil, fmt.Errorf("store: set attributes of %s: %w", openid, err)
	}
	return nilIfEmpty(names), nil
}

// SetAttributesBatchNamed is SetAttributesBatch that names, per update,
// the attributes whose stored value changed (nil when none did).
func (f *Followers) SetAttributesBatchNamed(ctx context.Context, ups []AttrUpdate) ([][]string, error) {
	cmds, err := f.s.evalEach(ctx, f.s.attrs, len(ups), func(i int) ([]string, []any) {
		return []string{f.s.keys.profile(ups[i].OpenID)}, attrArgs(ups[i].OpenID, ups[i].Attrs, modeNamed)
	})
	if err != nil {
		return nil, fmt.Errorf("store: set attributes of %d followers: %w", len(ups), err)
	}
	out := make([][]string, len(ups))
	for i, c := range cmds {
		names, err := c.StringSlice()
		if err != nil {
			return nil, fmt.Errorf("store: set attributes of %s: %w", ups[i].OpenID, err)
		}
		out[i] = nilIfEmpty(names)
	}
	return out, nil
}

func nilIfEmpty(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}

// CountAttrChanges reports how many of ups would change a profile if
// applied now, without writing anything (a dry run): the same script runs
// without its write. Each update is compared with the stored profile on
// its own: two updates of the same follower are both compared with what
// is stored.
func (f *Followers) CountAttrChanges(ctx context.Context, ups []AttrUpdate) (int, error) {
	return f.attrsBatch(ctx, ups, modeDry)
}

func (f *Followers) attrsBatch(ctx context.Context, ups []AttrUpdate, mode string) (int, error) {
	cmds, err := f.s.evalEach(ctx, f.s.attrs, len(ups), func(i int) ([]string, []any) {
		return []string{f.s.keys.profile(ups[i].OpenID)}, attrArgs(ups[i].OpenID, ups[i].Attrs, mode)
	})
	if err != nil {
		return 0, fmt.Errorf("store: set attributes of %d followers: %w", len(ups), err)
	}
	changed := 0
	for _, c := range cmds {
		n, _ := c.Int()
		changed += n
	}
	return changed, nil
}

// attrsScript's modes.
const (
	modeWrite = "0"
	modeDry   = "1"
	modeNamed = "2"
)

// attrArgs are attrsScript's ARGV, in name order so that new attributes
// are stored in the same order whatever the map's.
func attrArgs(openid string, attrs map[string]string, mode string) []any {
	args := make([]any, 0, 2+len(attrs))
	args = append(args, openid, mode)
	for _, name := range slices.Sorted(maps.Keys(attrs)) {
		args = append(args, safeName(name)+itemSep+scrub(attrs[name], maxAttrValue))
	}
	return args
}
