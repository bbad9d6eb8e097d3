package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"go.uber.org/zap"

	"github.com/wxcast/wxcast/bot/usersync"
	"github.com/wxcast/wxcast/configs"
	"github.com/wxcast/wxcast/internal/redisconn"
	"github.com/wxcast/wxcast/store"
)

// usersSyncOptions are the flags of wxcast users sync.
type usersSyncOptions struct {
	dryRun, restart bool
	workers         int
}

func usersSyncCmd(c *cli) *cobra.Command {
	var o usersSyncOptions
	cmd := &cobra.Command{
		Use:   "sync [--dry-run] [--restart] [--workers N]",
		Short: "sync followers, their details and WeChat tags from WeChat",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return usersSync(cmd.Context(), &c.config, o, c.stdout, c.stderr)
		},
	}
	cmd.Flags().BoolVar(&o.dryRun, "dry-run", false, "read every follower from WeChat and print what would change, writing nothing")
	cmd.Flags().BoolVar(&o.restart, "restart", false, "discard an unfinished run's checkpoint and start again from the first page")
	cmd.Flags().IntVar(&o.workers, "workers", 0, "concurrent user/info/batchget calls (default: sync.workers of the config)")
	return cmd
}

func usersSync(ctx context.Context, conf *configFlag, opts usersSyncOptions, stdout, stderr io.Writer) error {
	if opts.workers < 0 || opts.workers > 32 {
		return usagef("--workers %d: want 1 to 32", opts.workers)
	}
	cfg, err := conf.load()
	if err != nil {
		return err
	}
	if opts.workers == 0 {
		opts.workers = cfg.Sync.Workers
	}
	env, err := openUsers(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	defer env.close()
	if cfg.WeChat.AppSecret.Value() == "" {
		return errors.New("wechat.app_secret is empty: users sync reads the followers through the WeChat API")
	}
	api, _, err := newWeChatClient(cfg, env.st, env.log)
	if err != nil {
		return err
	}
	bar := newProgress(stderr, "users sync", false)
	o := usersync.SyncOptions{
		Store: env.st, Followers: env.followers, API: api, Owner: "cli-" + replicaName(),
		Workers: opts.workers, DryRun: opts.dryRun, Restart: opts.restart, Log: env.log,
		Progress: syncProgress(bar),
	}
	var mirror *usersync.Mirror
	if cfg.RulesFile != "" {
		rs, err := loadRules(cfg.RulesFile, ruleOptions(cfg, nil), stderr)
		if err != nil {
			return err
		}
		if usersync.Mirrors(rs) {
			mirror = usersync.NewMirror(usersync.MirrorOptions{Store: env.st, Followers: env.followers, API: api,
				Rules: staticRules(rs), Owner: o.Owner, Log: env.log})
			o.Reconcile = mirror
		}
	}
	sum, err := usersync.Sync(ctx, o)
	bar.Finish()
	if err != nil {
		if errors.Is(err, usersync.ErrBusy) {
			return fmt.Errorf("%w: try again when it has finished", err)
		}
		if !opts.dryRun {
			return fmt.Errorf("sync stopped after %d pages: %w\nrun wxcast users sync again to continue from page %d", sum.Pages, err, sum.Pages+1)
		}
		return err
	}
	printSummary(stdout, sum)
	if mirror == nil || opts.dryRun || sum.TagsQueued == 0 {
		return nil
	}
	st, err := drainAll(ctx, mirror)
	if errors.Is(err, usersync.ErrDraining) {
		fmt.Fprintf(stdout, "  WeChat tags mirrored  by the server, which is draining the queue now\n")
		return nil
	}
	fmt.Fprintf(stdout, "  WeChat tags mirrored  %d followers tagged, %d untagged in %d calls; skipped: %d at 20 tags, %d invalid\n",
		st.Tagged, st.Untagged, st.Calls, st.FollowerFull, st.Invalid)
	return err
}

// drainAll drains the tag queue until it is empty, a drain fails, or a
// drain leaves as much queued as it found.
func drainAll(ctx context.Context, m *usersync.Mirror) (usersync.DrainStats, error) {
	var total usersync.DrainStats
	for {
		before, err := m.Pending(ctx)
		if err != nil || before == 0 {
			return total, err
		}
		st, err := m.Drain(ctx)
		total.Add(st)
		if err != nil {
			return total, err
		}
		if after, err := m.Pending(ctx); err != nil || after >= before {
			return total, err
		}
	}
}

func printSummary(w io.Writer, s usersync.Summary) {
	head := fmt.Sprintf("sync finished in %s", s.Elapsed.Round(100*time.Millisecond))
	if s.DryRun {
		head = "dry run: nothing was written; a sync would do this"
	}
	if s.ResumedFrom > 0 {
		head += fmt.Sprintf(" (resumed at page %d)", s.ResumedFrom)
	}
	fmt.Fprintln(w, head)
	fmt.Fprintf(w, "  followers listed      %d of %d, in %d pages\n", s.Listed, s.Total, s.Pages)
	fmt.Fprintf(w, "  profiles created      %d\n", s.Created)
	fmt.Fprintf(w, "  profiles updated      %d\n", s.Updated)
	fmt.Fprintf(w, "  unchanged             %d\n", s.Unchanged)
	fmt.Fprintf(w, "  marked unsubscribed   %d (no longer listed by WeChat)\n", s.Unsubscribed)
	if s.NotFollowing > 0 {
		fmt.Fprintf(w, "  unfollowed meanwhile  %d (listed, then gone by the time their details were read)\n", s.NotFollowing)
	}
	fmt.Fprintf(w, "  WeChat tags           %d on the account", s.AccountTags)
	if s.UnknownTags > 0 {
		fmt.Fprintf(w, "; %d tag ids on followers were not among them", s.UnknownTags)
	}
	fmt.Fprintln(w)
	if s.TagsQueued > 0 {
		fmt.Fprintf(w, "  WeChat tag changes    %d to mirror wxcast tags (wechat_tag)\n", s.TagsQueued)
	}
	fmt.Fprintf(w, "  API retries           %d\n", s.Retries)
	for _, kind := range []string{"created", "updated", "unsubscribed"} {
		if ids := s.Examples[kind]; len(ids) > 0 {
			fmt.Fprintf(w, "  would be %-13s %s", kind+":", strings.Join(ids, " "))
			if len(ids) == usersync.MaxExamples {
				fmt.Fprint(w, " …")
			}
			fmt.Fprintln(w)
		}
	}
}

// syncProgress maps a sync's progress onto a progress display.
func syncProgress(p progress) func(usersync.Progress) {
	return func(pr usersync.Progress) {
		total := int64(pr.Total)
		if pr.Phase == "sweep" {
			p.Update(pr.Listed, total, "marking followers WeChat no longer lists")
			return
		}
		p.Update(pr.Listed, total, fmt.Sprintf("page %d, %d of %d followers", pr.Pages, pr.Listed, pr.Total))
	}
}

// usersEnv is what the users commands work on.
type usersEnv struct {
	cfg       *configs.Config
	st        *store.Store
	followers *store.Followers
	log       *zap.Logger
	// closeStore closes st (see redisconn.Open).
	closeStore func() error
}

// openUsers opens the configured Redis (the embedded store lives inside
// a running server, so it will not do) and a logger for warnings.
func openUsers(ctx context.Context, cfg *configs.Config, stderr io.Writer) (*usersEnv, error) {
	if err := needServerRedis(cfg); err != nil {
		return nil, err
	}
	log, err := newLogger(configs.LogConfig{Level: "warn", Format: "console"}, stderr)
	if err != nil {
		return nil, err
	}
	st, closeStore, err := redisconn.Open(ctx, cfg.Redis, log)
	if err != nil {
		return nil, err
	}
	f := st.Followers(store.Calendar{Loc: cfg.Location}, store.Limits{
		HistoryMax: cfg.Profile.HistoryMax, HistoryDays: cfg.Profile.HistoryDays,
	})
	return &usersEnv{cfg: cfg, st: st, followers: f, log: log, closeStore: closeStore}, nil
}

func (e *usersEnv) close() { _ = e.closeStore() }
