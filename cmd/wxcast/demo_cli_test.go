package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestCLIProgram checks how the demo names the program in the lines it
// prints: go run's build of cmd/wxcast as "go run ./cmd/wxcast", any
// other binary as it was typed, quoted for the shell when needed.
func TestCLIProgram(t *testing.T) {
	for arg0, want := range map[string]string{
		"/tmp/go-build1234/b001/exe/wxcast":                       "go run ./cmd/wxcast",
		"/home/u/.cache/go-build/12/go-build3344/b001/exe/wxcast": "go run ./cmd/wxcast",
		"wxcast":                           "wxcast",
		"./wxcast":                         "./wxcast",
		"/opt/wx cast/bin/wxcast":          "'/opt/wx cast/bin/wxcast'",
		"/tmp/go-build99/b001/wxcast.test": "/tmp/go-build99/b001/wxcast.test",
	} {
		if got := cliProgram(arg0); got != want {
			t.Errorf("cliProgram(%q) = %q, want %q", arg0, got, want)
		}
	}
}

// TestShellWord runs quoted words through a shell and checks they come
// back as they were.
func TestShellWord(t *testing.T) {
	words := []string{"promo_clickers", "redis://:ab12@127.0.0.1:6379/0", "it's here", "a b", "$HOME", "", "规则.yaml"}
	var line []string
	for _, w := range words {
		line = append(line, shellWord(w))
	}
	got, err := exec.Command("sh", "-c", "printf '%s\\n' "+strings.Join(line, " ")).Output()
	if err != nil {
		t.Fatal(err)
	}
	if want := strings.Join(words, "\n") + "\n"; string(got) != want {
		t.Fatalf("the shell read %q, want %q (quoted: %q)", got, want, line)
	}
	if shellWord("promo_clickers") != "promo_clickers" {
		t.Error("a plain word is quoted")
	}
}
