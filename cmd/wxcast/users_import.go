package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"
	"go.uber.org/zap"

	"github.com/wxcast/wxcast/bot"
	"github.com/wxcast/wxcast/bot/attrimport"
	"github.com/wxcast/wxcast/bot/attrs"
	"github.com/wxcast/wxcast/bot/broadcast"
	"github.com/wxcast/wxcast/bot/results"
	"github.com/wxcast/wxcast/configs"
	"github.com/wxcast/wxcast/rules"
	"github.com/wxcast/wxcast/store"
)

// maxListedBad is how many bad rows are listed one by one; the rest are
// counted.
const maxListedBad = 50

// usersImportOptions are the flags of wxcast users import.
type usersImportOptions struct {
	file, rules, format string
	dryRun              bool
}

func usersImportCmd(c *cli) *cobra.Command {
	var o usersImportOptions
	cmd := &cobra.Command{
		Use:   "import [--dry-run] [--format csv|jsonl] [--rules FILE] FILE",
		Short: "set business attributes from a CSV or JSON-lines file",
		Args:  argsNamed("FILE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.file = args[0]
			return usersImport(cmd.Context(), &c.config, o, c.stdout, c.stderr)
		},
	}
	cmd.Flags().StringVar(&o.rules, "rules", "", "rules file declaring the attributes (default: rules_file of the config)")
	cmd.Flags().BoolVar(&o.dryRun, "dry-run", false, "check every row and count what would change, without writing")
	cmd.Flags().StringVar(&o.format, "format", "", "csv or jsonl (default: from the file's extension: .csv, .jsonl, .ndjson, .json)")
	return cmd
}

// usersImport sets business attributes from FILE: a CSV with an openid
// column and one column per declared attribute, or JSON lines. Bad rows
// are listed and skipped; the good ones are applied.
func usersImport(ctx context.Context, conf *configFlag, o usersImportOptions, stdout, stderr io.Writer) error {
	file := o.file
	fm, err := attrimport.FormatOf(file, o.format)
	if err != nil {
		return err
	}
	in, err := os.Open(file)
	if err != nil {
		return err
	}
	defer func() { _ = in.Close() }()
	cfg, err := conf.loadOffline()
	if err != nil {
		return err
	}
	rs, err := importRules(cfg, o.rules, stderr)
	if err != nil {
		return err
	}
	st, closeStore, err := openServerRedis(ctx, cfg)
	if err != nil {
		return err
	}
	defer func() { _ = closeStore() }()
	bad := badLister{w: stderr, file: file}
	start := time.Now()
	var size int64
	if fi, err := in.Stat(); err == nil {
		size = fi.Size()
	}
	bar := newProgress(stderr, "users import "+file, true)
	cal := store.Calendar{Loc: cfg.Location}
	followers := st.Followers(cal, store.Limits{
		DedupTTL: cfg.Callback.DedupTTL.D(), HistoryMax: cfg.Profile.HistoryMax, HistoryDays: cfg.Profile.HistoryDays,
	})
	sum, err := attrimport.Run(ctx, &readProgress{r: in, total: size, p: bar}, attrimport.Options{
		Rules: rs, Store: followers,
		Format: fm, Name: file, DryRun: o.dryRun, OnBad: bad.add,
		Conversions: importConversions(cfg, st, rs, followers, cal),
	})
	bar.Finish()
	bad.close()
	if err != nil {
		return err
	}
	return reportImport(stdout, stderr, file, sum, o.dryRun, time.Since(start))
}

// importRules loads the rules file that declares the attributes.
func importRules(cfg *configs.Config, file string, stderr io.Writer) (*rules.Ruleset, error) {
	if file == "" {
		file = cfg.RulesFile
	}
	if file == "" {
		return nil, errors.New("no rules file: set rules_file in the config, or --rules FILE; its attributes section declares what may be imported")
	}
	rs, err := loadRules(file, ruleOptions(cfg, nil), stderr)
	if err != nil {
		return nil, err
	}
	if len(rs.Attributes) == 0 {
		return nil, fmt.Errorf("%s declares no attributes: add an attributes section (name: type)", file)
	}
	return rs, nil
}

// badLister prints the first bad rows as FILE:LINE: reason and counts the
// rest.
type badLister struct {
	w    io.Writer
	file string
	n    int
}

func (b *badLister) add(p attrimport.Problem) {
	b.n++
	if b.n <= maxListedBad {
		fmt.Fprintf(b.w, "%s:%d: %s\n", b.file, p.Line, p.Reason)
	}
}

func (b *badLister) close() {
	if b.n > maxListedBad {
		fmt.Fprintf(b.w, "… and %d more bad rows\n", b.n-maxListedBad)
	}
}

func reportImport(stdout, stderr io.Writer, file string, s attrimport.Summary, dry bool, took time.Duration) error {
	if dry {
		fmt.Fprintf(stdout, "%s: dry run, nothing written: %d rows read, %d good (%d would change, %d unchanged), %d bad, %.1fs\n",
			file, s.Read, s.Applied, s.Changed, s.Unchanged, s.Bad, took.Seconds())
	} else {
		fmt.Fprintf(stdout, "%s: %d rows read, %d applied (%d changed, %d unchanged), %d bad, %.1fs\n",
			file, s.Read, s.Applied, s.Changed, s.Unchanged, s.Bad, took.Seconds())
	}
	if s.Conversions > 0 {
		fmt.Fprintf(stdout, "%d rows changed a conversion attribute (results.conversion_attributes): recorded as attributes events\n", s.Conversions)
	}
	if s.ConversionErrors > 0 {
		fmt.Fprintf(stderr, "%d of them could not be recorded (their values are stored)\n", s.ConversionErrors)
	}
	if s.Bad == 0 {
		return nil
	}
	what := "the good rows were applied"
	if dry {
		what = "nothing was written"
	}
	fmt.Fprintf(stderr, "%d bad rows were skipped (listed above); %s. Fix them and import the file again: rows already stored are left unchanged.\n", s.Bad, what)
	return errReported{msg: fmt.Sprintf("%s: %d bad rows", file, s.Bad)}
}

// importConversions records the rows that change a conversion attribute
// as the serving bot does: an attributes event with the file's rules'
// tag rules (the WeChat tag mirror catches up at the next sync). nil when
// results.conversion_attributes lists none.
func importConversions(cfg *configs.Config, st *store.Store, rs *rules.Ruleset, followers *store.Followers, cal store.Calendar) *attrs.Converter {
	if len(cfg.Results.ConversionAttributes) == 0 {
		return nil
	}
	b := bot.New(bot.Options{Followers: followers, Rules: bot.NewRules(fixedRules{rs}, cal, zap.NewNop())})
	// The conversions are laid at the door of the broadcasts that reached
	// each buyer, as the server does with the attributes API's.
	res := results.New(results.Options{
		Records: broadcast.NewRecords(st.Broadcasts(), nil), Store: st.Broadcasts(), Conversions: st.Conversions(),
		MeasureWindow: cfg.Broadcast.MeasureWindow.D(),
	})
	return attrs.NewConverter(attrs.ConversionOptions{Attributes: cfg.Results.ConversionAttributes, Behaviour: b, Conversions: res})
}

// fixedRules is one ruleset that never reloads.
type fixedRules struct{ rs *rules.Ruleset }

func (f fixedRules) Current() *rules.Ruleset { return f.rs }
