package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/wxcast/wxcast/internal/redistest"
	"github.com/wxcast/wxcast/rules"
)

// brokenE2ERules is e2eRules with an expression that does not compile
// on line 5.
var brokenE2ERules = strings.Replace(e2eRules, `when: event.key == "MENU_PROMO"`, `when: event.key ==`, 1)

// readyz returns /readyz's status and body.
func readyz(t *testing.T, addr string) (int, map[string]string) {
	t.Helper()
	r, err := http.Get("http://" + addr + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	body := map[string]string{}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	return r.StatusCode, body
}

// TestRefusedReloadStaysReadyAndIsTold edits the live rules file into a
// broken one and back: /readyz stays 200 with the running version and
// names the refused one while the file holds it, and wxcast rules check on
// the live file (no argument: the config's rules_file) lists the problems
// by file:line:col and says, from Redis, which version the server runs and
// that it refused this one, and when.
func TestRefusedReloadStaysReadyAndIsTold(t *testing.T) {
	url, prefix := redistest.SharedURL(t), redistest.Prefix(t)
	rulesFile := filepath.Join(t.TempDir(), "rules.yaml")
	if err := os.WriteFile(rulesFile, []byte(e2eRules), 0o644); err != nil {
		t.Fatal(err)
	}
	good, err := rules.Parse(rulesFile, []byte(e2eRules), rules.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	env := []string{"WXCAST_REDIS_URL=" + url, "WXCAST_REDIS_KEY_PREFIX=" + prefix, "WXCAST_RULES_FILE=" + rulesFile}
	addr, done := startServe(t, ctx, env)
	t.Cleanup(func() { cancel(); <-done })
	check := func() (string, error) {
		t.Helper()
		var out bytes.Buffer
		err := run(ctx, []string{"rules", "check"}, env, &out, &out)
		return out.String(), err
	}

	status, body := readyz(t, addr)
	if status != http.StatusOK || body["rules"] != good.Version || body["rules_rejected"] != "" {
		t.Fatalf("readyz at start: %d %v", status, body)
	}
	if out, err := check(); err != nil || !strings.Contains(out, "server: runs this version ("+good.Version+")") {
		t.Fatalf("rules check of the live file: %v\n%s", err, out)
	}

	before := time.Now().Add(-time.Second)
	if err := os.WriteFile(rulesFile, []byte(brokenE2ERules), 0o644); err != nil {
		t.Fatal(err)
	}
	bad, err := rules.FileVersion(rulesFile, rules.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, 15*time.Second, "readyz to name the refused version", func() bool {
		_, body = readyz(t, addr)
		return body["rules_rejected"] == bad
	})
	if status, body = readyz(t, addr); status != http.StatusOK || body["rules"] != good.Version || body["redis"] != "ok" {
		t.Fatalf("readyz after a refused reload: %d %v, want 200 with rules %s", status, body, good.Version)
	}
	var out string
	waitFor(t, 5*time.Second, "rules check to hear of the refusal", func() bool {
		out, err = check()
		return strings.Contains(out, "server: refused this version ("+bad+")")
	})
	if err == nil || !strings.Contains(out, rulesFile+":5:") || !strings.Contains(out, "and runs version "+good.Version+" instead") {
		t.Fatalf("rules check of the refused file: %v\n%s", err, out)
	}
	m := regexp.MustCompile(`at (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \S+) and runs`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("rules check gives no time of the refusal:\n%s", out)
	}
	shanghai, _ := time.LoadLocation("Asia/Shanghai") // the example config's timezone
	at, err := time.ParseInLocation(noteTime, m[1], shanghai)
	if err != nil || at.Before(before.Truncate(time.Second)) || at.After(time.Now()) {
		t.Fatalf("refused at %q (%v), want between %v and now", m[1], err, before)
	}

	fixed := strings.Replace(e2eRules, "价格请看菜单", "价格请看菜单栏", 1)
	if err := os.WriteFile(rulesFile, []byte(fixed), 0o644); err != nil {
		t.Fatal(err)
	}
	next, err := rules.FileVersion(rulesFile, rules.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, 15*time.Second, "the fixed file to load", func() bool {
		_, body = readyz(t, addr)
		return body["rules"] == next
	})
	if _, ok := body["rules_rejected"]; ok {
		t.Fatalf("readyz still names a refused version after a good one loaded: %v", body)
	}
	if out, err := check(); err != nil || !strings.Contains(out, "server: runs this version ("+next+")") {
		t.Fatalf("rules check of the fixed file: %v\n%s", err, out)
	}
}
