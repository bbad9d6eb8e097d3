package rules

import (
	"os"
	"testing"
)

// TestDocIsCurrent fails when docs/rules.md differs from Doc(). Run with
// UPDATE_DOCS=1 to rewrite the file.
func TestDocIsCurrent(t *testing.T) {
	t.Parallel()
	const path = "../docs/rules.md"
	want := Doc()
	if os.Getenv("UPDATE_DOCS") == "1" {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("docs/rules.md is out of date: run `go run ./cmd/wxcast rules doc > docs/rules.md` " +
			"(or `UPDATE_DOCS=1 go test ./rules -run TestDocIsCurrent`) and commit the result")
	}
}
