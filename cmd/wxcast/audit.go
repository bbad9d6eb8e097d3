package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/wxcast/wxcast/internal/redisconn"
)

// runAudit exports the admin audit log as JSON lines, oldest first.
func runAudit(ctx context.Context, args, environ []string, stdout, stderr io.Writer) error {
	f := newCLIFlags("audit", environ, stderr)
	since := f.fs.String("since", "", "first moment to export: YYYY-MM-DD, YYYY-MM-DD HH:MM (in the configured timezone), RFC 3339, or a duration back from now such as 72h (required)")
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return fmt.Errorf("audit: unexpected argument %q", pos[0])
	}
	if *since == "" {
		return errors.New("audit: --since is required, e.g. --since 2026-11-01 or --since 72h")
	}
	cfg, err := f.loadOffline(environ)
	if err != nil {
		return err
	}
	from, err := parseSince(*since, time.Now(), cfg.Location)
	if err != nil {
		return err
	}
	if err := needServerRedis(cfg); err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	st, closeStore, err := redisconn.Open(ctx, cfg.Redis, nil)
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
	return time.Time{}, fmt.Errorf("audit: --since %q: want YYYY-MM-DD, \"YYYY-MM-DD HH:MM\", RFC 3339 or a duration like 72h", s)
}
