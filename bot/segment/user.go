package segment

import (
	"time"

	"github.com/wxcast/wxcast/rules"
	"github.com/wxcast/wxcast/store"
)

// User builds the rule environment's view of a stored profile as of now,
// with the rolling windows counted in cal and the business attributes
// typed by the ruleset's declarations.
func User(rs *rules.Ruleset, p *store.Profile, cal store.Calendar, now time.Time) rules.User {
	var u rules.User
	fillUser(&u, rs, p, momentOf(cal, now), rules.Needs{Counts: true, Tags: true, WeChatTags: true, Attrs: true})
	return u
}

// UserForRules is User with only the parts some tag or reply rule of the
// ruleset reads (the callback path: maps nobody reads are not built).
func UserForRules(rs *rules.Ruleset, p *store.Profile, cal store.Calendar, now time.Time) rules.User {
	var u rules.User
	fillUser(&u, rs, p, momentOf(cal, now), rs.Needs())
	return u
}

// Attrs returns the declared attributes of a stored profile, typed as
// rules see them; a value that does not parse is left out. A nil rs (no
// rules file) declares none, so the result is empty.
func Attrs(rs *rules.Ruleset, p *store.Profile) map[string]any { return typedAttrs(rs, p) }

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
func fillUser(u *rules.User, rs *rules.Ruleset, p *store.Profile, m moment, n rules.Needs) {
	cal, now := m.cal, m.now
	w := p.WindowsAt(m.day, m.hour)
	tags, wtags := u.Tags[:0], u.WeChatTags[:0] // reused: a segment count fills one User per goroutine
	*u = rules.User{
		OpenID: p.OpenID, Subscribed: p.Subscribed,
		SubscribedAt: p.SubscribedAt, UnsubscribedAt: p.UnsubscribedAt, Scene: p.Scene,
		FirstSeen: p.FirstSeen, LastActive: p.LastActive, DaysSinceActive: rules.NeverDays,
		Messages1d: int(w.Messages1d), Messages7d: int(w.Messages7d), Messages30d: int(w.Messages30d),
		Events1d: int(w.Events1d), Events7d: int(w.Events7d), Events30d: int(w.Events30d),
		ActiveDays7d: int(w.ActiveDays7d), ActiveDays30d: int(w.ActiveDays30d),
		LastClickKey: p.LastClickKey, LastClickAt: p.LastClickAt,
		SubscribeScene: p.SubscribeScene, Language: p.Language, Remark: p.Remark,
		DeviceOS: p.DeviceOS, DeviceModel: p.DeviceModel,
	}
	if !p.LastActive.IsZero() {
		u.DaysSinceActive = max(0, int(m.day-cal.Day(p.LastActive)))
	}
	if l := p.Location; l != nil {
		u.Location = rules.Location{Known: true, Latitude: l.Lat, Longitude: l.Lng, Precision: l.Precision, At: l.At}
	}
	if n.Counts {
		u.Counts = make(map[string]int)
		for k, v := range p.Counts() {
			u.Counts[k] = int(v)
		}
	}
	if n.Tags {
		u.Tags = p.AppendActiveTags(tags, now)
	}
	if n.WeChatTags {
		u.WeChatTags = p.AppendWeChatTags(wtags)
	}
	if n.Attrs {
		u.Attrs = typedAttrs(rs, p)
	}
}

// typedAttrs converts the stored text of each declared attribute to its
// declared type. A value that does not parse is left out, so a rule that
// reads it fails (and counts as false) instead of seeing a made-up zero.
func typedAttrs(rs *rules.Ruleset, p *store.Profile) map[string]any {
	var out map[string]any
	p.EachAttr(func(name, raw string) {
		typ, ok := rs.AttrType(name)
		if !ok {
			return
		}
		if v, ok := rules.ParseAttr(typ, raw); ok {
			if out == nil {
				out = make(map[string]any)
			}
			out[name] = v
		}
	})
	return out
}
