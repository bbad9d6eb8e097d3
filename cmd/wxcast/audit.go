package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"
)

func auditCmd(c *cli) *cobra.Command {
	var since string
	cmd := &cobra.Command{
		Use:   "audit --since WHEN",
		Short: "export the admin audit log as JSON lines, oldest first",
		Example: `  wxcast audit --since 2026-11-01
  wxcast audit --since 72h`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runAudit(cmd.Context(), &c.config, since, c.stdout) },
	}
	cmd.Flags().StringVar(&since, "since", "", "first moment to export: YYYY-MM-DD, YYYY-MM-DD HH:MM (in the configured timezone), RFC 3339, or a duration back from now such as 72h (required)")
	c.addConfigFlag(cmd)
	return cmd
}

// runAudit exports the admin audit log as JSON lines, oldest first.
func runAudit(ctx context.Context, conf *configFlag, since string, stdout io.Writer) error {
	if since == "" {
		return usagef("--since is required, e.g. --since 2026-11-01 or --since 72h")
	}
	cfg, err := conf.loadOffline()
	if err != nil {
		return err
	}
	from, err := parseSince(since, time.Now(), cfg.Location)
	if err != nil {
		return usageError{err: err}
	}
	st, closeStore, err := openServerRedis(ctx, cfg)
	if err != nil {
		return err
	}
	defer func() { _ = closeStore() }()
	w := bufio.NewWriter(stdout)
	err = st.Broadcasts().AuditSince(ctx, from, func(e []byte) error {
		_, _ = w.Write(e)
		return w.WriteByte('\n')
	})
	if ferr := w.Flush(); err == nil {
		err = ferr
	}
	return err
}

// parseSince reads --since.
func parseSince(s string, now time.Time, loc *time.Location) (time.Time, error) {
	if d, err := time.ParseDuration(s); err == nil && d >= 0 {
		return now.Add(-d), nil
	}
	for _, layout := range []string{time.DateOnly, "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("--since %q: want YYYY-MM-DD, \"YYYY-MM-DD HH:MM\", RFC 3339 or a duration like 72h", s)
}
