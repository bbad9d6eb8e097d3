package rules

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/wxcast/wxcast/store"
)

// needs says which costly parts of a follower a program reads, so that a
// segment count over millions of followers builds only those. It is read
// off the source text: a name absent from it cannot be used.
type needs struct{ counts, tags, wechatTags, attrs bool }

func needsOf(src string) needs {
	return needs{
		counts:     strings.Contains(src, "counts"),
		tags:       strings.Contains(src, "tags"),
		wechatTags: strings.Contains(src, "wechat_tags"),
		attrs:      strings.Contains(src, "attrs"),
	}
}

func (n needs) or(m needs) needs {
	return needs{n.counts || m.counts, n.tags || m.tags, n.wechatTags || m.wechatTags, n.attrs || m.attrs}
}

var allNeeds = needs{true, true, true, true}

// User builds the rule environment's view of a stored profile as of now,
// with the rolling windows counted in cal and the business attributes
// typed by the ruleset's declarations.
func (rs *Ruleset) User(p *store.Profile, cal store.Calendar, now time.Time) User {
	var u User
	rs.fillUser(&u, p, momentOf(cal, now), allNeeds)
	return u
}

// UserForRules is User with only the parts some rule of the ruleset
// reads (the callback path: maps nobody reads are not built).
func (rs *Ruleset) UserForRules(p *store.Profile, cal store.Calendar, now time.Time) User {
	var u User
	rs.fillUser(&u, p, momentOf(cal, now), rs.needs())
	return u
}

// needs is what any tag or reply rule of the ruleset reads.
func (rs *Ruleset) needs() needs {
	rs.needOnce.Do(func() {
		for _, t := range rs.Tags {
			rs.need = rs.need.or(needsOf(t.When.Source))
			if t.Unless != nil {
				rs.need = rs.need.or(needsOf(t.Unless.Source))
			}
		}
		for _, r := range rs.Replies {
			rs.need = rs.need.or(needsOf(r.When.Source))
		}
		// ApplyTags reads and updates the tags whatever the rules say.
		rs.need.tags = true
	})
	return rs.need
}

// moment is a time of evaluation with its calendar day and hour, worked
// out once for the many profiles of a segment count.
type moment struct {
	cal       store.Calendar
	now       time.Time
	day, hour int64
}

func momentOf(cal store.Calendar, now time.Time) moment {
	return moment{cal: cal, now: now, day: cal.Day(now), hour: cal.Hour(now)}
}

// fillUser overwrites u, building only the parts n asks for.
func (rs *Ruleset) fillUser(u *User, p *store.Profile, m moment, n needs) {
	cal, now := m.cal, m.now
	w := p.WindowsAt(m.day, m.hour)
	tags, wtags := u.Tags[:0], u.WeChatTags[:0] // reused: a segment count fills one User per goroutine
	*u = User{
		OpenID: p.OpenID, Subscribed: p.Subscribed,
		SubscribedAt: p.SubscribedAt, UnsubscribedAt: p.UnsubscribedAt, Scene: p.Scene,
		FirstSeen: p.FirstSeen, LastActive: p.LastActive, DaysSinceActive: NeverDays,
		Messages1d: int(w.Messages1d), Messages7d: int(w.Messages7d), Messages30d: int(w.Messages30d),
		Events1d: int(w.Events1d), Events7d: int(w.Events7d), Events30d: int(w.Events30d),
		ActiveDays7d: int(w.ActiveDays7d), ActiveDays30d: int(w.ActiveDays30d),
		LastClickKey: p.LastClickKey, LastClickAt: p.LastClickAt,
		SubscribeScene: p.SubscribeScene, Language: p.Language, Remark: p.Remark,
	}
	if !p.LastActive.IsZero() {
		u.DaysSinceActive = max(0, int(m.day-cal.Day(p.LastActive)))
	}
	if l := p.Location; l != nil {
		u.Location = Location{Known: true, Latitude: l.Lat, Longitude: l.Lng, Precision: l.Precision, At: l.At}
	}
	if n.counts {
		u.Counts = make(map[string]int)
		for k, v := range p.Counts() {
			u.Counts[k] = int(v)
		}
	}
	if n.tags {
		u.Tags = p.AppendActiveTags(tags, now)
	}
	if n.wechatTags {
		u.WeChatTags = p.AppendWeChatTags(wtags)
	}
	if n.attrs {
		u.Attrs = rs.typedAttrs(p)
	}
}

// typedAttrs converts the stored text of each declared attribute to its
// declared type. A value that does not parse is left out, so a rule that
// reads it fails (and counts as false) instead of seeing a made-up zero.
func (rs *Ruleset) typedAttrs(p *store.Profile) map[string]any {
	var out map[string]any
	p.EachAttr(func(name, raw string) {
		typ, ok := rs.attrType(name)
		if !ok {
			return
		}
		if v, ok := parseAttr(typ, raw); ok {
			if out == nil {
				out = make(map[string]any)
			}
			out[name] = v
		}
	})
	return out
}

// ProfileAttrs returns the declared attributes of a stored profile,
// typed as rules see them; a value that does not parse is left out.
func (rs *Ruleset) ProfileAttrs(p *store.Profile) map[string]any { return rs.typedAttrs(p) }

// parseAttr reads a stored attribute: int, float, string, bool, or time as
// RFC 3339 or unix seconds. AttrInput writes the canonical form of each
// (time as RFC 3339 in UTC); the other forms are read for values stored
// before it existed. TestAttrInputRoundTrip keeps the two in step.
func parseAttr(typ, raw string) (any, bool) {
	switch typ {
	case "string":
		return raw, true
	case "int":
		n, err := strconv.Atoi(raw)
		return n, err == nil
	case "float":
		f, err := strconv.ParseFloat(raw, 64)
		return f, err == nil
	case "bool":
		b, err := strconv.ParseBool(raw)
		return b, err == nil
	case "time":
		if t, err := time.Parse(time.RFC3339, raw); err == nil {
			return t, true
		}
		n, err := strconv.ParseInt(raw, 10, 64)
		return time.Unix(n, 0), err == nil
	}
	return nil, false
}

// attrType is the declared type of attribute name; a nil ruleset (no
// rules file) declares none.
func (rs *Ruleset) attrType(name string) (string, bool) {
	if rs == nil {
		return "", false
	}
	for _, a := range rs.Attributes {
		if a.Name == name {
			return a.Type, true
		}
	}
	return "", false
}

// TypedAttrs checks attributes given as JSON values (rules test --user)
// against the declarations and converts them: JSON numbers to int or
// float, RFC 3339 strings to time. An undeclared name or a value of the
// wrong type is an error naming the attribute.
func (rs *Ruleset) TypedAttrs(in map[string]any) (map[string]any, error) {
	if len(in) == 0 {
		return in, nil
	}
	out := make(map[string]any, len(in))
	for name, v := range in {
		typ, ok := rs.attrType(name)
		if !ok {
			return nil, fmt.Errorf("attrs.%s is not declared in the rules file's attributes", name)
		}
		var raw string
		switch x := v.(type) {
		case string:
			raw = x
		case float64:
			raw = strconv.FormatFloat(x, 'f', -1, 64)
		case bool:
			raw = strconv.FormatBool(x)
		default:
			return nil, fmt.Errorf("attrs.%s: want a %s, got %T", name, typ, v)
		}
		val, ok := parseAttr(typ, raw)
		if !ok || typ == "string" && !isString(v) {
			return nil, fmt.Errorf("attrs.%s: want a %s, got %v", name, typ, v)
		}
		out[name] = val
	}
	return out, nil
}

func isString(v any) bool { _, ok := v.(string); return ok }
