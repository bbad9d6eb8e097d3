package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/wxcast/wxcast/bot/segment"
	"github.com/wxcast/wxcast/rules"
	"github.com/wxcast/wxcast/store"
)

func usersShowCmd(c *cli) *cobra.Command {
	var rulesFile string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "show OPENID [--rules FILE] [--json]",
		Short: "print a follower's profile, tags, history and segments",
		Args:  argsNamed("OPENID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return usersShow(cmd.Context(), &c.config, args[0], rulesFile, asJSON, c.stdout, c.stderr)
		},
	}
	cmd.Flags().StringVar(&rulesFile, "rules", "", "rules file whose segments are explained (default: rules_file of the config)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the follower as rules see it (user.*), as JSON for wxcast rules test --user")
	return cmd
}

func usersShow(ctx context.Context, conf *configFlag, openid, rulesFile string, asJSON bool, stdout, stderr io.Writer) error {
	cfg, err := conf.loadOffline()
	if err != nil {
		return err
	}
	env, err := openUsers(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	defer env.close()
	p, err := env.followers.Profile(ctx, openid)
	if err != nil {
		return err
	}
	if !p.Known {
		return fmt.Errorf("no follower %s in this Redis (key prefix %q): check the openid, or run wxcast users sync", openid, cfg.Redis.KeyPrefix)
	}
	file := rulesFile
	if file == "" {
		file = cfg.RulesFile
	}
	rs := &rules.Ruleset{}
	if file != "" {
		if rs, err = loadRules(file, ruleOptions(cfg, nil), stderr); err != nil {
			return err
		}
	}
	cal := env.followers.Calendar()
	now := time.Now().In(cfg.Location)
	u := segment.User(rs, p, cal, now)
	if asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(u)
	}
	hist, err := env.followers.History(ctx, openid)
	if err != nil {
		return err
	}
	w := &reportWriter{w: stdout, ev: rules.NewEvaluator()}
	showProfile(w, p, u, cfg.Location, now)
	showAttrs(w, rs, p)
	showHistory(w, hist, cfg.Location)
	if file != "" {
		w.segments(rs, &rules.Env{User: u, Now: now})
	}
	return w.err
}

func showProfile(w *reportWriter, p *store.Profile, u rules.User, loc *time.Location, now time.Time) {
	w.printf("follower %s, as of %s\n", p.OpenID, now.Format(time.RFC3339))
	state := "subscribed"
	if !p.Subscribed {
		state = "not subscribed"
	}
	w.printf("  %-18s %s\n", "state", state)
	w.printf("  %-18s %s%s\n", "subscribed at", when(p.SubscribedAt, loc), sceneNote(p))
	if !p.UnsubscribedAt.IsZero() {
		w.printf("  %-18s %s\n", "unsubscribed at", when(p.UnsubscribedAt, loc))
	}
	w.printf("  %-18s %s\n", "first seen", when(p.FirstSeen, loc))
	w.printf("  %-18s %s (days_since_active %d)\n", "last active", when(p.LastActive, loc), u.DaysSinceActive)
	w.printf("  %-18s messages %d / %d / %d, events %d / %d / %d (1d / 7d / 30d), active days %d (7d) %d (30d)\n",
		"activity", u.Messages1d, u.Messages7d, u.Messages30d, u.Events1d, u.Events7d, u.Events30d, u.ActiveDays7d, u.ActiveDays30d)
	if p.LastClickKey != "" {
		w.printf("  %-18s %s at %s\n", "last click", p.LastClickKey, when(p.LastClickAt, loc))
	}
	if l := p.Location; l != nil {
		w.printf("  %-18s %.5f, %.5f (±%.0f m) at %s\n", "location", l.Lat, l.Lng, l.Precision, when(l.At, loc))
	}
	if c := p.Counts(); len(c) > 0 {
		var parts []string
		for _, k := range slices.Sorted(maps.Keys(c)) {
			parts = append(parts, fmt.Sprintf("%s %d", k, c[k]))
		}
		w.printf("  %-18s %s\n", "counts", strings.Join(parts, ", "))
	}
	if p.Language != "" || p.Remark != "" {
		w.printf("  %-18s language %s, remark %q\n", "on WeChat", orNone(p.Language), p.Remark)
	}
	if p.DeviceOS != "" {
		w.printf("  %-18s %s, model %s (from the newest tracked-link click)\n", "device", p.DeviceOS, orNone(p.DeviceModel))
	}
	sync := "never"
	if p.SyncRun != 0 {
		sync = "in the run of " + when(time.Unix(p.SyncRun, 0), loc)
	}
	w.printf("  %-18s %s\n", "last synced", sync)
	w.printf("\ntags\n")
	if len(p.Tags) == 0 {
		w.printf("  none\n")
	}
	for _, t := range p.Tags {
		switch {
		case t.Expires.IsZero():
			w.printf("  %s\n", t.Name)
		case t.Expires.After(now):
			w.printf("  %s (until %s)\n", t.Name, when(t.Expires, loc))
		default:
			w.printf("  %s (expired %s: rules no longer see it)\n", t.Name, when(t.Expires, loc))
		}
	}
	w.printf("\nWeChat tags\n")
	wt := p.WeChatTags()
	if len(wt) == 0 {
		w.printf("  none\n")
	}
	for _, t := range wt {
		w.printf("  %s (id %d)\n", t.Name, t.ID)
	}
}

func showAttrs(w *reportWriter, rs *rules.Ruleset, p *store.Profile) {
	w.printf("\nattributes\n")
	stored := p.Attrs()
	declared := make(map[string]bool)
	for _, a := range rs.Attributes {
		declared[a.Name] = true
		v, ok := stored[a.Name]
		switch {
		case !ok:
			w.printf("  %-18s %-6s not set (rules reading it count as false)\n", a.Name, a.Type)
		default:
			note := ""
			if _, typed := segment.Attrs(rs, p)[a.Name]; !typed {
				note = fmt.Sprintf("  (not a valid %s: rules reading it count as false)", a.Type)
			}
			w.printf("  %-18s %-6s %s%s\n", a.Name, a.Type, v, note)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(stored)) {
		if !declared[name] {
			w.printf("  %-18s %-6s %s  (not declared in the rules file: rules cannot read it)\n", name, "?", stored[name])
		}
	}
	if len(rs.Attributes) == 0 && len(stored) == 0 {
		w.printf("  none\n")
	}
}

func showHistory(w *reportWriter, hist []store.HistoryEntry, loc *time.Location) {
	w.printf("\nrecent history (newest first)\n")
	if len(hist) == 0 {
		w.printf("  none\n")
	}
	for _, h := range hist {
		w.printf("  %s  %s\n", when(h.At, loc), describe(h))
	}
}

// describe says what a history entry records, in a line.
func describe(h store.HistoryEntry) string {
	switch h.Kind {
	case store.KindTagAdded:
		return fmt.Sprintf("+ tag %s (rule %s)", h.Key, h.Content)
	case store.KindTagRemoved:
		if h.Content == "ttl" {
			return fmt.Sprintf("- tag %s (expired)", h.Key)
		}
		return fmt.Sprintf("- tag %s (rule %s)", h.Key, h.Content)
	case store.KindLinkClick:
		if b, v, l, ok := store.ParseClickRef(h.Content); ok {
			return fmt.Sprintf("link_click broadcast %d version %s link %d: %s", b, segment.VersionName(v), l+1, h.Key)
		}
	case store.KindAttributes:
		return "attributes changed: " + h.Key
	}
	parts := []string{h.Kind}
	if h.Key != "" {
		parts = append(parts, h.Key)
	}
	if h.Content != "" {
		parts = append(parts, fmt.Sprintf("%q", h.Content))
	}
	if h.Lat != 0 || h.Lng != 0 {
		parts = append(parts, fmt.Sprintf("%.5f, %.5f", h.Lat, h.Lng))
	}
	return strings.Join(parts, " ")
}

func when(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return "never"
	}
	return t.In(loc).Format("2006-01-02 15:04:05")
}

func sceneNote(p *store.Profile) string {
	var parts []string
	if p.SubscribeScene != "" {
		parts = append(parts, p.SubscribeScene)
	}
	if p.Scene != "" {
		parts = append(parts, "QR scene "+p.Scene)
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
