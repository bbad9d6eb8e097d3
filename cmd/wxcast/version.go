package main

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
)

// version is wxcast's release. It is a variable only so that release
// builds can stamp it: -ldflags "-X main.version=1.2.3". Nothing else
// writes it.
var version = "0.1.0-dev"

func runVersion(_ context.Context, _, _ []string, stdout, _ io.Writer) error {
	rev := ""
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				rev = " (" + s.Value[:12] + ")"
			}
		}
	}
	_, err := fmt.Fprintf(stdout, "wxcast %s%s %s\n", version, rev, runtime.Version())
	return err
}
