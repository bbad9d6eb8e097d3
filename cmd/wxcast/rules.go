package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/wxcast/wxcast/configs"
	"github.com/wxcast/wxcast/internal/redisconn"
	"github.com/wxcast/wxcast/rules"
	"github.com/wxcast/wxcast/store"
)

func rulesCmd(c *cli) *cobra.Command {
	g := group("rules", "check, test, document and back-test rules files",
		rulesCheckCmd(c), rulesTestCmd(c), rulesBacktestCmd(c), rulesDocCmd(c))
	c.addConfigFlag(g)
	return g
}

func rulesCheckCmd(c *cli) *cobra.Command {
	return &cobra.Command{
		Use:   "check [FILE]",
		Short: "compile FILE (default: rules_file of the config); exit 1 listing every problem",
		Args:  maxArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return rulesCheck(cmd.Context(), &c.config, args, c.stdout, c.stderr)
		},
	}
}

func rulesDocCmd(c *cli) *cobra.Command {
	return &cobra.Command{
		Use:   "doc",
		Short: "print the rules reference (docs/rules.md)",
		Args:  noArgs,
		RunE: func(*cobra.Command, []string) error {
			_, err := io.WriteString(c.stdout, rules.Doc())
			return err
		},
	}
}

// ruleOptions are the compile options matching the configuration.
func ruleOptions(cfg *configs.Config, now func() time.Time) rules.Options {
	return rules.Options{Location: cfg.Location, Clock: now, Limits: ruleLimits(cfg.Rules)}
}

// ruleLimits maps the rules.* keys onto the rules file's limits.
func ruleLimits(c configs.RulesConfig) rules.Limits {
	return rules.Limits{MaxFileSize: c.MaxFileSize, MaxRules: c.MaxRules, MaxExprLen: c.MaxExprLen,
		MaxDepth: c.MaxDepth, MaxRuleCost: c.MaxRuleCost, MaxFileCost: c.MaxFileCost}
}

// loadRules compiles file, printing every problem to stderr on failure.
func loadRules(file string, o rules.Options, stderr io.Writer) (*rules.Ruleset, error) {
	rs, err := rules.Load(file, o)
	if err != nil {
		var le *rules.LoadError
		if errors.As(err, &le) {
			fmt.Fprintln(stderr, le.Error())
			return nil, errReported{msg: fmt.Sprintf("%s: %d problem(s)", file, len(le.Problems))}
		}
		return nil, err
	}
	return rs, nil
}

// rulesFileArg picks FILE from the arguments or the config's rules_file.
func rulesFileArg(pos []string, cfg *configs.Config) (string, error) {
	switch {
	case len(pos) > 1:
		return "", fmt.Errorf("unexpected argument %q", pos[1])
	case len(pos) == 1:
		return pos[0], nil
	case cfg.RulesFile != "":
		return cfg.RulesFile, nil
	}
	return "", errors.New("no rules file: give FILE, or set rules_file in the config (--config)")
}

func rulesCheck(ctx context.Context, conf *configFlag, pos []string, stdout, stderr io.Writer) error {
	cfg, err := conf.loadOffline()
	if err != nil {
		return err
	}
	file, err := rulesFileArg(pos, cfg)
	if err != nil {
		return err
	}
	rs, err := loadRules(file, ruleOptions(cfg, nil), stderr)
	if err != nil {
		serverRulesNote(ctx, cfg, file, stdout, stderr)
		return err
	}
	defer serverRulesNote(ctx, cfg, file, stdout, stderr)
	if _, err = fmt.Fprintf(stdout, "%s: ok, version %s: %d attributes, %d tag rules, %d segments, %d reply rules%s\n",
		file, rs.Version, len(rs.Attributes), len(rs.Tags), len(rs.Segments), len(rs.Replies), defaultNote(rs)); err != nil {
		return err
	}
	return printCosts(stdout, rs, cfg.Rules)
}

func defaultNote(rs *rules.Ruleset) string {
	if rs.Default != nil {
		return " and a default reply"
	}
	return ""
}

// staticRules serves one ruleset where a live one is expected.
func staticRules(rs *rules.Ruleset) func() *rules.Ruleset {
	return func() *rules.Ruleset { return rs }
}

// needServerRedis refuses a command that reads or writes the server's data
// when no Redis is configured: the embedded store lives and dies inside
// the server process, out of any other command's reach.
func needServerRedis(cfg *configs.Config) error {
	if cfg.Redis.URL.Value() == "" {
		return errors.New("redis.url is empty: the embedded store lives inside the server process; point redis.url (or WXCAST_REDIS_URL) at the server's Redis")
	}
	return nil
}

// openServerRedis opens the server's Redis for a command that reads or
// writes its data (needServerRedis says why an empty redis.url will not
// do).
func openServerRedis(ctx context.Context, cfg *configs.Config) (*store.Store, func() error, error) {
	if err := needServerRedis(cfg); err != nil {
		return nil, nil, err
	}
	return redisconn.Open(ctx, cfg.Redis, nil)
}
