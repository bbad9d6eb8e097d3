package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/wxcast/wxcast/bot/segment"
	"github.com/wxcast/wxcast/configs"
	"github.com/wxcast/wxcast/internal/redisconn"
	"github.com/wxcast/wxcast/rules"
	"github.com/wxcast/wxcast/store"
)

func segmentCmd(c *cli) *cobra.Command {
	var rulesFile string
	count := &cobra.Command{
		Use:   "count NAME [--rules FILE]",
		Short: "count the segment's followers in the configured Redis",
		Args:  argsNamed("NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return segmentCount(cmd.Context(), &c.config, rulesFile, args[0], c.stdout, c.stderr)
		},
	}
	var (
		n    int
		seed uint64
	)
	sample := &cobra.Command{
		Use:   "sample NAME [-n 20] [--seed S] [--rules FILE]",
		Short: "list n of the segment's followers, picked at random",
		Args:  argsNamed("NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !cmd.Flags().Changed("seed") {
				seed = uint64(time.Now().UnixNano())
			}
			return segmentSample(cmd.Context(), &c.config, rulesFile, args[0], n, seed, c.stdout, c.stderr)
		},
	}
	sample.Flags().IntVarP(&n, "n", "n", 20, "how many followers to list")
	sample.Flags().Uint64Var(&seed, "seed", 0, "random seed; the same seed over the same data gives the same sample (default: a new seed each run)")
	g := group("segment", "count or sample a segment's followers", count, sample)
	c.addConfigFlag(g)
	g.PersistentFlags().StringVar(&rulesFile, "rules", "", "rules file (default: rules_file of the config)")
	return g
}

// segmentEnv is what a segment command works on.
type segmentEnv struct {
	cfg       *configs.Config
	rs        *rules.Ruleset
	seg       *rules.Segment
	followers *store.Followers
	// closeStore closes the store of followers (see redisconn.Open).
	closeStore func() error
}

// openSegment loads the config, the rules and the store for name.
func openSegment(ctx context.Context, conf *configFlag, rulesFile, name string, stderr io.Writer) (*segmentEnv, error) {
	cfg, err := conf.loadOffline()
	if err != nil {
		return nil, err
	}
	if err := needServerRedis(cfg); err != nil {
		return nil, err
	}
	file := rulesFile
	if file == "" {
		file = cfg.RulesFile
	}
	if file == "" {
		return nil, errors.New("no rules file: set rules_file in the config, or --rules FILE")
	}
	rs, err := loadRules(file, ruleOptions(cfg, nil), stderr)
	if err != nil {
		return nil, err
	}
	seg, err := findSegment(rs, file, name)
	if err != nil {
		return nil, err
	}
	st, closeStore, err := redisconn.Open(ctx, cfg.Redis, nil)
	if err != nil {
		return nil, err
	}
	f2 := st.Followers(store.Calendar{Loc: cfg.Location}, store.Limits{})
	return &segmentEnv{cfg: cfg, rs: rs, seg: seg, followers: f2, closeStore: closeStore}, nil
}

func segmentNames(rs *rules.Ruleset) string {
	names := make([]string, len(rs.Segments))
	for i, s := range rs.Segments {
		names[i] = s.Name
	}
	return list(names)
}

func segmentCount(ctx context.Context, conf *configFlag, rulesFile, name string, stdout, stderr io.Writer) error {
	e, err := openSegment(ctx, conf, rulesFile, name, stderr)
	if err != nil {
		return err
	}
	defer func() { _ = e.closeStore() }()
	start := time.Now()
	bar := newProgress(stderr, "segment count "+e.seg.Name, false)
	t, err := segment.Select(e.rs, e.seg, e.followers.Calendar(), start).Count(ctx, &scanProgress{Profiles: e.followers, p: bar})
	bar.Finish()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %d followers (of %d profiles, %d subscribed), rules version %s, %.2fs\n",
		e.seg.Name, t.Matched, t.Scanned, t.Subscribed, e.rs.Version, time.Since(start).Seconds())
	return tallyErrors(stderr, t)
}

func segmentSample(ctx context.Context, conf *configFlag, rulesFile, name string, n int, seed uint64, stdout, stderr io.Writer) error {
	if n < 1 {
		return usagef("-n %d: want at least 1", n)
	}
	e, err := openSegment(ctx, conf, rulesFile, name, stderr)
	if err != nil {
		return err
	}
	defer func() { _ = e.closeStore() }()
	ids, t, err := segment.Select(e.rs, e.seg, e.followers.Calendar(), time.Now()).Sample(ctx, e.followers, n, seed)
	if err != nil {
		return err
	}
	for _, id := range ids {
		fmt.Fprintln(stdout, id)
	}
	fmt.Fprintf(stderr, "%d of %d followers in %s (rules version %s)\n", len(ids), t.Matched, e.seg.Name, e.rs.Version)
	return tallyErrors(stderr, t)
}

// tallyErrors warns about followers for whom the rule failed.
func tallyErrors(w io.Writer, t segment.Tally) error {
	if t.Errors > 0 {
		fmt.Fprintf(w, "warning: the rule failed for %d followers (counted out), e.g.: %v\n", t.Errors, t.FirstError)
	}
	return nil
}

func rulesBacktestCmd(c *cli) *cobra.Command {
	var days int
	cmd := &cobra.Command{
		Use:   "backtest FILE [--days 7]",
		Short: "replay the stored events of the last days through FILE's tag rules; changes nothing",
		Args:  argsNamed("FILE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return rulesBacktest(cmd.Context(), &c.config, args[0], days, c.stdout, c.stderr)
		},
	}
	cmd.Flags().IntVar(&days, "days", 7, "how many days back to replay")
	return cmd
}

func rulesBacktest(ctx context.Context, conf *configFlag, file string, days int, stdout, stderr io.Writer) error {
	if days < 1 {
		return usagef("--days %d: want at least 1", days)
	}
	cfg, err := conf.loadOffline()
	if err != nil {
		return err
	}
	if err := needServerRedis(cfg); err != nil {
		return err
	}
	if days > cfg.Profile.HistoryDays {
		fmt.Fprintf(stderr, "note: profile.history_days is %d: events older than that are not stored\n", cfg.Profile.HistoryDays)
	}
	rs, err := loadRules(file, ruleOptions(cfg, nil), stderr)
	if err != nil {
		return err
	}
	st, closeStore, err := redisconn.Open(ctx, cfg.Redis, nil)
	if err != nil {
		return err
	}
	defer func() { _ = closeStore() }()
	cal := store.Calendar{Loc: cfg.Location}
	rep, err := segment.Backtest(ctx, rs, st.Followers(cal, store.Limits{}), cal, time.Now(), days)
	if err != nil {
		return err
	}
	return writeBacktest(stdout, file, rep, cfg.Location)
}

// writeBacktest prints r, its times in the account's timezone loc.
func writeBacktest(w io.Writer, file string, r *segment.BacktestReport, loc *time.Location) error {
	fmt.Fprintf(w, "%s (version %s) over %s – %s (%s): %d followers with %d events\n",
		file, r.Version, r.From.In(loc).Format("2006-01-02 15:04"), r.To.In(loc).Format("2006-01-02 15:04"), loc, r.Followers, r.Events)
	fmt.Fprintf(w, "%-24s %9s %9s %9s %9s %7s\n", "tag rule", "tagged", "untagged", "at end", "live now", "errors")
	for _, t := range r.Rules {
		fmt.Fprintf(w, "%-24s %9d %9d %9d %9d %7d\n", t.Name, t.Tagged, t.Untagged, t.AtEnd, t.Live, t.Errors)
	}
	_, err := fmt.Fprintln(w, "tagged/untagged: followers the rule would have tagged/untagged at least once; at end: followers replayed with the tag; live now: followers with the tag today, from the live rules. Nothing was changed.")
	return err
}
