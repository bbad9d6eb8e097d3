// Command wxload measures wxcast's callback path.
//
//	wxload run       send signed callbacks at a fixed rate or flat out; report throughput and latency
//	wxload bare      serve the baseline: a handler that only verifies the signature and answers "success"
//	wxload profiles  write realistic follower profiles through the store; report Redis bytes per follower
//	wxload followers fill a prefix with followers (segment benchmarks)
//	wxload broadcast time a broadcast to a segment, preview to last batch, against the simulator
//	wxload clicks    time the two hops of tracked-link clicks (link, authorization return) at a paced rate
//	wxload import    time an attribute import of a generated 1M-row CSV through the real import engine
//	wxload clean     delete every key under a prefix (SCAN + DEL), never FLUSHALL
//
// Every subcommand takes --help. Load is only ever sent to loopback
// addresses: run refuses any other target.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	// Profiles are bucketed in Asia/Shanghai even on hosts without tzdata.
	_ "time/tzdata"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := dispatch(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	switch {
	case err == nil:
	case errors.Is(err, flag.ErrHelp):
		os.Exit(2)
	default:
		fmt.Fprintln(os.Stderr, "wxload:", err)
		os.Exit(1)
	}
}

// command is one subcommand; the table drives dispatch and usage.
type command struct {
	name, usage string
	run         func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"run", "send callbacks to a server and report throughput and latency", cmdRun},
		{"bare", "serve a handler that only verifies the signature (the baseline)", cmdBare},
		{"profiles", "write follower profiles and report Redis memory per follower", cmdProfiles},
		{"followers", "fill a prefix with followers for segment benchmarks", cmdFollowers},
		{"broadcast", "time a broadcast to a segment against the WeChat API simulator", cmdBroadcast},
		{"sync", "time a follower sync from the WeChat API simulator", cmdSync},
		{"clicks", "time the two hops of tracked-link clicks at a paced rate", cmdClicks},
		{"import", "time an attribute import of a generated CSV (wxcast users import)", cmdImport},
		{"clean", "delete every key under a prefix", cmdClean},
	}
}

// dispatch is the whole program, callable from tests.
func dispatch(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stdout)
		if len(args) == 0 {
			return errors.New("no command given")
		}
		return nil
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(ctx, args[1:], stdout, stderr)
		}
	}
	usage(stderr)
	return fmt.Errorf("unknown command %q", args[0])
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: wxload <command> [flags]")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.usage)
	}
}
