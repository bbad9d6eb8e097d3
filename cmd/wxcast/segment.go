package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/wxcast/wxcast/bot/segment"
	"github.com/wxcast/wxcast/configs"
	"github.com/wxcast/wxcast/internal/redisconn"
	"github.com/wxcast/wxcast/rules"
	"github.com/wxcast/wxcast/store"
)

func segmentCommands() []command {
	return []command{
		{"count", "NAME [--rules FILE]  count the segment's followers in the configured Redis", segmentCount},
		{"sample", "NAME [-n 20] [--seed S] [--rules FILE]  list n of the segment's followers, picked at random", segmentSample},
	}
}

func runSegment(ctx context.Context, args, environ []string, stdout, stderr io.Writer) error {
	return dispatch("wxcast segment", segmentCommands(), ctx, args, environ, stdout, stderr)
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

// openSegment loads the config, the rules and the store for NAME.
func openSegment(ctx context.Context, f cliFlags, rulesFile *string, pos []string, environ []string, stderr io.Writer) (*segmentEnv, error) {
	if len(pos) != 1 {
		return nil, errors.New("give one segment NAME")
	}
	cfg, err := f.loadOffline(environ)
	if err != nil {
		return nil, err
	}
	if err := needServerRedis(cfg); err != nil {
		return nil, err
	}
	file := *rulesFile
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
	seg, ok := rs.Segment(pos[0])
	if !ok {
		return nil, fmt.Errorf("%s has no segment %q (segments: %s)", file, pos[0], segmentNames(rs))
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

func segmentCount(ctx context.Context, args, environ []string, stdout, stderr io.Writer) error {
	f := newCLIFlags("segment count", environ, stderr)
	rulesFile := f.fs.String("rules", "", "rules file (default: rules_file of the config)")
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	e, err := openSegment(ctx, f, rulesFile, pos, environ, stderr)
	if err != nil {
		return err
	}
	defer func() { _ = e.closeStore() }()
	start := time.Now()
	t, err := segment.Select(e.rs, e.seg, e.followers.Calendar(), start).Count(ctx, e.followers)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %d followers (of %d profiles, %d subscribed), rules version %s, %.2fs\n",
		e.seg.Name, t.Matched, t.Scanned, t.Subscribed, e.rs.Version, time.Since(start).Seconds())
	return tallyErrors(stderr, t)
}

func segmentSample(ctx context.Context, args, environ []string, stdout, stderr io.Writer) error {
	f := newCLIFlags("segment sample", environ, stderr)
	rulesFile := f.fs.String("rules", "", "rules file (default: rules_file of the config)")
	n := f.fs.Int("n", 20, "how many followers to list")
	seed := f.fs.Uint64("seed", uint64(time.Now().UnixNano()), "random seed; the same seed over the same data gives the same sample")
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	if *n < 1 {
		return errors.New("-n must be at least 1")
	}
	e, err := openSegment(ctx, f, rulesFile, pos, environ, stderr)
	if err != nil {
		return err
	}
	defer func() { _ = e.closeStore() }()
	ids, t, err := segment.Select(e.rs, e.seg, e.followers.Calendar(), time.Now()).Sample(ctx, e.followers, *n, *seed)
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

func rulesBacktest(ctx context.Context, args, environ []string, stdout, stderr io.Writer) error {
	f := newCLIFlags("rules backtest", environ, stderr)
	days := f.fs.Int("days", 7, "how many days back to replay")
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return errors.New("rules backtest: usage: wxcast rules backtest FILE [--days 7]")
	}
	if *days < 1 {
		return errors.New("--days must be at least 1")
	}
	cfg, err := f.loadOffline(environ)
	if err != nil {
		return err
	}
	if err := needServerRedis(cfg); err != nil {
		return err
	}
	if *days > cfg.Profile.HistoryDays {
		fmt.Fprintf(stderr, "note: profile.history_days is %d: events older than that are not stored\n", cfg.Profile.HistoryDays)
	}
	rs, err := loadRules(pos[0], ruleOptions(cfg, nil), stderr)
	if err != nil {
		return err
	}
	st, closeStore, err := redisconn.Open(ctx, cfg.Redis, nil)
	if err != nil {
		return err
	}
	defer func() { _ = closeStore() }()
	cal := store.Calendar{Loc: cfg.Location}
	rep, err := segment.Backtest(ctx, rs, st.Followers(cal, store.Limits{}), cal, time.Now(), *days)
	if err != nil {
		return err
	}
	return writeBacktest(stdout, pos[0], rep)
}

func writeBacktest(w io.Writer, file string, r *segment.BacktestReport) error {
	fmt.Fprintf(w, "%s (version %s) over %s – %s: %d followers with %d events\n",
		file, r.Version, r.From.Format("2006-01-02 15:04"), r.To.Format("2006-01-02 15:04"), r.Followers, r.Events)
	fmt.Fprintf(w, "%-24s %9s %9s %9s %9s %7s\n", "tag rule", "tagged", "untagged", "at end", "live now", "errors")
	for _, t := range r.Rules {
		fmt.Fprintf(w, "%-24s %9d %9d %9d %9d %7d\n", t.Name, t.Tagged, t.Untagged, t.AtEnd, t.Live, t.Errors)
	}
	_, err := fmt.Fprintln(w, "tagged/untagged: followers the rule would have tagged/untagged at least once; at end: followers replayed with the tag; live now: followers with the tag today, from the live rules. Nothing was changed.")
	return err
}
