package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/wxcast/wxcast/configs"
)

// cli is what every command is built with: the environment (passed in,
// never read from the process, so tests can give their own) and where
// output goes.
type cli struct {
	environ        []string
	stdout, stderr io.Writer
	// config is --config, shared by the commands that read the
	// configuration (see addConfigFlag).
	config configFlag
}

// newRootCmd builds the command tree. Each command's declaration lives
// beside its logic (rules.go, segment.go, …); this file holds what they
// share.
func newRootCmd(c *cli) *cobra.Command {
	root := &cobra.Command{
		Use:   "wxcast",
		Short: "wxcast: a self-hosted server for a WeChat Official Account",
		Long: `wxcast receives WeChat callbacks, tags followers by rules and lets admins
preview, approve and send segmented broadcasts from WeChat chat.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		// The root runs only to show its help or refuse an unknown command.
		Args: subcommandArgs,
		RunE: groupRun,
	}
	root.Annotations = map[string]string{groupAnnotation: "true"}
	root.SetUsageTemplate(usageTemplate)
	root.SetOut(c.stdout)
	root.SetErr(c.stderr)
	root.SetFlagErrorFunc(flagError)
	root.AddCommand(
		demoCmd(c), simCmd(c), serveCmd(c),
		rulesCmd(c), segmentCmd(c), wordsCmd(c), usersCmd(c),
		adminsCmd(c), auditCmd(c), broadcastsCmd(c), versionCmd(c),
	)
	// cobra's completion command, made now so that it refuses an unknown
	// shell like any group refuses an unknown command.
	root.InitDefaultCompletionCmd()
	for _, cmd := range root.Commands() {
		if cmd.Name() == "completion" {
			cmd.Args, cmd.RunE = subcommandArgs, groupRun
			cmd.Annotations = map[string]string{groupAnnotation: "true"}
		}
	}
	lowerShorts(root)
	return root
}

// run is the whole program but for printing the error and exiting,
// callable from tests with their own environment. An error names the
// command it comes from once ("wxcast rules check: …").
func run(ctx context.Context, args, environ []string, stdout, stderr io.Writer) error {
	c := &cli{environ: environ, stdout: stdout, stderr: stderr}
	root := newRootCmd(c)
	if args == nil {
		args = []string{} // nil makes cobra read os.Args
	}
	root.SetArgs(args)
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return nil
	}
	var reported errReported
	if errors.As(err, &reported) {
		return err
	}
	path := "wxcast"
	if cmd != nil {
		path = cmd.CommandPath()
	}
	var ue usageError
	if errors.As(err, &ue) {
		return usageError{err: fmt.Errorf("%s: %w", path, ue.err), help: path + " --help"}
	}
	return fmt.Errorf("%s: %w", path, err)
}

// runMain is main without os.Exit: it runs the command, prints its error
// once and returns the exit status: 0, 1 for a failure, 2 for a usage
// error (an unknown command or flag, a missing argument).
func runMain(ctx context.Context, args, environ []string, stdout, stderr io.Writer) int {
	err := run(ctx, args, environ, stdout, stderr)
	var (
		reported errReported
		ue       usageError
	)
	switch {
	case err == nil:
		return 0
	case errors.As(err, &reported):
		return 1 // the command has printed what went wrong
	case errors.As(err, &ue):
		fmt.Fprintln(stderr, err)
		fmt.Fprintf(stderr, "Run '%s' for usage.\n", ue.help)
		return 2
	default:
		fmt.Fprintln(stderr, err)
		return 1
	}
}

// errReported fails a command that has already told the user why (rules
// check prints every problem of a file, one per line).
type errReported struct{ msg string }

func (e errReported) Error() string { return e.msg }

// usageError is a command line wxcast cannot run: exit status 2, and a
// pointer to the help.
type usageError struct {
	err  error
	help string // the help command to point at, set by run
}

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// usagef is a usageError from a message.
func usagef(format string, args ...any) error {
	return usageError{err: fmt.Errorf(format, args...)}
}

// subcommandArgs refuses an unknown subcommand of a command that only
// groups others (wxcast rules frob), suggesting the likely one. "help"
// is let through: wxcast rules help shows the group's help.
func subcommandArgs(cmd *cobra.Command, args []string) error {
	if len(args) == 0 || args[0] == "help" {
		return nil // groupRun shows the help asked for
	}
	msg := fmt.Sprintf("unknown command %q", args[0])
	cmd.SuggestionsMinimumDistance = 1
	if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
		msg += fmt.Sprintf("; did you mean %s?", strings.Join(s, " or "))
	}
	return usagef("%s (commands: %s)", msg, strings.Join(subcommandNames(cmd), ", "))
}

func subcommandNames(cmd *cobra.Command) []string {
	var names []string
	for _, s := range cmd.Commands() {
		if s.IsAvailableCommand() {
			names = append(names, s.Name())
		}
	}
	return names
}

// groupRun shows a group's help (wxcast, wxcast rules, wxcast rules
// help) or a subcommand's (wxcast rules help check).
func groupRun(cmd *cobra.Command, args []string) error {
	if len(args) > 1 {
		sub, _, err := cmd.Find(args[1:])
		if err != nil || sub == cmd {
			return subcommandArgs(cmd, args[1:])
		}
		return sub.Help()
	}
	return cmd.Help()
}

// group is a command that only holds subcommands.
func group(use, short string, subs ...*cobra.Command) *cobra.Command {
	g := &cobra.Command{Use: use, Short: short, Args: subcommandArgs, RunE: groupRun,
		Annotations: map[string]string{groupAnnotation: "true"}}
	g.AddCommand(subs...)
	return g
}

// groupAnnotation marks a command that only holds others: it runs, to
// refuse an unknown subcommand, but its usage shows only "[command]".
const groupAnnotation = "wxcast/group"

// usageTemplate is cobra's, but for a group's usage line.
const usageTemplate = `Usage:{{if and .Runnable (not (index .Annotations "` + groupAnnotation + `"))}}
  {{.UseLine}}{{end}}{{if .HasAvailableSubCommands}}
  {{.CommandPath}} [command]{{end}}{{if .HasExample}}

Examples:
{{.Example}}{{end}}{{if .HasAvailableSubCommands}}

Available Commands:{{range .Commands}}{{if (or .IsAvailableCommand (eq .Name "help"))}}
  {{rpad .Name .NamePadding }} {{.Short}}{{end}}{{end}}{{end}}{{if .HasAvailableLocalFlags}}

Flags:
{{.LocalFlags.FlagUsages | trimTrailingWhitespaces}}{{end}}{{if .HasAvailableInheritedFlags}}

Global Flags:
{{.InheritedFlags.FlagUsages | trimTrailingWhitespaces}}{{end}}{{if .HasAvailableSubCommands}}

Use "{{.CommandPath}} [command] --help" for more information about a command.{{end}}
`

// noArgs refuses positional arguments.
func noArgs(_ *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usagef("unexpected argument %q", args[0])
	}
	return nil
}

// argsNamed wants exactly the named positional arguments (NAME, FILE…).
func argsNamed(names ...string) cobra.PositionalArgs {
	return func(_ *cobra.Command, args []string) error {
		switch {
		case len(args) < len(names):
			return usagef("missing %s", strings.Join(names[len(args):], " "))
		case len(args) > len(names):
			return usagef("unexpected argument %q", args[len(names)])
		}
		return nil
	}
}

// maxArgs allows up to n positional arguments.
func maxArgs(n int) cobra.PositionalArgs {
	return func(_ *cobra.Command, args []string) error {
		if len(args) > n {
			return usagef("unexpected argument %q", args[n])
		}
		return nil
	}
}

// configFlag is --config: the configuration file, by default
// WXCAST_CONFIG of the environment given to run.
type configFlag struct {
	path    string
	environ []string
}

// addConfigFlag gives cmd and its subcommands --config. It is the one
// place the flag is declared.
func (c *cli) addConfigFlag(cmd *cobra.Command) {
	c.config.environ = c.environ
	cmd.PersistentFlags().StringVar(&c.config.path, "config", lookupEnv(c.environ, "WXCAST_CONFIG"),
		"configuration file (YAML); default: $WXCAST_CONFIG")
}

// load loads the configuration file and the WXCAST_ variables.
func (f *configFlag) load() (*configs.Config, error) {
	if err := f.checkFile(); err != nil {
		return nil, err
	}
	cfg, err := configs.Load(f.path, f.environ)
	if err != nil {
		return nil, f.configError(err)
	}
	return cfg, nil
}

// checkFile names a configuration file that cannot be read, and where
// its path came from: --config or WXCAST_CONFIG.
func (f *configFlag) checkFile() error {
	if f.path == "" {
		return nil
	}
	_, err := os.Stat(f.path)
	if err == nil {
		return nil
	}
	name := "--config"
	if f.path == lookupEnv(f.environ, "WXCAST_CONFIG") {
		name = "WXCAST_CONFIG"
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return fmt.Errorf("%s %s: %w", name, f.path, err)
}

// flagChanged reports whether the command line set the flag name.
func flagChanged(fs *pflag.FlagSet, name string) bool {
	f := fs.Lookup(name)
	return f != nil && f.Changed
}
