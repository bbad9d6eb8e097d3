package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/wxcast/wxcast/rules"
	"github.com/wxcast/wxcast/rules/words"
)

// TestReadyInfoNamesRefusedWordLists checks /readyz's fields for the word
// lists, which the end-to-end test of the rules does not reach: a refused
// directory is named as words_rejected until it is mended, and a server
// without a rules file says so.
func TestReadyInfoNamesRefusedWordLists(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("medical.txt", "根治\n")
	lists, err := words.NewSource(dir, words.SourceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	info := readyInfo(nil, lists)
	if m := info(); m["rules"] != "none" || len(m) != 1 {
		t.Fatalf("readyz fields with good lists and no rules file: %v", m)
	}
	write("Bad.txt", "词\n") // not a list wxcast knows
	if _, err := lists.Reload(); err == nil {
		t.Fatal("a bad word list was accepted")
	}
	ref, ok := lists.Refused()
	if m := info(); !ok || m["words_rejected"] != ref.Version || ref.Version == lists.Current().Version {
		t.Fatalf("readyz fields with a refused word list: %v (refusal %+v)", m, ref)
	}
	if err := os.Remove(filepath.Join(dir, "Bad.txt")); err != nil {
		t.Fatal(err)
	}
	_, _ = lists.Reload()
	if m := info(); m["words_rejected"] != "" {
		t.Fatalf("readyz still names a refused word list once mended: %v", m)
	}
	rs, err := rules.Load("../../configs/rules.example.yaml", rules.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if m := readyInfo(rules.Static(rs), lists)(); m["rules"] != rs.Version {
		t.Fatalf("readyz fields with rules: %v", m)
	}
}
