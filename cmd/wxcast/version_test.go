package main

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestVersionStampedAtBuild builds the binary as a release would, with
// -ldflags "-X main.version=…", and checks wxcast version prints it.
func TestVersionStampedAtBuild(t *testing.T) {
	t.Parallel()
	bin := filepath.Join(t.TempDir(), "wxcast")
	build := exec.Command("go", "build", "-ldflags", "-X main.version=9.8.7-stamped", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "version").CombinedOutput()
	if err != nil || !strings.HasPrefix(string(out), "wxcast 9.8.7-stamped ") {
		t.Fatalf("version of a stamped build: %v %q", err, out)
	}
}
