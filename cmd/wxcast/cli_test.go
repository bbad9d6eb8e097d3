package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// commandPaths walks the whole command tree, cobra's help and completion
// commands included, so a command added later is covered too.
func commandPaths(t *testing.T) [][]string {
	t.Helper()
	root := newRootCmd(&cli{stdout: io.Discard, stderr: io.Discard})
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	var paths [][]string
	var walk func(c *cobra.Command, path []string)
	walk = func(c *cobra.Command, path []string) {
		paths = append(paths, path)
		for _, s := range c.Commands() {
			walk(s, append(append([]string(nil), path...), s.Name()))
		}
	}
	walk(root, nil)
	if len(paths) < 20 {
		t.Fatalf("the walk found only %d commands: %v", len(paths), paths)
	}
	return paths
}

func runCLI(args ...string) (code int, stdout, stderr string) {
	var out, errs bytes.Buffer
	code = runMain(context.Background(), args, nil, &out, &errs)
	return code, out.String(), errs.String()
}

func TestHelpOnEveryCommand(t *testing.T) {
	t.Parallel()
	for _, path := range commandPaths(t) {
		for _, flag := range []string{"-h", "--help"} {
			args := append(append([]string(nil), path...), flag)
			code, out, errs := runCLI(args...)
			name := strings.Join(append([]string{"wxcast"}, path...), " ")
			if code != 0 {
				t.Errorf("%s %s: exit %d, want 0\n%s", name, flag, code, errs)
			}
			if strings.Contains(out+errs, "help requested") {
				t.Errorf("%s %s printed \"help requested\":\n%s%s", name, flag, out, errs)
			}
			if !strings.Contains(out, "Usage:") || !strings.Contains(out, name) {
				t.Errorf("%s %s: no usage of %q on stdout:\n%s", name, flag, name, out)
			}
			if errs != "" {
				t.Errorf("%s %s wrote to stderr: %s", name, flag, errs)
			}
		}
	}
}

func TestNoArgumentsShowHelp(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{nil, {"rules"}, {"users", "help"}, {"help", "segment"}, {"rules", "help", "check"}} {
		code, out, errs := runCLI(args...)
		if code != 0 || !strings.Contains(out, "Usage:") || errs != "" {
			t.Errorf("wxcast %v: exit %d, stdout %q, stderr %q; want the help and 0", args, code, out, errs)
		}
	}
	// A group's usage shows its commands, not a run of its own.
	if _, out, _ := runCLI("rules", "--help"); strings.Contains(out, "wxcast rules [flags]") {
		t.Errorf("the rules group offers itself as runnable:\n%s", out)
	}
}

func TestUsageErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"frobnicate"}, `wxcast: unknown command "frobnicate"`},
		{[]string{"rules", "chek"}, `wxcast rules: unknown command "chek"; did you mean check?`},
		{[]string{"rules", "help", "chek"}, `wxcast rules: unknown command "chek"; did you mean check?`},
		{[]string{"version", "--nope"}, "wxcast version: unknown flag: --nope"},
		{[]string{"demo", "--followers", "many"}, `wxcast demo: invalid argument "many" for "--followers"`},
		{[]string{"segment", "count"}, "wxcast segment count: missing NAME"},
		{[]string{"users", "sync", "extra"}, `wxcast users sync: unexpected argument "extra"`},
		{[]string{"rules", "test", "rules.yaml"}, "wxcast rules test: --user is required"},
		{[]string{"sim", "--mode", "weird"}, `wxcast sim: --mode "weird": want plain, compat or safe`},
		{[]string{"audit", "--since", "yesterday"}, `wxcast audit: --since "yesterday": want YYYY-MM-DD`},
	} {
		code, out, errs := runCLI(tc.args...)
		if code != 2 {
			t.Errorf("wxcast %v: exit %d, want 2 (a usage error)", tc.args, code)
		}
		if !strings.HasPrefix(errs, tc.want) {
			t.Errorf("wxcast %v: stderr %q, want it to start with %q", tc.args, errs, tc.want)
		}
		if !strings.Contains(errs, "--help' for usage") || strings.Count(errs, "\n") != 2 {
			t.Errorf("wxcast %v: stderr %q, want the error and a pointer to --help, two lines", tc.args, errs)
		}
		if out != "" {
			t.Errorf("wxcast %v: stdout %q, want nothing", tc.args, out)
		}
	}
}

// TestErrorsNameTheCommandOnce runs failing commands and checks each
// error is printed once, prefixed once by the command's path, with no
// doubled prefix such as "wxcast: wxcast:" or "users import: users
// import:".
func TestErrorsNameTheCommandOnce(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, args := range [][]string{
		{"frobnicate"},
		{"rules", "frob"},
		{"demo", "extra"},
		{"demo", "--followers", "-1"},
		{"demo", "--rate", "0"},
		{"sim", "--draft-ids", "sometimes"},
		{"sim", "--stats-shape", "guessed"},
		{"sim", "extra"},
		{"serve", "--config", dir + "/nope.yaml"},
		{"rules", "check", dir + "/nope.yaml"},
		{"rules", "check", "a", "b"},
		{"rules", "doc", "extra"},
		{"rules", "test", "x.yaml"},
		{"rules", "backtest"},
		{"rules", "backtest", "x.yaml", "--days", "0"},
		{"segment", "sample", "vip", "-n", "0"},
		{"segment", "count", "vip", "--config", dir + "/nope.yaml"},
		{"words", "check", "a", "b"},
		{"users", "import"},
		{"users", "show"},
		{"users", "sync", "--workers", "99"},
		{"audit"},
		{"audit", "extra"},
		{"version", "extra"},
		{"completion", "tcsh"},
	} {
		code, _, errs := runCLI(args...)
		if code == 0 {
			t.Errorf("wxcast %v succeeded", args)
			continue
		}
		first, _, _ := strings.Cut(errs, "\n")
		parts := strings.Split(first, ": ")
		if !strings.HasPrefix(parts[0], "wxcast") {
			t.Errorf("wxcast %v: %q does not start with the command's path", args, first)
		}
		for i := 1; i < len(parts); i++ {
			if parts[i] == parts[i-1] || strings.HasSuffix(parts[0], " "+parts[i]) && i == 1 || parts[i] == "wxcast" {
				t.Errorf("wxcast %v: doubled prefix in %q", args, first)
			}
		}
		if n := strings.Count(errs, first); n != 1 {
			t.Errorf("wxcast %v: the error is printed %d times:\n%s", args, n, errs)
		}
	}
}

func TestExitStatusOfAFailure(t *testing.T) {
	t.Parallel()
	code, _, errs := runCLI("rules", "check", t.TempDir()+"/nope.yaml")
	if code != 1 || !strings.Contains(errs, "nope.yaml") {
		t.Fatalf("rules check of a missing file: exit %d, %q; want 1 naming the file", code, errs)
	}
}

func TestCompletionScript(t *testing.T) {
	t.Parallel()
	code, out, errs := runCLI("completion", "bash")
	if code != 0 || !strings.HasPrefix(out, "# bash completion") || !strings.Contains(out, "__start_wxcast") {
		t.Fatalf("completion bash: exit %d, stderr %q, script %.200q", code, errs, out)
	}
	for _, shell := range []string{"zsh", "fish", "powershell"} {
		if code, out, _ := runCLI("completion", shell); code != 0 || !strings.Contains(out, "wxcast") {
			t.Errorf("completion %s: exit %d, %.100q", shell, code, out)
		}
	}
}

func TestMissingConfigNamesItsSource(t *testing.T) {
	t.Parallel()
	missing := t.TempDir() + "/nope.yaml"
	err := run(context.Background(), []string{"serve", "--config", missing}, nil, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "--config "+missing+": no such file") {
		t.Errorf("serve --config %s: %v", missing, err)
	}
	err = run(context.Background(), []string{"audit", "--since", "1h"}, []string{"WXCAST_CONFIG=" + missing}, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "WXCAST_CONFIG "+missing+": no such file") {
		t.Errorf("WXCAST_CONFIG=%s audit: %v", missing, err)
	}
}

func TestSingleDashLongFlagNamesTwoDashes(t *testing.T) {
	t.Parallel()
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"serve", "-config", "x.yaml"}, "wxcast serve: unknown shorthand flag: 'c' in -config (long flags take two dashes: --config)\n"},
		{[]string{"rules", "test", "r.yaml", "-user={}"}, "wxcast rules test: unknown shorthand flag: 'u' in -user={} (long flags take two dashes: --user={})\n"},
		{[]string{"segment", "sample", "x", "-rules", "r.yaml"}, "(long flags take two dashes: --rules)\n"},
		// No flag of that name: no hint.
		{[]string{"serve", "-bogus"}, "wxcast serve: unknown shorthand flag: 'b' in -bogus\n"},
	}
	for _, c := range cases {
		code, _, errs := runCLI(c.args...)
		if code != 2 {
			t.Errorf("wxcast %v: exit %d, want 2", c.args, code)
		}
		first, _, _ := strings.Cut(errs, "Run '")
		if !strings.HasSuffix(first, c.want) {
			t.Errorf("wxcast %v: stderr\n%s\nwant it to end in %q", c.args, errs, c.want)
		}
	}
}

// Without --config, a configuration that does not load says that no file
// was read and how to give one; with a file it does not.
func TestConfigErrorWithoutAFileSaysHowToGiveOne(t *testing.T) {
	t.Parallel()
	hint := "no file was read: give it with --config FILE or WXCAST_CONFIG"
	for _, args := range [][]string{
		{"serve"},
		{"admins", "add", "--name", "小李", "--roles", "owner"},
		{"users", "sync"},
	} {
		err := run(context.Background(), args, nil, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), hint) || !strings.Contains(err.Error(), "wechat.app_id") {
			t.Errorf("wxcast %v without a configuration: %v", args, err)
		}
	}
	empty := t.TempDir() + "/empty.yaml"
	if err := os.WriteFile(empty, []byte("listen: \"127.0.0.1:0\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	err := run(context.Background(), []string{"serve", "--config", empty}, nil, io.Discard, io.Discard)
	if err == nil || strings.Contains(err.Error(), hint) || !strings.Contains(err.Error(), "wechat.app_id") {
		t.Errorf("wxcast serve --config %s: %v", empty, err)
	}
}

// Every command's one-line help starts in lower case, cobra's own
// (help, completion) included, so `wxcast --help` reads as one list.
func TestShortHelpIsLowerCase(t *testing.T) {
	t.Parallel()
	for _, path := range commandPaths(t) {
		code, out, _ := runCLI(append(append([]string(nil), path...), "--help")...)
		if code != 0 {
			continue // TestHelpOnEveryCommand reports it
		}
		for _, line := range strings.Split(out, "\n") {
			// The command lists: "  name    short".
			f := strings.Fields(line)
			if len(f) < 2 || !strings.HasPrefix(line, "  ") || strings.HasPrefix(line, "   ") || strings.HasPrefix(f[0], "-") {
				continue
			}
			if r := f[1][0]; r >= 'A' && r <= 'Z' {
				t.Errorf("wxcast %s --help: %q starts in upper case", strings.Join(path, " "), line)
			}
		}
	}
}
