package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/wxcast/wxcast/bot/attrimport"
	"github.com/wxcast/wxcast/rules"
	"github.com/wxcast/wxcast/store"
)

// importRules declares the attributes of the generated file: one of each
// type, as an RFM import would carry.
const importRules = "attributes:\n  vip_level: int\n  spend_90d: float\n  city: string\n  last_order_at: time\n  member: bool\n"

// cmdImport times `wxcast users import` on a generated CSV: it writes n
// rows to a temporary file, runs the import engine against Redis twice
// (the second pass finds every value stored and writes nothing), and
// reports rows/s and the process's peak RSS.
func cmdImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	redisURL := redisURLFlag(fs)
	prefix := fs.String("prefix", "bench:import:", "key prefix to write under; must hold no keys yet; deleted afterwards")
	n := fs.Int("n", 1000000, "rows to generate and import")
	workers := fs.Int("workers", 4, "pipelines in flight")
	batch := fs.Int("batch", 1000, "rows per pipeline")
	keep := fs.Bool("keep", false, "keep the keys afterwards (for segment runs over them)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *prefix == "" || *n < 1 || *workers < 1 || *batch < 1 {
		return errors.New("import: --prefix must not be empty; --n, --workers and --batch > 0")
	}
	rs, err := rules.Parse("bench.yaml", []byte(importRules), rules.Options{})
	if err != nil {
		return err
	}
	st, rdb, closeStore, err := openSingle(ctx, *redisURL, *prefix)
	if err != nil {
		return err
	}
	defer func() { _ = closeStore() }()
	if busy, err := anyKey(ctx, rdb, *prefix); err != nil || busy {
		return errors.Join(err, fmt.Errorf("import: keys under %q exist already; clean them or pick another --prefix", *prefix))
	}
	if !*keep {
		defer func() {
			if _, err := deletePrefix(context.WithoutCancel(ctx), rdb, *prefix); err != nil {
				fmt.Fprintf(stderr, "import: cleaning %s: %v\n", *prefix, err)
			}
		}()
	}
	dir, err := os.MkdirTemp("", "wxload-import-")
	if err != nil {
		return err
	}
	defer func() { _ = os.RemoveAll(dir) }()
	file := filepath.Join(dir, "attrs.csv")
	size, err := writeImportCSV(file, *n)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "generated %d rows (%.0f MB) in %s\n", *n, float64(size)/1e6, file)
	f := st.Followers(store.Calendar{Loc: time.UTC}, store.Limits{})
	for _, pass := range []string{"first import", "re-import"} {
		sum, took, err := timeImport(ctx, file, rs, f, *workers, *batch)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s: %d rows in %.1fs = %.0f rows/s; %d changed, %d unchanged, %d bad; peak RSS %.0f MB\n",
			pass, sum.Read, took.Seconds(), float64(sum.Read)/took.Seconds(), sum.Changed, sum.Unchanged, sum.Bad, procMB("VmHWM:"))
	}
	return nil
}

func timeImport(ctx context.Context, file string, rs *rules.Ruleset, f *store.Followers, workers, batch int) (attrimport.Summary, time.Duration, error) {
	in, err := os.Open(file)
	if err != nil {
		return attrimport.Summary{}, 0, err
	}
	defer func() { _ = in.Close() }()
	start := time.Now()
	sum, err := attrimport.Run(ctx, in, attrimport.Options{
		Rules: rs, Store: f, Format: attrimport.CSV, Name: file, Workers: workers, BatchSize: batch,
	})
	return sum, time.Since(start), err
}

// writeImportCSV writes n rows of realistic attributes and returns the
// file's size.
func writeImportCSV(path string, n int) (int64, error) {
	out, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	w := bufio.NewWriterSize(out, 1<<20)
	cities := []string{"上海", "北京", "广州", "深圳", "杭州", "成都"}
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	fmt.Fprintln(w, "openid,vip_level,spend_90d,city,last_order_at,member")
	for i := range n {
		fmt.Fprintf(w, "oLoad%023d,%d,%d.%02d,%s,%s,%t\n", i, i%6, i%5000, i%100, cities[i%len(cities)],
			time.Unix(base+int64(i%(180*86400)), 0).UTC().Format(time.RFC3339), i%3 == 0)
	}
	if err := w.Flush(); err != nil {
		_ = out.Close()
		return 0, err
	}
	st, err := out.Stat()
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return 0, err
	}
	return st.Size(), nil
}
