package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/wxcast/wxcast/bot/broadcast"
	"github.com/wxcast/wxcast/bot/export"
	"github.com/wxcast/wxcast/configs"
)

// perBatchNote is what every export says on stderr, its help and the
// docs: WeChat tells no per-follower delivery.
const perBatchNote = `WeChat reports delivery per batch, not per follower: a batch_outcome of
"accepted" means WeChat accepted the follower's batch, not that this
follower received or read the message.`

func broadcastsCmd(c *cli) *cobra.Command {
	return group("broadcasts", "export what became of a broadcast's audience", broadcastsExportCmd(c))
}

func broadcastsExportCmd(c *cli) *cobra.Command {
	var format, output string
	cmd := &cobra.Command{
		Use:   "export ID [--format csv|jsonl] [--output FILE]",
		Short: "one row per follower of a broadcast's frozen audience: version, batch, outcome, click, conversion",
		Long: `Export one row per follower of broadcast ID's frozen audience: the version
they were given (A, B…) or the holdout, the batch that carried it, the
batch's outcome (accepted, failed, unknown, pending, capped, lone, left
out) and why a follower was left out, when WeChat accepted the batch, the
first click on a tracked link, the first conversion, and whether they
unsubscribed within 24 h. Times are RFC 3339 in the configured timezone.

` + perBatchNote + `

The columns are described in docs/export.md.`,
		Example: `  wxcast broadcasts export 12 > b12.csv
  wxcast broadcasts export 12 --format jsonl --output b12.jsonl`,
		Args: argsNamed("ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runBroadcastsExport(cmd.Context(), &c.config, args[0], format, output, c.stdout, c.stderr)
		},
	}
	cmd.Flags().StringVar(&format, "format", "csv", "csv (with a header) or jsonl (one JSON object a line)")
	cmd.Flags().StringVar(&output, "output", "", "file to write (default: standard output); written whole or not at all")
	c.addConfigFlag(cmd)
	return cmd
}

func runBroadcastsExport(ctx context.Context, conf *configFlag, arg, format, output string, stdout, stderr io.Writer) error {
	id, err := strconv.ParseInt(strings.TrimPrefix(arg, "#"), 10, 64)
	if err != nil || id <= 0 {
		return usagef("broadcast ID %q: want the broadcast's number, as in 状态 12", arg)
	}
	if !knownFormat(format) {
		return usagef("--format %q: want %s", format, strings.Join(export.Formats, " or "))
	}
	cfg, err := conf.loadOffline()
	if err != nil {
		return err
	}
	st, closeStore, err := openServerRedis(ctx, cfg)
	if err != nil {
		return err
	}
	defer func() { _ = closeStore() }()
	b, err := broadcast.NewRecords(st.Broadcasts(), nil).Get(ctx, id)
	var rf *broadcast.Refusal
	if errors.As(err, &rf) && rf.Code == broadcast.CodeNotFound {
		return fmt.Errorf("no broadcast %d in this Redis (key prefix %q): check the number (列表 in the chat lists them)", id, cfg.Redis.KeyPrefix)
	}
	if err != nil {
		return err
	}
	if b.Arms == nil {
		return fmt.Errorf("broadcast %d has not begun sending (%s): its audience is split into versions, holdout and batches when sending begins", id, b.State)
	}
	fmt.Fprintln(stderr, perBatchNote)
	src := export.Sources{Members: st.Broadcasts(), Clicks: st.Links(), Conversions: st.Conversions(), Unsubscribes: st.Caps()}
	n, err := writeExport(ctx, b, src, cfg, format, output, stdout, stderr)
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("broadcast %d: its member index is empty: it is kept %d days after sending began, then Redis forgets it", id, int(broadcast.ListTTL.Hours()/24))
	}
	to := "standard output"
	if output != "" {
		to = output
	}
	fmt.Fprintf(stderr, "exported %d followers of broadcast %d to %s\n", n, id, to)
	return nil
}

func knownFormat(f string) bool {
	for _, k := range export.Formats {
		if f == k {
			return true
		}
	}
	return false
}

// writeExport writes the rows to output (a file written beside it and
// renamed when complete), or to stdout.
func writeExport(ctx context.Context, b *broadcast.Broadcast, src export.Sources, cfg *configs.Config, format, output string, stdout, stderr io.Writer) (n int, err error) {
	w := stdout
	if output != "" {
		f, err := os.CreateTemp(filepath.Dir(output), "."+filepath.Base(output)+".*")
		if err != nil {
			return 0, fmt.Errorf("--output %s: %w", output, err)
		}
		defer func() {
			if cerr := f.Close(); err == nil && cerr != nil {
				err = fmt.Errorf("--output %s: %w", output, cerr)
			}
			if err == nil {
				err = os.Rename(f.Name(), output)
			}
			if err != nil {
				_ = os.Remove(f.Name())
			}
		}()
		w = f
	}
	ew, err := export.NewWriter(w, format, cfg.Location)
	if err != nil {
		return 0, err
	}
	p := newProgress(stderr, "broadcasts export", false)
	total := int64(0)
	if b.Plan != nil {
		total = int64(b.Plan.Audience)
	}
	done := int64(0)
	n, err = export.Run(ctx, b, src, func(page []export.Row) error {
		done += int64(len(page))
		p.Update(done, total, fmt.Sprintf("%d followers", done))
		return ew.Write(page)
	})
	p.Finish()
	if cerr := ew.Close(); err == nil {
		err = cerr
	}
	return n, err
}
