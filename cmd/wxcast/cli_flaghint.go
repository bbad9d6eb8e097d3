package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// flagError is the root's flag error handler: a usage error, and for a
// long flag written with one dash (-config, as Go's flag package took it)
// the spelling that works.
func flagError(cmd *cobra.Command, err error) error {
	if hint := singleDashHint(cmd.Flags(), err.Error()); hint != "" {
		err = fmt.Errorf("%w (long flags take two dashes: %s)", err, hint)
	}
	return usageError{err: err}
}

// singleDashHint reads pflag's "unknown shorthand flag: 'c' in -config"
// and answers "--config" when the command has a flag of that name, else "".
func singleDashHint(fs *pflag.FlagSet, msg string) string {
	const prefix = "unknown shorthand flag: "
	if !strings.HasPrefix(msg, prefix) {
		return ""
	}
	_, word, ok := strings.Cut(msg, " in -")
	if !ok {
		return ""
	}
	name, _, _ := strings.Cut(word, "=")
	if len(name) < 2 || fs.Lookup(name) == nil {
		return ""
	}
	return "--" + word
}
