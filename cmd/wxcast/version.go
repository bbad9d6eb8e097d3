package main

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// version is wxcast's release. It is a variable only so that release
// builds can stamp it: -ldflags "-X main.version=1.2.3". Nothing else
// writes it.
var version = "0.1.0-dev"

func versionCmd(c *cli) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "print the version",
		Args:  noArgs,
		RunE:  func(*cobra.Command, []string) error { return runVersion(c.stdout) },
	}
}

func runVersion(stdout io.Writer) error {
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
