package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const testRules = `
attributes: {vip_level: int}
tags:
  - name: newbie
    on: [subscribe]
    when: within_days(user.first_seen, 7)
segments:
  - name: big_vip
    rule: '"vip_level" in user.attrs && user.attrs.vip_level > 2'
  - name: tagged
    rule: user.subscribed && "vip" in user.tags
`

func rulesTestRun(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	file := filepath.Join(t.TempDir(), "rules.yaml")
	if err := os.WriteFile(file, []byte(testRules), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errs bytes.Buffer
	err = run(context.Background(), append([]string{"rules", "test", file, "--now", "2026-12-01T10:00:00+08:00"}, args...), nil, &out, &errs)
	return out.String(), errs.String(), err
}

// TestRulesTestInlineUser gives --user as inline JSON and as a file: both
// are the same follower.
func TestRulesTestInlineUser(t *testing.T) {
	t.Parallel()
	const user = `{"openid":"o1","subscribed":true,"tags":["vip"]}`
	inline, _, err := rulesTestRun(t, "--user", "  "+user)
	if err != nil {
		t.Fatalf("inline --user: %v", err)
	}
	if !strings.Contains(inline, "✓ tagged") {
		t.Errorf("inline --user: the follower is not in tagged:\n%s", inline)
	}
	file := filepath.Join(t.TempDir(), "u.json")
	if err := os.WriteFile(file, []byte(user), 0o644); err != nil {
		t.Fatal(err)
	}
	fromFile, _, err := rulesTestRun(t, "--user", file)
	_, inline, _ = strings.Cut(inline, "\n") // the first line names the rules file, a new one each run
	_, fromFile, _ = strings.Cut(fromFile, "\n")
	if err != nil || fromFile != inline {
		t.Errorf("--user FILE: %v; want the inline report\n%s\ngot\n%s", err, inline, fromFile)
	}
	if _, _, err := rulesTestRun(t, "--user", `{"openid":"o1","tagz":[]}`); err == nil ||
		!strings.Contains(err.Error(), `--user: json: unknown field "tagz"`) {
		t.Errorf("a misspelt inline field: %v", err)
	}
	for in, want := range map[string]string{
		`{"subscribed":"yes"}`:       `--user: field "subscribed": want true or false, got a JSON string`,
		`{"tags":"vip"}`:             `--user: field "tags": want an array, got a JSON string`,
		`{"first_seen":"yesterday"}`: `--user: "yesterday" is not a time as RFC 3339`,
	} {
		if _, _, err := rulesTestRun(t, "--user", in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("--user %s: %v, want %q", in, err, want)
		}
	}
	if _, _, err := rulesTestRun(t, "--user", "nope.json"); err == nil ||
		!strings.Contains(err.Error(), "--user: open nope.json") || !strings.Contains(err.Error(), "inline JSON") {
		t.Errorf("a missing --user file: %v", err)
	}
	var help bytes.Buffer
	if err := run(context.Background(), []string{"rules", "test", "--help"}, nil, &help, &help); err != nil ||
		!strings.Contains(help.String(), "inline JSON") || !strings.Contains(help.String(), "file's path") {
		t.Errorf("the help does not say --user takes inline JSON or a file: %v\n%s", err, help.String())
	}
}

// TestRulesTestSkippedClauses checks that a clause && never reaches is
// shown as skipped, not with the error (and expr's ^ excerpt) it would
// give on its own.
func TestRulesTestSkippedClauses(t *testing.T) {
	t.Parallel()
	out, _, err := rulesTestRun(t, "--user", `{"openid":"o1","subscribed":true}`)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out, "^") || strings.Contains(out, "is not set") {
		t.Errorf("a skipped clause printed its error:\n%s", out)
	}
	if !strings.Contains(out, "skip  user.attrs.vip_level > 2") {
		t.Errorf("the guarded clause is not shown as skipped:\n%s", out)
	}
}

// TestRulesTestWarnsOfMissingFields checks the warning for a field the
// rules read that the test user leaves out.
func TestRulesTestWarnsOfMissingFields(t *testing.T) {
	t.Parallel()
	_, warn, err := rulesTestRun(t, "--user", `{"openid":"o1","subscribed":true}`, "--event", `{"type":"subscribe"}`)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"warning: user has no first_seen; rules that read it see 0001-01-01",
		"warning: user has no attrs.vip_level",
		"warning: user has no tags; rules that read it see an empty list",
	} {
		if !strings.Contains(warn, want) {
			t.Errorf("stderr lacks %q:\n%s", want, warn)
		}
	}
	_, warn, err = rulesTestRun(t, "--user", `{"openid":"o1","subscribed":true,"tags":[],"first_seen":"2026-11-30T10:00:00+08:00","attrs":{"vip_level":3}}`,
		"--event", `{"type":"subscribe"}`)
	if err != nil || warn != "" {
		t.Errorf("a complete user: %v, warnings:\n%s", err, warn)
	}
	// Without --event the tag rules are not run: first_seen is not read.
	if _, warn, _ := rulesTestRun(t, "--user", `{"openid":"o1","tags":[],"attrs":{"vip_level":1}}`); strings.Contains(warn, "first_seen") {
		t.Errorf("warned about a field only unrun rules read:\n%s", warn)
	}
}
