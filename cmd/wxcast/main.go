// Command wxcast runs the wxcast server and its tools.
//
//	wxcast demo                         try it locally on a simulated WeChat
//	wxcast sim                          the simulated WeChat alone
//	wxcast serve --config wxcast.yaml   run the callback server
//	wxcast rules check|test|doc|backtest
//	wxcast segment count|sample NAME
//	wxcast users sync|import|show
//	wxcast admins add --name 小李 --roles owner
//	wxcast audit --since 2026-11-01       export the admin audit log (JSON lines)
//	wxcast version                      print the version
//	wxcast completion bash|zsh|fish|powershell
//
// It is wiring and command-line only: serve.go and broadcasts.go build the
// store, the WeChat client, the rules and word lists, the bot with its
// broadcast services and the HTTP server from the configuration; every
// decision is made in the packages they wire.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/wxcast/wxcast/configs"

	// The binary must know Asia/Shanghai even on hosts without tzdata.
	_ "time/tzdata"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// go-redis logs through one process-wide logger; until a command has
	// its own, its lines are JSON on stderr like the default log.
	fallback, _ := newLogger(configs.LogConfig{Level: "warn", Format: "json"}, os.Stderr)
	ctx = withRedisLog(ctx, installRedisLog(fallback))
	code := runMain(ctx, os.Args[1:], os.Environ(), os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
