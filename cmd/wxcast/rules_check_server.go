package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/wxcast/wxcast/configs"
	"github.com/wxcast/wxcast/internal/redisconn"
	"github.com/wxcast/wxcast/rules"
)

// serverRulesNote tells what the server made of the rules file: which
// version it runs, and whether it refused this one and when, as the
// servers record it in Redis (rulesRecorder). Without redis.url there is
// nothing to ask and it says nothing; a Redis it cannot reach is a note on
// stderr, not a failure of the check.
func serverRulesNote(ctx context.Context, cfg *configs.Config, file string, stdout, stderr io.Writer) {
	if cfg.Redis.URL.Value() == "" {
		return
	}
	version, err := rules.FileVersion(file, ruleLimits(cfg.Rules))
	if err != nil {
		return // the check itself has said why the file cannot be read
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	st, closeStore, err := redisconn.Open(ctx, cfg.Redis, nil)
	if err != nil {
		fmt.Fprintf(stderr, "note: cannot ask the server's Redis which rules it runs: %v\n", err)
		return
	}
	defer func() { _ = closeStore() }()
	s, ok, err := st.SourceStates().Get(ctx, rulesStateName)
	switch {
	case err != nil:
		fmt.Fprintf(stderr, "note: cannot ask the server's Redis which rules it runs: %v\n", err)
	case !ok:
		fmt.Fprintf(stdout, "server: no wxcast server has recorded its rules in this Redis (key prefix %q)\n", cfg.Redis.KeyPrefix)
	case version == s.Running:
		fmt.Fprintf(stdout, "server: runs this version (%s)\n", version)
	case version == s.Refused:
		fmt.Fprintf(stdout, "server: refused this version (%s) at %s and runs version %s instead\n",
			version, s.RefusedAt.In(cfg.Location).Format(noteTime), s.Running)
	default:
		fmt.Fprintf(stdout, "server: runs version %s; this file is version %s, which it has not loaded\n", s.Running, version)
	}
}

const noteTime = "2006-01-02 15:04:05 MST"
