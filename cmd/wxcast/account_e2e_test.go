package main

import (
	"bufio"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/wxcast/wxcast/internal/redistest"
)

// TestServeNamesWhatTheAccountLacks runs `wxcast sim --account
// subscription` and `wxcast serve` against it, each as its own process,
// and checks that the server's start-up log names what an unverified
// subscription account cannot do for wxcast.
func TestServeNamesWhatTheAccountLacks(t *testing.T) {
	t.Parallel()
	base := startSimProcess(t, "--account", "subscription")

	target, prefix := redistest.SharedURL(t), redistest.Prefix(t)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), mainProcessEnv+"=serve --config ../../configs/wxcast.example.yaml",
		"WXCAST_LISTEN=127.0.0.1:0", "WXCAST_LOG_FORMAT=json", "WXCAST_LOG_LEVEL=info",
		"WXCAST_REDIS_URL="+target, "WXCAST_REDIS_KEY_PREFIX="+prefix,
		"WXCAST_WECHAT_API_BASE_URL="+base, "WXCAST_WECHAT_APP_SECRET="+demoSecret)
	lines := startLogged(t, cmd, func(c *exec.Cmd) (io.ReadCloser, error) { return c.StderrPipe() })
	redistest.OpenAt(t, target, prefix) // deletes the keys it wrote

	var check struct {
		Level, Msg         string
		Confirmed, Missing []string
	}
	var seen []string
	for deadline := time.After(30 * time.Second); check.Msg == ""; {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("serve ended without the account check; stderr:\n%s", strings.Join(seen, "\n"))
			}
			seen = append(seen, l)
			if strings.Contains(l, "WeChat account check") {
				if err := json.Unmarshal([]byte(l), &check); err != nil {
					t.Fatalf("log line %q: %v", l, err)
				}
			}
		case <-deadline:
			t.Fatalf("no account check in 30 s; stderr:\n%s", strings.Join(seen, "\n"))
		}
	}
	if check.Level != "warn" || len(check.Confirmed) != 0 {
		t.Errorf("account check %q at %s, confirmed %q: want a warning confirming nothing", check.Msg, check.Level, check.Confirmed)
	}
	missing := strings.Join(check.Missing, "\n")
	for _, want := range []string{"openid-list broadcasts: ", "tag and to-all broadcasts: ", "previews: ",
		"customer-service notices: ", "template notices: ", "follower sync: ", "use a verified service account"} {
		if !strings.Contains(missing, want) {
			t.Errorf("missing %q does not name %q", check.Missing, want)
		}
	}
}

// startSimProcess runs `wxcast sim` with args on a free port as its own
// process until the test ends, and returns its API base URL.
func startSimProcess(t *testing.T, args ...string) string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), mainProcessEnv+"=sim --listen 127.0.0.1:0 "+strings.Join(args, " "))
	lines := startLogged(t, cmd, func(c *exec.Cmd) (io.ReadCloser, error) { return c.StdoutPipe() })
	for deadline := time.After(20 * time.Second); ; {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatal("wxcast sim ended before printing its API base URL")
			}
			if rest, found := strings.CutPrefix(strings.TrimSpace(l), "API base URL"); found {
				return strings.TrimSpace(rest)
			}
		case <-deadline:
			t.Fatal("wxcast sim printed no API base URL in 20 s")
		}
	}
}

// startLogged starts cmd, stops it with an interrupt when the test ends,
// and hands over the lines of the output pipe chooses.
func startLogged(t *testing.T, cmd *exec.Cmd, pipe func(*exec.Cmd) (io.ReadCloser, error)) <-chan string {
	t.Helper()
	out, err := pipe(cmd)
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Signal(os.Interrupt); _ = cmd.Wait() })
	lines := make(chan string, 1000)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			default: // nobody reads any more: drop, never block the process
			}
		}
	}()
	return lines
}
