package segment

import (
	"slices"
	"time"

	"github.com/wxcast/wxcast/rules"
	"github.com/wxcast/wxcast/store"
)

// replay runs one follower's period through the tag rules into rep.
func replay(rs *rules.Ruleset, ev *rules.Evaluator, p *store.Profile, hist []store.HistoryEntry, cal store.Calendar, from, now time.Time, rep *BacktestReport) {
	for i, r := range rs.Tags {
		if p.HasTag(r.Name, now) {
			rep.Rules[i].Live++
		}
	}
	// hist is newest first; the period's events oldest first.
	var events, tagLog []store.HistoryEntry
	for _, h := range slices.Backward(hist) {
		if h.At.Before(from) || h.At.After(now) {
			continue
		}
		if h.IsTagChange() {
			tagLog = append(tagLog, h)
		} else {
			events = append(events, h)
		}
	}
	if len(events) == 0 {
		return
	}
	// Entries are pushed as they happen, but an expiry is logged when it is
	// noticed, dated at the expiry: order by time.
	byTime := func(a, b store.HistoryEntry) int { return a.At.Compare(b.At) }
	slices.SortStableFunc(events, byTime)
	slices.SortStableFunc(tagLog, byTime)
	rep.Followers++
	rep.Events += len(events)
	tags := startingTags(p, tagLog, now)
	base := baseState(p, from)
	tagged := make([]bool, len(rs.Tags))
	untagged := make([]bool, len(rs.Tags))
	index := make(map[string]int, len(rs.Tags))
	for i, r := range rs.Tags {
		index[r.Name] = i
	}
	st := base
	for i, e := range events {
		st.apply(e)
		env := rules.Env{User: User(rs, p.Without(events[i+1:], cal), cal, e.At), Event: eventOfHistory(e), Now: e.At}
		st.fill(&env.User, cal, e.At)
		env.User.Tags = tags.active(e.At)
		onErr := func(rule string, _ error) { rep.Rules[index[rule]].Errors++ }
		for _, c := range rs.ApplyTags(ev, &env, e.At, func(tag string) time.Time { return tags[tag] }, onErr) {
			j := index[c.Tag]
			if c.Remove {
				untagged[j] = true
				delete(tags, c.Tag)
				continue
			}
			if !tags.has(c.Tag, e.At) {
				tagged[j] = true
			}
			tags[c.Tag] = c.Expires
		}
	}
	for i, r := range rs.Tags {
		if tagged[i] {
			rep.Rules[i].Tagged++
		}
		if untagged[i] {
			rep.Rules[i].Untagged++
		}
		if tags.has(r.Name, now) {
			rep.Rules[i].AtEnd++
		}
	}
}

// tagSet maps a tag to its expiry (zero: never).
type tagSet map[string]time.Time

func (t tagSet) has(name string, at time.Time) bool {
	exp, ok := t[name]
	return ok && (exp.IsZero() || exp.After(at))
}

func (t tagSet) active(at time.Time) []string {
	out := make([]string, 0, len(t))
	for name := range t {
		if t.has(name, at) {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

// startingTags estimates the follower's tags when the period began: the
// tags it has now with the period's recorded changes undone, newest first.
func startingTags(p *store.Profile, changes []store.HistoryEntry, now time.Time) tagSet {
	t := tagSet{}
	for _, tg := range p.Tags {
		if tg.Expires.IsZero() || tg.Expires.After(now) {
			t[tg.Name] = tg.Expires
		}
	}
	for _, c := range slices.Backward(changes) {
		switch {
		case c.Kind == store.KindTagAdded:
			delete(t, c.Key)
		case c.Content == "ttl":
			t[c.Key] = c.At // it lapsed then, and will again in the replay
		default:
			t[c.Key] = time.Time{}
		}
	}
	return t
}

// state is what a follower's profile said at one point of the replay
// about the fields the history can tell.
type state struct {
	subAt, unsubAt, active, clickAt, locAt time.Time
	scene, clickKey                        string
	lat, lng                               float64
	unsubLast                              bool // the latest change was an unsubscribe (breaks ties)
}

// baseState keeps of p only what predates the period: later values came
// from events the replay will apply itself.
func baseState(p *store.Profile, from time.Time) state {
	var s state
	before := func(t time.Time) bool { return !t.IsZero() && t.Before(from) }
	if before(p.SubscribedAt) {
		s.subAt, s.scene = p.SubscribedAt, p.Scene
	}
	if before(p.UnsubscribedAt) {
		s.unsubAt = p.UnsubscribedAt
	}
	if before(p.LastActive) {
		s.active = p.LastActive
	}
	if before(p.LastClickAt) {
		s.clickAt, s.clickKey = p.LastClickAt, p.LastClickKey
	}
	if l := p.Location; l != nil && before(l.At) {
		s.locAt, s.lat, s.lng = l.At, l.Lat, l.Lng
	}
	return s
}

func (s *state) apply(e store.HistoryEntry) {
	switch e.Kind {
	case "unsubscribe":
		s.unsubAt, s.unsubLast = e.At, true
		return
	case store.KindAttributes:
		return // recorded, but not activity
	case store.KindLinkClick:
		if !s.subscribed() {
			return // activity only while subscribed (store.Event.External)
		}
	case "subscribe":
		s.subAt, s.scene = e.At, e.Key
	case "click":
		s.clickAt, s.clickKey = e.At, e.Key
	case "location", "location_report":
		s.locAt, s.lat, s.lng = e.At, e.Lat, e.Lng
	}
	s.active, s.unsubLast = e.At, false
}

// subscribed is the subscription the replay state implies.
func (s state) subscribed() bool {
	on := s.subAt
	if s.active.After(on) {
		on = s.active
	}
	return on.After(s.unsubAt) || on.Equal(s.unsubAt) && !on.IsZero() && !s.unsubLast
}

// fill overwrites the history-derived fields of u with the replay state.
func (s state) fill(u *rules.User, cal store.Calendar, at time.Time) {
	u.Subscribed = s.subscribed()
	u.SubscribedAt, u.UnsubscribedAt, u.Scene = s.subAt, s.unsubAt, s.scene
	u.LastActive, u.DaysSinceActive = s.active, rules.NeverDays
	if !s.active.IsZero() {
		u.DaysSinceActive = max(0, int(cal.Day(at)-cal.Day(s.active)))
	}
	u.LastClickKey, u.LastClickAt = s.clickKey, s.clickAt
	u.Location = rules.Location{}
	if !s.locAt.IsZero() {
		u.Location = rules.Location{Known: true, Latitude: s.lat, Longitude: s.lng, At: s.locAt}
	}
}

// eventOfHistory rebuilds a callback's event from its history entry. The
// content is the stored prefix (64 bytes).
func eventOfHistory(e store.HistoryEntry) rules.Event {
	ev := rules.Event{Type: e.Kind, Key: e.Key, Content: e.Content, Latitude: e.Lat, Longitude: e.Lng, Time: e.At}
	if e.Kind == "subscribe" || e.Kind == "scan" {
		ev.Scene = e.Key
	}
	FillEvent(&ev)
	return ev
}
