package rules

import (
	"slices"
	"time"
)

// TagChange is one change the tag rules make to a follower's tags. The
// caller stores it (package bot converts it to the store's own type).
type TagChange struct {
	// Remove is true to remove the tag; otherwise it is added, or, when
	// present, its expiry is replaced.
	Remove bool
	Tag    string
	// Rule names the rule that made the change, for the history.
	Rule string
	// Expires is when an added tag lapses; zero means never.
	Expires time.Time
}

// ErrorFunc hears about a rule that failed at run time (for example one
// that read an attribute the follower does not have). The rule counted as
// false.
type ErrorFunc func(rule string, err error)

// Expiry reports when a tag the follower has lapses (zero: never).
type Expiry func(tag string) time.Time

// ApplyTags runs the tag rules triggered by env.Event.Type, in file order,
// and returns the changes to make. For each rule, unless is checked first
// and, when true, removes the tag; otherwise when, when true, adds it. For
// a rule with a ttl, a match on a follower who has the tag pushes its
// expiry back to now+ttl, once a tenth of the ttl has passed since it was
// last set (so a chatty follower does not rewrite it on every message):
// expiry tells the tags' current expiries. Each rule sees the tags as the
// rules above it left them: env.User.Tags is updated as it goes.
func (rs *Ruleset) ApplyTags(ev *Evaluator, env *Env, now time.Time, expiry Expiry, onErr ErrorFunc) []TagChange {
	var changes []TagChange
	for _, r := range rs.Tags {
		if !r.Triggers(env.Event.Type) {
			continue
		}
		has := slices.Contains(env.User.Tags, r.Name)
		if r.Unless != nil && rs.holds(ev, r.Unless, env, r.Name, onErr) {
			if has {
				changes = append(changes, TagChange{Remove: true, Tag: r.Name, Rule: r.Name})
				env.User.Tags = slices.DeleteFunc(slices.Clone(env.User.Tags), func(t string) bool { return t == r.Name })
			}
			continue
		}
		if !rs.holds(ev, r.When, env, r.Name, onErr) || has && !refreshDue(r.TTL, expiry, r.Name, now) {
			continue
		}
		c := TagChange{Tag: r.Name, Rule: r.Name}
		if r.TTL > 0 {
			c.Expires = now.Add(r.TTL)
		}
		changes = append(changes, c)
		if !has {
			env.User.Tags = append(slices.Clip(env.User.Tags), r.Name)
		}
	}
	return changes
}

// ChooseReply returns the reply of the first reply rule that matches, or
// the default reply for a message the follower sent (not for events: a
// fallback answer to a menu click or a location report makes no sense).
// The name is the matching rule's, or "default".
func (rs *Ruleset) ChooseReply(ev *Evaluator, env *Env, onErr ErrorFunc) (Reply, string, bool) {
	for _, r := range rs.Replies {
		if rs.holds(ev, r.When, env, r.Name, onErr) {
			return r.Reply, r.Name, true
		}
	}
	if rs.Default != nil && IsMessage(env.Event.Type) {
		return *rs.Default, "default", true
	}
	return Reply{}, "", false
}

// HasReplies reports whether any callback can get a passive reply.
func (rs *Ruleset) HasReplies() bool { return len(rs.Replies) > 0 || rs.Default != nil }

func (rs *Ruleset) holds(ev *Evaluator, p *Program, env *Env, rule string, onErr ErrorFunc) bool {
	ok, err := ev.Eval(p, env)
	if err != nil {
		if onErr != nil {
			onErr(rule, err)
		}
		return false
	}
	return ok
}

// refreshDue reports whether a present tag's expiry should move to
// now+ttl: the rule has a ttl and at least a tenth of it has passed since
// the expiry was set (expiry - ttl).
func refreshDue(ttl time.Duration, expiry Expiry, tag string, now time.Time) bool {
	if ttl <= 0 {
		return false
	}
	if expiry == nil {
		return true
	}
	exp := expiry(tag)
	return exp.IsZero() || now.Sub(exp.Add(-ttl)) >= ttl/10
}
