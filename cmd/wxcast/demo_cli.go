package main

import (
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/wxcast/wxcast/internal/demo"
	"github.com/wxcast/wxcast/rules"
	"github.com/wxcast/wxcast/rules/watch"
)

// demoCLIOptions are what the demo's command lines need.
type demoCLIOptions struct {
	Program   string // how to run wxcast from the demo's directory (cliProgram)
	RedisURL  string // the embedded store's URL, password included
	RulesFile string
	Segment   string // a segment of the rules to count and sample
	OpenID    string // a follower to show
}

// demoCLI returns the shell lines that point the command line at the
// demo's store and run a few commands on its data: an export of the two
// settings the demo differs from the defaults in (the demo's key prefix
// and time zone are the defaults), then one command a line.
func demoCLI(o demoCLIOptions) []string {
	p := o.Program
	return []string{
		"export WXCAST_REDIS_URL=" + shellWord(o.RedisURL) + " WXCAST_RULES_FILE=" + shellWord(o.RulesFile),
		p + " segment count " + shellWord(o.Segment),
		p + " segment sample " + shellWord(o.Segment) + " -n 5",
		p + " users show " + shellWord(o.OpenID),
		p + " rules check",
		p + " rules backtest " + shellWord(o.RulesFile) + " --days 1",
		p + " audit --since 1h",
	}
}

// printDemoCLI prints the lines under the demo's banner; program is
// how they run wxcast.
func printDemoCLI(w io.Writer, program string, lines []string) {
	fmt.Fprintln(w, "  the CLI on the demo's data, while it runs (another terminal, this directory):")
	for _, l := range lines {
		fmt.Fprintln(w, "    "+l)
	}
	if program == goRunProgram {
		fmt.Fprintln(w, "    (with wxcast on PATH, e.g. after go install ./cmd/wxcast, write wxcast instead of "+goRunProgram+")")
	}
}

// goRunProgram runs wxcast from a checkout.
const goRunProgram = "go run ./cmd/wxcast"

// cliProgram says how to run this wxcast again from the directory it was
// started in: "go run ./cmd/wxcast" for a binary go run built (arg0 in
// its build cache), else arg0 as it was typed ("wxcast" when found on
// PATH, "./wxcast", a full path).
func cliProgram(arg0 string) string {
	slash := filepath.ToSlash(arg0)
	if strings.Contains(slash, "/go-build") && strings.Contains(slash, "/exe/") {
		return goRunProgram
	}
	return shellWord(arg0)
}

// demoSegment picks the segment the printed commands count: the example
// rules' promo_clickers, else the rules' first segment.
func demoSegment(rs *rules.Ruleset) string {
	if rs == nil || len(rs.Segments) == 0 {
		return "promo_clickers"
	}
	if i := slices.IndexFunc(rs.Segments, func(s *rules.Segment) bool { return s.Name == "promo_clickers" }); i >= 0 {
		return rs.Segments[i].Name
	}
	return rs.Segments[0].Name
}

// shellWord quotes s for a POSIX shell only when it needs it, so that the
// printed lines stay short (shellQuote always quotes).
func shellWord(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.,/:@%+=") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// demoRefusals lists the files the demo's wxcast refused and still holds,
// for the page's banner.
func demoRefusals(r running, rulesFile, wordsDir string) func() []demo.Refusal {
	return func() []demo.Refusal {
		var out []demo.Refusal
		add := func(what, file string, ref watch.Refusal, ok bool) {
			if ok {
				out = append(out, demo.Refusal{What: what, File: file, Version: ref.Version, Live: ref.Live,
					At: ref.At, Problems: problemLines(ref.Err)})
			}
		}
		if r.Rules != nil {
			ref, ok := r.Rules.Refused()
			add("规则文件", rulesFile, ref, ok)
		}
		if r.Words != nil {
			ref, ok := r.Words.Refused()
			add("敏感词表", wordsDir, ref, ok)
		}
		return out
	}
}

// demoFollower is the follower the printed users show names: 粉丝0001,
// or the editor (an admin follows too) in a demo without followers.
func demoFollower(f demoFlags) string {
	if f.followers == 0 {
		return demoEditor
	}
	return demo.FirstFollower(f.seed)
}
