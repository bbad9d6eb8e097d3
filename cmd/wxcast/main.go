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
//
// It is wiring and command-line only: serve.go and broadcasts.go build the
// store, the WeChat client, the rules and word lists, the bot with its
// broadcast services and the HTTP server from the configuration; every
// decision is made in the packages they wire.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
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
	err := run(ctx, os.Args[1:], os.Environ(), os.Stdout, os.Stderr)
	stop()
	var reported errReported
	switch {
	case err == nil:
	case errors.As(err, &reported):
		os.Exit(1) // the command has printed what went wrong
	default:
		fmt.Fprintln(os.Stderr, "wxcast:", err)
		os.Exit(1)
	}
}

// errReported fails a command that has already told the user why (rules
// check prints every problem of a file, one per line).
type errReported struct{ msg string }

func (e errReported) Error() string { return e.msg }

// command is one subcommand; the table drives dispatch and usage.
type command struct {
	name, usage string
	run         func(ctx context.Context, args, environ []string, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"demo", "try wxcast locally: simulated WeChat, followers and a web page (--listen, --followers)", runDemo},
		{"sim", "run the simulated WeChat alone, with a page to push callbacks (--listen, --callback)", runSim},
		{"serve", "run the callback server (--config FILE, or WXCAST_CONFIG)", runServe},
		{"rules", "check, test, document and back-test rules files (wxcast rules help)", runRules},
		{"segment", "count or sample a segment's followers (wxcast segment help)", runSegment},
		{"words", "check the content-check word lists and what a text hits (wxcast words help)", runWords},
		{"users", "sync followers from WeChat, import attributes, show one follower (wxcast users help)", runUsers},
		{"admins", "add an admin: they send a one-time code from their WeChat (wxcast admins help)", runAdmins},
		{"audit", "export the admin audit log as JSON lines (--since 2026-11-01)", runAudit},
		{"version", "print the version", runVersion},
	}
}

// run is the whole program, callable from tests.
func run(ctx context.Context, args, environ []string, stdout, stderr io.Writer) error {
	return dispatch("wxcast", commands(), ctx, args, environ, stdout, stderr)
}

// dispatch runs the command of table cmds that args[0] names; prog is what
// usage calls the program ("wxcast", "wxcast rules"). The same table gives
// the usage text.
func dispatch(prog string, cmds []command, ctx context.Context, args, environ []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stdout, prog, cmds)
		if len(args) == 0 {
			return fmt.Errorf("%s: no command given", prog)
		}
		return nil
	}
	for _, c := range cmds {
		if c.name == args[0] {
			return c.run(ctx, args[1:], environ, stdout, stderr)
		}
	}
	usage(stderr, prog, cmds)
	return fmt.Errorf("%s: unknown command %q", prog, args[0])
}

func usage(w io.Writer, prog string, cmds []command) {
	fmt.Fprintf(w, "usage: %s <command> [flags]\n", prog)
	for _, c := range cmds {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.usage)
	}
}
