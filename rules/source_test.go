package rules_test

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/wxcast/wxcast/rules"
)

const (
	goodV1 = "segments:\n  - name: a\n    rule: user.subscribed\n"
	goodV2 = "segments:\n  - name: a\n    rule: user.subscribed\n  - name: b\n    rule: user.messages_7d > 1\n"
	badV   = "segments:\n  - name: a\n    rule: user.subscribd\n"
)

type rejects struct {
	mu   sync.Mutex
	list []string
}

func (r *rejects) add(v string, _ error) { r.mu.Lock(); r.list = append(r.list, v); r.mu.Unlock() }
func (r *rejects) n() int                { r.mu.Lock(); defer r.mu.Unlock(); return len(r.list) }

func newSource(t *testing.T, content string) (*rules.Source, string, *rejects) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "rules.yaml")
	write(t, path, content)
	rj := &rejects{}
	src, err := rules.NewSource(path, rules.SourceOptions{OnReject: rj.add})
	if err != nil {
		t.Fatal(err)
	}
	return src, path, rj
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestReloadValidInvalid(t *testing.T) {
	t.Parallel()
	src, path, rj := newSource(t, goodV1)
	v1 := src.Current().Version
	write(t, path, goodV2)
	v2, err := src.Reload()
	if err != nil || v2 == v1 || len(src.Current().Segments) != 2 {
		t.Fatalf("valid reload: %s %v, %d segments", v2, err, len(src.Current().Segments))
	}
	write(t, path, badV)
	v, err := src.Reload()
	if err == nil || v != v2 || src.Current().Version != v2 {
		t.Fatalf("invalid reload replaced the rules: %s %v", v, err)
	}
	if _, err := src.Reload(); err == nil || rj.n() != 1 {
		t.Fatalf("the same bad version was reported %d times, want once", rj.n())
	}
	if _, err := rules.NewSource(path, rules.SourceOptions{}); err == nil {
		t.Fatal("a bad file at start must be an error")
	}
}

// waitFor polls cond for up to 5 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

func TestWatchReloadsAndSurvivesTwoStepWrites(t *testing.T) {
	t.Parallel()
	src, path, rj := newSource(t, goodV1)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- src.Watch(ctx) }()
	time.Sleep(100 * time.Millisecond) // the watcher is set up

	// An editor that truncates, writes half, pauses, then writes the rest.
	write(t, path, "")
	time.Sleep(150 * time.Millisecond)
	write(t, path, goodV2[:30])
	time.Sleep(450 * time.Millisecond) // past the settle time, within confirm
	write(t, path, goodV2)
	waitFor(t, "the new version", func() bool { return len(src.Current().Segments) == 2 })
	if rj.n() != 0 {
		t.Fatalf("a two-step save reported %d refused versions", rj.n())
	}

	// A save by rename (write elsewhere, move over the file).
	tmp := path + ".tmp"
	write(t, tmp, goodV1)
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the renamed version", func() bool { return len(src.Current().Segments) == 1 })

	// A bad version that stays is reported once, and the rules stay.
	live := src.Current().Version
	write(t, path, badV)
	waitFor(t, "the refusal", func() bool { return rj.n() == 1 })
	if src.Current().Version != live {
		t.Fatal("a bad file replaced the live rules")
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestReloadReportsABadVersionAgainAfterARevert(t *testing.T) {
	t.Parallel()
	src, path, rj := newSource(t, goodV1)
	write(t, path, badV)
	_, _ = src.Reload()
	write(t, path, goodV1) // back to the live version
	_, _ = src.Reload()
	write(t, path, badV)
	_, _ = src.Reload()
	if rj.n() != 2 {
		t.Fatalf("reported %d refusals, want 2 (the same bad version, broken twice)", rj.n())
	}
}

func TestWatchFollowsASwappedSymlink(t *testing.T) {
	t.Parallel()
	// A Kubernetes ConfigMap: rules.yaml -> ..data/rules.yaml, ..data -> ..v1;
	// an update swaps ..data to ..v2. No event names rules.yaml.
	dir := t.TempDir()
	for _, v := range []struct{ dir, content string }{{"..v1", goodV1}, {"..v2", goodV2}} {
		if err := os.Mkdir(filepath.Join(dir, v.dir), 0o755); err != nil {
			t.Fatal(err)
		}
		write(t, filepath.Join(dir, v.dir, "rules.yaml"), v.content)
	}
	if err := os.Symlink("..v1", filepath.Join(dir, "..data")); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "rules.yaml")
	if err := os.Symlink(filepath.Join("..data", "rules.yaml"), path); err != nil {
		t.Fatal(err)
	}
	src, err := rules.NewSource(path, rules.SourceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { _ = src.Watch(ctx) }()
	time.Sleep(100 * time.Millisecond)
	if err := os.Symlink("..v2", filepath.Join(dir, "..data_tmp")); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(dir, "..data_tmp"), filepath.Join(dir, "..data")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the swapped version", func() bool { return len(src.Current().Segments) == 2 })
}

func TestWatchEmptiedFileIsConfirmedFirst(t *testing.T) {
	t.Parallel()
	src, path, rj := newSource(t, goodV2)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { _ = src.Watch(ctx) }()
	time.Sleep(100 * time.Millisecond)
	// A save that pauses after writing only the header comment.
	write(t, path, "# rules\n")
	time.Sleep(600 * time.Millisecond) // past settle, within confirm
	if len(src.Current().Segments) != 2 {
		t.Fatal("a momentarily rule-less file replaced the live rules")
	}
	write(t, path, "# rules\n"+goodV1)
	waitFor(t, "the complete version", func() bool { return len(src.Current().Segments) == 1 })
	// Emptied on purpose and left so: applied after the confirmation.
	write(t, path, "# no rules for now\n")
	waitFor(t, "the emptied version", func() bool { return len(src.Current().Segments) == 0 })
	if rj.n() != 0 {
		t.Fatalf("%d refusals", rj.n())
	}
}
