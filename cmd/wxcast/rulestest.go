package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/wxcast/wxcast/rules"
)

// rulesTestOptions are the flags of wxcast rules test.
type rulesTestOptions struct {
	file, user, event, now string
}

func rulesTestCmd(c *cli) *cobra.Command {
	var o rulesTestOptions
	cmd := &cobra.Command{
		Use:   "test FILE --user USER [--event EVENT]",
		Short: "which tags change, which segments match, which reply fires, and why",
		Long: `Evaluate FILE's rules for one follower (and one callback, with --event) and
say which tags change, which segments match and which reply fires, clause by
clause. USER and EVENT are JSON: inline when they start with {, else the path
of a file. wxcast users show OPENID --json prints a stored follower as USER.`,
		Example: `  wxcast rules test rules.yaml --user '{"openid":"o1","subscribed":true,"tags":["vip"]}'
  wxcast rules test rules.yaml --user profile.json --event '{"type":"click","key":"MENU_PROMO"}'`,
		Args: argsNamed("FILE"),
		RunE: func(_ *cobra.Command, args []string) error {
			o.file = args[0]
			return rulesTest(&c.config, o, c.stdout, c.stderr)
		},
	}
	cmd.Flags().StringVar(&o.user, "user", "", `the follower: fields of user.* (docs/rules.md) as inline JSON, e.g. '{"subscribed": true, "tags": ["vip"]}', or a JSON file's path (required)`)
	cmd.Flags().StringVar(&o.event, "event", "", "the callback: fields of event.* as inline JSON or a JSON file's path; without it only segments are tested")
	cmd.Flags().StringVar(&o.now, "now", "", "evaluate as of this time, RFC 3339 (default: now)")
	return cmd
}

func rulesTest(conf *configFlag, o rulesTestOptions, stdout, stderr io.Writer) error {
	if o.user == "" {
		return usagef(`--user is required: the follower as JSON, e.g. --user '{"subscribed":true}' or --user profile.json`)
	}
	cfg, err := conf.loadOffline()
	if err != nil {
		return err
	}
	now := time.Now().In(cfg.Location)
	if o.now != "" {
		if now, err = time.Parse(time.RFC3339, o.now); err != nil {
			return usagef("--now %q: want RFC 3339, e.g. 2026-12-01T10:00:00+08:00", o.now)
		}
	}
	rs, err := loadRules(o.file, ruleOptions(cfg, func() time.Time { return now }), stderr)
	if err != nil {
		return err
	}
	env := rules.Env{Now: now}
	env.User.DaysSinceActive = -1 // absent from the JSON: worked out below
	user, err := readJSONArg("--user", o.user)
	if err != nil {
		return err
	}
	if err := user.decode(&env.User); err != nil {
		return err
	}
	if env.User.DaysSinceActive < 0 {
		env.User.DaysSinceActive = rules.DaysSince(now, env.User.LastActive)
	}
	if env.User.Attrs, err = rs.TypedAttrs(env.User.Attrs); err != nil {
		return fmt.Errorf("%s: %w", user.name, err)
	}
	if o.event != "" {
		event, err := readJSONArg("--event", o.event)
		if err != nil {
			return err
		}
		if err := event.decode(&env.Event); err != nil {
			return err
		}
		if env.Event.Time.IsZero() {
			env.Event.Time = now
		}
	}
	for _, warn := range missingUserFields(user, env.User, testedSources(rs, o.event != "")) {
		fmt.Fprintln(stderr, "warning:", warn)
	}
	w := &reportWriter{w: stdout, ev: rules.NewEvaluator()}
	w.printf("rules %s, version %s, as of %s\n", o.file, rs.Version, now.Format(time.RFC3339))
	if o.event != "" {
		w.tags(rs, &env, now)
		w.reply(rs, &env)
	}
	w.segments(rs, &env)
	return w.err
}

// reportWriter prints the rules test report; it keeps the first write
// error.
type reportWriter struct {
	w   io.Writer
	ev  *rules.Evaluator
	err error
}

func (r *reportWriter) printf(format string, args ...any) {
	if r.err == nil {
		_, r.err = fmt.Fprintf(r.w, format, args...)
	}
}

// tags runs the tag rules as the server would and says, rule by rule,
// what happened and why.
func (r *reportWriter) tags(rs *rules.Ruleset, env *rules.Env, now time.Time) {
	r.printf("\ntag rules, for a %s event (tags before: %s)\n", env.Event.Type, list(env.User.Tags))
	before := slices.Clone(env.User.Tags)
	probe := *env // the explanations see the tags as each rule saw them
	probe.User.Tags = slices.Clone(before)
	changes := rs.ApplyTags(r.ev, env, now, nil, nil)
	for _, t := range rs.Tags {
		if !t.Triggers(env.Event.Type) {
			r.printf("  · %-20s not run: on %s\n", t.Name, strings.Join(t.On, ", "))
			continue
		}
		r.printf("  %s %-20s %s\n", tagMark(changes, t.Name), t.Name, tagVerdict(changes, t, slices.Contains(probe.User.Tags, t.Name)))
		if t.Unless != nil {
			r.explain("unless", t.Unless, &probe)
		}
		r.explain("when", t.When, &probe)
		probe.User.Tags = applied(probe.User.Tags, changes, t.Name)
	}
	r.printf("  tags after: %s\n", list(env.User.Tags))
}

func tagMark(changes []rules.TagChange, name string) string {
	for _, c := range changes {
		if c.Tag == name {
			if c.Remove {
				return "-"
			}
			return "+"
		}
	}
	return "="
}

func tagVerdict(changes []rules.TagChange, t *rules.TagRule, had bool) string {
	for _, c := range changes {
		switch {
		case c.Tag != t.Name:
		case c.Remove:
			return "removed (unless holds)"
		case had:
			return "kept, expiry moved to " + c.Expires.Format(time.RFC3339)
		case !c.Expires.IsZero():
			return "added, expires " + c.Expires.Format(time.RFC3339)
		default:
			return "added"
		}
	}
	if had {
		return "unchanged (has the tag)"
	}
	return "unchanged (does not have the tag)"
}

// applied replays one rule's change on tags.
func applied(tags []string, changes []rules.TagChange, name string) []string {
	for _, c := range changes {
		if c.Tag != name {
			continue
		}
		if c.Remove {
			return slices.DeleteFunc(slices.Clone(tags), func(t string) bool { return t == name })
		}
		if !slices.Contains(tags, name) {
			return append(slices.Clip(tags), name)
		}
	}
	return tags
}

func (r *reportWriter) explain(label string, p *rules.Program, env *rules.Env) {
	ok, err := r.ev.Eval(p, env)
	r.printf("      %-6s %-5s %s\n", label, verdict(ok, err), oneLine(p.Source))
	clauses := r.ev.Explain(p, env)
	if len(clauses) < 2 {
		return
	}
	for _, c := range clauses {
		v := fmt.Sprint(c.Value)
		switch {
		case c.Skipped:
			v = "skip" // && or || stopped before it: the rule never ran it
		case c.Err != nil:
			v = "error: " + firstLine(c.Err.Error())
		}
		r.printf("             %s%-5s %s\n", strings.Repeat("  ", c.Depth+1), v, c.Source)
	}
}

// firstLine is an error's message without the source excerpt and caret
// (^) lines expr adds below it.
func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

func verdict(ok bool, err error) string {
	switch {
	case err != nil:
		return "fails (counts as false): " + firstLine(err.Error())
	case ok:
		return "true"
	}
	return "false"
}

func (r *reportWriter) reply(rs *rules.Ruleset, env *rules.Env) {
	rep, name, ok := rs.ChooseReply(r.ev, env, nil)
	switch {
	case !ok:
		r.printf("\nreply: none (WeChat is told \"success\")\n")
	case rep.Type == "text":
		r.printf("\nreply: %s → text %q\n", name, rep.Content)
	case rep.Type == "news":
		r.printf("\nreply: %s → news %q %s\n", name, rep.Title, rep.URL)
	default:
		r.printf("\nreply: %s → %s %s\n", name, rep.Type, rep.MediaID)
	}
}

func (r *reportWriter) segments(rs *rules.Ruleset, env *rules.Env) {
	r.printf("\nsegments, with the tags above applied (they select subscribed followers only)\n")
	for _, s := range rs.Segments {
		ok, err := r.ev.Eval(s.Rule, env)
		mark, note := "✗", ""
		switch {
		case err != nil:
			note = " (the rule fails: counts as false)"
		case ok && env.User.Subscribed:
			mark = "✓"
		case ok:
			note = " (the rule holds, but the follower is not subscribed)"
		}
		r.printf("  %s %s%s\n", mark, s.Name, note)
		r.explain("rule", s.Rule, env)
	}
}

func list(tags []string) string {
	if len(tags) == 0 {
		return "none"
	}
	return strings.Join(tags, ", ")
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
