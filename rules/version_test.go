package rules

import (
	"os"
	"path/filepath"
	"testing"
)

// TestFileVersion checks that a file's version is the one its ruleset
// carries when it compiles, and is named too when it does not.
func TestFileVersion(t *testing.T) {
	rs, err := Load("../configs/rules.example.yaml", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if v, err := FileVersion("../configs/rules.example.yaml", Limits{}); err != nil || v != rs.Version {
		t.Fatalf("FileVersion = %q, %v; the ruleset's is %q", v, err, rs.Version)
	}
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(bad, []byte("tags: [\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	v, err := FileVersion(bad, Limits{})
	if err != nil || v != versionOf([]byte("tags: [\n")) || v == rs.Version {
		t.Fatalf("FileVersion of a broken file = %q, %v", v, err)
	}
	if _, err := FileVersion(filepath.Join(t.TempDir(), "none.yaml"), Limits{}); err == nil {
		t.Fatal("no error for a missing file")
	}
}
