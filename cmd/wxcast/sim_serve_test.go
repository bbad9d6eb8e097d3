package main

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestSimPrintsAWorkingServeCommand starts the simulator as wxcast would
// run in a checkout, takes the serve command its banner prints, runs it
// as printed (its variables and flags, from the same directory) and
// checks the server answers /healthz, reaches the simulated API with the
// printed secret, and answers a callback the simulator pushes.
func TestSimPrintsAWorkingServeCommand(t *testing.T) {
	t.Parallel()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	listen := freeAddr(t)
	sim := exec.Command(os.Args[0], "-test.run=^$")
	sim.Dir = root
	sim.Env = append(faultInheritedEnv(), mainProcessEnv+"=sim --listen 127.0.0.1:0 --callback http://"+listen+"/wechat")
	stdout, err := sim.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	simErr := &lockedBuffer{}
	sim.Stderr = simErr
	if err := sim.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sim.Process.Kill(); _ = sim.Wait() })
	banner := readUntil(t, stdout, "Ctrl-C stops it.", 30*time.Second)
	page := regexp.MustCompile(`page +(http://\S+)/`).FindStringSubmatch(banner)
	_, after, ok := strings.Cut(banner, "(from this directory):\n")
	if page == nil || !ok {
		t.Fatalf("no page or serve command in the banner:\n%s\n%s", banner, simErr.String())
	}
	command, _, _ := strings.Cut(after, "Ctrl-C")
	env, args := parseShellCommand(t, command)
	if i := slices.Index(args, "serve"); i < 0 {
		t.Fatalf("the printed command runs no serve: %q", command)
	} else {
		args = args[i:] // the program is this test binary
	}
	if !strings.Contains(strings.Join(args, " "), "--listen "+listen) {
		t.Errorf("the serve command does not listen where the simulator calls back (%s): %v", listen, args)
	}

	srv := exec.Command(os.Args[0], "-test.run=^$")
	srv.Dir = root
	srv.Env = append(append(faultInheritedEnv(), env...), mainProcessEnv+"="+strings.Join(args, " "))
	srvOut := &lockedBuffer{}
	srv.Stdout, srv.Stderr = srvOut, srvOut
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Process.Signal(os.Interrupt); _ = srv.Wait() })
	defer func() {
		if t.Failed() {
			t.Logf("serve's output:\n%s", srvOut.String())
		}
	}()
	waitFor(t, 30*time.Second, "the printed serve command to answer /healthz", func() bool {
		resp, err := http.Get("http://" + listen + "/healthz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	waitFor(t, 30*time.Second, "serve to reach the simulated API", func() bool {
		return strings.Contains(srvOut.String(), "fetched a new WeChat access token") // with the printed AppID and secret
	})
	resp, err := http.Post(page[1]+"/sim/push", "application/json", strings.NewReader(`{"kind":"subscribe","openid":"oSimServe1"}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var push struct {
		Status       int
		Reply, Error string
	}
	if err := json.NewDecoder(resp.Body).Decode(&push); err != nil {
		t.Fatal(err)
	}
	if push.Status != http.StatusOK || push.Error != "" || !strings.Contains(push.Reply, "欢迎关注") {
		t.Fatalf("a subscribe pushed by the simulator: %+v", push)
	}
}

// readUntil reads r until a line holding end, or fails after d.
func readUntil(t *testing.T, r io.Reader, end string, d time.Duration) string {
	t.Helper()
	got := make(chan string, 1)
	go func() {
		var b strings.Builder
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			b.WriteString(sc.Text() + "\n")
			if strings.Contains(sc.Text(), end) {
				break
			}
		}
		got <- b.String()
		_, _ = io.Copy(io.Discard, r)
	}()
	select {
	case s := <-got:
		return s
	case <-time.After(d):
		t.Fatalf("no %q within %v", end, d)
	}
	return ""
}

// parseShellCommand splits a printed command line (backslash-newline
// continuations, single quotes) into its leading NAME=VALUE assignments
// and the words after them.
func parseShellCommand(t *testing.T, s string) (env, args []string) {
	t.Helper()
	s = strings.ReplaceAll(s, "\\\n", " ")
	var words []string
	var cur strings.Builder
	inWord, quoted := false, false
	for _, r := range s {
		switch {
		case quoted && r == '\'':
			quoted = false
		case quoted:
			cur.WriteRune(r)
		case r == '\'':
			quoted, inWord = true, true
		case r == ' ' || r == '\n' || r == '\t':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		case r == '\\' || r == '"' || r == '$' || r == '`':
			t.Fatalf("the command needs a shell feature this parser lacks (%q): %q", r, s)
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if quoted {
		t.Fatalf("unterminated quote in %q", s)
	}
	if inWord {
		words = append(words, cur.String())
	}
	i := 0
	for ; i < len(words) && regexp.MustCompile(`^[A-Z_][A-Z0-9_]*=`).MatchString(words[i]); i++ {
		env = append(env, words[i])
	}
	return env, words[i:]
}
