package bot

import (
	"context"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/wxcast/wxcast/bot/segment"
	"github.com/wxcast/wxcast/rules"
	"github.com/wxcast/wxcast/store"
)

// RuleSource hands out the live ruleset; a hot reload swaps it.
type RuleSource interface {
	Current() *rules.Ruleset
}

// Rules decides with the rules engine: tag rules and reply rules from the
// live rules file. It is safe for concurrent use.
type Rules struct {
	src   RuleSource
	cal   store.Calendar
	evals sync.Pool // *rules.Evaluator: each holds a VM, not safe to share
	errs  *errorLog
}

var _ Decider = (*Rules)(nil)

// NewRules returns the rules-engine Decider. Rules that fail at run time
// are logged, at most once a minute per rule.
func NewRules(src RuleSource, cal store.Calendar, log *zap.Logger) *Rules {
	r := &Rules{src: src, cal: cal, errs: newErrorLog(log, time.Minute)}
	r.evals.New = func() any { return rules.NewEvaluator() }
	return r
}

// Plan returns the live version of the rules.
func (r *Rules) Plan() Plan { return rulesPlan{r: r, rs: r.src.Current()} }

type rulesPlan struct {
	r  *Rules
	rs *rules.Ruleset
}

func (p rulesPlan) Replies() bool { return p.rs.HasReplies() }
func (p rulesPlan) Tags() bool    { return len(p.rs.Tags) > 0 }

// Decide builds the rule environment from the updated profile and the
// callback, runs the tag rules, then the reply rules (which see the tags
// just set).
func (p rulesPlan) Decide(_ context.Context, prof *store.Profile, e *store.Event, now time.Time) Decision {
	ev := p.r.evals.Get().(*rules.Evaluator)
	defer p.r.evals.Put(ev)
	env := rules.Env{User: segment.UserForRules(p.rs, prof, p.r.cal, now), Event: eventOf(e), Now: now}
	onErr := func(rule string, err error) { p.r.errs.report(p.rs.Version, rule, e.OpenID, err) }
	var d Decision
	if len(p.rs.Tags) > 0 {
		d.Changes = storeChanges(p.rs.ApplyTags(ev, &env, now, prof.TagExpiry, onErr))
	}
	if p.rs.HasReplies() {
		if rep, _, ok := p.rs.ChooseReply(ev, &env, onErr); ok {
			d.Reply = Reply{Type: rep.Type, Content: rep.Content, MediaID: rep.MediaID, Title: rep.Title, Desc: rep.Description}
			if rep.Type == "news" {
				d.Reply.Articles = []Article{{Title: rep.Title, Description: rep.Description, PicURL: rep.PicURL, URL: rep.URL}}
			}
		}
	}
	return d
}

// storeChanges converts the tag rules' changes to what the store records;
// nil when there are none, as most callbacks change no tag.
func storeChanges(cs []rules.TagChange) []store.TagChange {
	if len(cs) == 0 {
		return nil
	}
	out := make([]store.TagChange, len(cs))
	for i, c := range cs {
		out[i] = store.TagChange{Remove: c.Remove, Tag: c.Tag, Rule: c.Rule, Expires: c.Expires}
	}
	return out
}

// eventOf is the rule environment's view of a callback, from what the
// kind table made of it.
func eventOf(ev *store.Event) rules.Event {
	e := rules.Event{Type: ev.Kind, Key: ev.Key, Content: ev.Content, Scene: ev.Scene, Time: ev.At}
	if l := ev.Location; l != nil {
		e.Latitude, e.Longitude = l.Lat, l.Lng
	}
	segment.FillEvent(&e)
	return e
}

// errorLog logs rule failures without flooding: one line per rule per
// period, with how many were left out.
type errorLog struct {
	log    *zap.Logger
	period time.Duration
	mu     sync.Mutex
	last   map[string]time.Time
	quiet  map[string]int
}

func newErrorLog(log *zap.Logger, period time.Duration) *errorLog {
	if log == nil {
		log = zap.NewNop()
	}
	return &errorLog{log: log, period: period, last: map[string]time.Time{}, quiet: map[string]int{}}
}

func (l *errorLog) report(version, rule, openid string, err error) {
	l.mu.Lock()
	key := rule // not per version: the map stays as small as the rules file
	now := time.Now()
	if now.Sub(l.last[key]) < l.period {
		l.quiet[key]++
		l.mu.Unlock()
		return
	}
	skipped := l.quiet[key]
	l.last[key], l.quiet[key] = now, 0
	l.mu.Unlock()
	l.log.Warn("rule failed at run time; counted as false", zap.String("rule", rule),
		zap.String("rules_version", version), zap.String("openid", openid),
		zap.Int("similar_failures_not_logged", skipped), zap.Error(err))
}
