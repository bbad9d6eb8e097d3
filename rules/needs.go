package rules

import "strings"

// Needs says which costly parts of a User some rules read, so that whoever
// builds Users for millions of followers (a segment count) or on every
// callback builds only those. It is read off the source text: a name absent
// from it cannot be used.
type Needs struct {
	Counts     bool // user.counts
	Tags       bool // user.tags
	WeChatTags bool // user.wechat_tags
	Attrs      bool // user.attrs
}

// NeedsOf is what the expression src may read.
func NeedsOf(src string) Needs {
	return Needs{
		Counts:     strings.Contains(src, "counts"),
		Tags:       strings.Contains(src, "tags"),
		WeChatTags: strings.Contains(src, "wechat_tags"),
		Attrs:      strings.Contains(src, "attrs"),
	}
}

// Or is what reading both n and m needs.
func (n Needs) Or(m Needs) Needs {
	return Needs{n.Counts || m.Counts, n.Tags || m.Tags, n.WeChatTags || m.WeChatTags, n.Attrs || m.Attrs}
}

// Needs is what any tag or reply rule of the ruleset reads, plus the tags,
// which ApplyTags reads and updates whatever the rules say. It is worked
// out on first use and kept: the callback path asks on every callback.
func (rs *Ruleset) Needs() Needs {
	rs.needOnce.Do(func() {
		for _, t := range rs.Tags {
			rs.need = rs.need.Or(NeedsOf(t.When.Source))
			if t.Unless != nil {
				rs.need = rs.need.Or(NeedsOf(t.Unless.Source))
			}
		}
		for _, r := range rs.Replies {
			rs.need = rs.need.Or(NeedsOf(r.When.Source))
		}
		rs.need.Tags = true
	})
	return rs.need
}
