package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
)

// cmdClean deletes every key under --prefix, e.g. what a wxcast started
// with WXCAST_REDIS_KEY_PREFIX=bench:cb: wrote during a run.
func cmdClean(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("clean", flag.ContinueOnError)
	fs.SetOutput(stderr)
	redisURL := redisURLFlag(fs)
	prefix := fs.String("prefix", "", "delete every key starting with this (required, not empty)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *prefix == "" {
		return errors.New("clean: --prefix is required")
	}
	_, rdb, closeStore, err := openSingle(ctx, *redisURL, "")
	if err != nil {
		return err
	}
	defer func() { _ = closeStore() }()
	n, err := deletePrefix(ctx, rdb, *prefix)
	fmt.Fprintf(stdout, "deleted %d keys under %s\n", n, *prefix)
	return err
}
