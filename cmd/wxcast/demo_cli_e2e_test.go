package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/wxcast/wxcast/internal/demo"
)

// TestDemoPrintedCommandsWork is the new operator's walk from the demo to
// the command line, from outside: it builds wxcast, starts `wxcast demo`
// as a process of its own, reads the command lines the demo prints, and
// runs each one as printed, through a shell, from the demo's directory,
// with nothing of the test's environment but the basics. Each must
// succeed and say something sensible about the demo's own data.
func TestDemoPrintedCommandsWork(t *testing.T) {
	if testing.Short() {
		t.Skip("builds wxcast and runs the demo")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "wxcast")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	rulesFile, err := filepath.Abs("../../configs/rules.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "LANG=C.UTF-8"}

	cmd := exec.Command(bin, "demo", "--listen", "127.0.0.1:0", "--followers", "20", "--join-in", "2s",
		"--rate", "0.2", "--rules", rulesFile)
	cmd.Dir, cmd.Env = dir, env
	banner, _ := demoBanner(t, cmd, "SIGINT", func() { _ = cmd.Process.Signal(syscall.SIGINT) })

	// The lines under "the CLI on the demo's data": an export, then commands.
	_, block, ok := strings.Cut(banner, "the CLI on the demo's data")
	if !ok {
		t.Fatalf("the banner prints no command lines:\n%s", banner)
	}
	var export string
	var commands []string
	for _, l := range strings.Split(block, "\n")[1:] {
		l = strings.TrimSpace(l)
		switch {
		case strings.HasPrefix(l, "export "):
			export = l
		case strings.HasPrefix(l, bin+" "):
			commands = append(commands, l)
		}
	}
	if !strings.Contains(export, "WXCAST_REDIS_URL=redis://") || len(commands) != 6 {
		t.Fatalf("want an export of WXCAST_REDIS_URL and 6 commands of %s, got:\n%s", bin, block)
	}

	// Let the followers join, and an admin type a command for the audit log.
	d := demoAPI{t: t, base: regexp.MustCompile(`open (http://\S+/)`).FindStringSubmatch(banner)[1]}
	waitFor(t, 30*time.Second, "every follower to join", func() bool {
		var people struct{ Joined int }
		d.get("api/people", &people)
		return people.Joined == 20
	})
	if reply := d.say(demoEditor, "帮助"); reply == "" {
		t.Fatal("帮助 got no reply")
	}

	first := demo.FirstFollower(1)
	checks := map[string]*regexp.Regexp{
		"segment count":  regexp.MustCompile(`(?m)^promo_clickers: \d+ followers \(of 2\d profiles`),
		"segment sample": regexp.MustCompile(`(?m)^\d+ of \d+ followers in promo_clickers`),
		"users show":     regexp.MustCompile(`(?m)^follower ` + first + `, as of .*\n  state +(subscribed|unsubscribed)`),
		"rules check":    regexp.MustCompile(`ok, version [0-9a-f]{12}(?s:.*)server: runs this version`),
		"rules backtest": regexp.MustCompile(`2\d followers with \d+ events(?s:.*)Nothing was changed\.`),
		"audit":          regexp.MustCompile(`"command":"帮助"`),
	}
	for _, c := range commands {
		name := strings.Join(strings.Fields(strings.TrimPrefix(c, bin+" "))[:2], " ")
		if name == "audit --since" {
			name = "audit"
		}
		want, ok := checks[name]
		if !ok {
			t.Errorf("unexpected command %q", c)
			continue
		}
		delete(checks, name)
		sh := exec.Command("sh", "-c", export+"\n"+c)
		sh.Dir, sh.Env = dir, env
		out, err := sh.CombinedOutput()
		if err != nil || !want.Match(out) {
			t.Errorf("%s: %v, want output matching %s:\n%s", c, err, want, out)
		}
	}
	for name := range checks {
		t.Errorf("the demo prints no %s command", name)
	}
	if !strings.Contains(d.statusCLI(), "users show "+first) {
		t.Errorf("the page's command lines lack users show %s: %q", first, d.statusCLI())
	}
}

// statusCLI returns the command lines the page shows.
func (d demoAPI) statusCLI() string {
	d.t.Helper()
	var s struct{ CLI []string }
	d.get("api/status", &s)
	b, _ := json.Marshal(s.CLI)
	return string(b)
}
