package rules_test

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/wxcast/wxcast/rules"
	"github.com/wxcast/wxcast/rules/watch"
	"github.com/wxcast/wxcast/rules/watch/watchtest"
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

// version returns the version of valid rules.
func version(t *testing.T, content string) string {
	t.Helper()
	rs, err := rules.Parse("rules.yaml", []byte(content), rules.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return rs.Version
}

// watched is a Source of a temporary file, watched until the test ends.
type watched struct {
	*rules.Source
	path   string
	rj     *rejects
	events *watchtest.Events
	logs   *observer.ObservedLogs
}

// newWatched starts watching a file of content with timing tm and waits
// until the watch is set up.
func newWatched(t *testing.T, content string, tm watch.Timing) *watched {
	t.Helper()
	core, logs := observer.New(zap.InfoLevel)
	w := &watched{path: filepath.Join(t.TempDir(), "rules.yaml"), rj: &rejects{}, events: watchtest.New(), logs: logs}
	write(t, w.path, content)
	src, err := rules.NewSource(w.path, rules.SourceOptions{Log: zap.New(core), OnReject: w.rj.add, Timing: tm,
		Observe: w.events.Observe})
	if err != nil {
		t.Fatal(err)
	}
	w.Source = src
	watchUntilCleanup(t, src)
	w.events.Wait(t, watch.Watching, "")
	return w
}

// watchUntilCleanup runs src.Watch until the test ends.
func watchUntilCleanup(t *testing.T, src *rules.Source) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- src.Watch(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	})
}

// noConfirm keeps Watch from ever acting on a doubtful version.
var noConfirm = watch.Timing{Confirm: time.Hour}

// quick settles and confirms quickly.
var quick = watch.Timing{Settle: 50 * time.Millisecond, Confirm: 100 * time.Millisecond}

func TestWatchReloadsAndSurvivesTwoStepWrites(t *testing.T) {
	t.Parallel()
	w := newWatched(t, goodV1, noConfirm)

	// An editor that truncates, writes half, pauses, then writes the rest:
	// each step is only doubted.
	write(t, w.path, "")
	if e := w.events.Wait(t, watch.Doubtful, version(t, "")); !e.Tentative || e.Err != nil {
		t.Fatalf("the truncated file: %+v", e)
	}
	write(t, w.path, goodV2[:30])
	if e := w.events.Wait(t, watch.Doubtful, ""); !e.Tentative || e.Err == nil {
		t.Fatalf("the half-written file: %+v", e)
	}
	if len(w.Current().Segments) != 1 || w.rj.n() != 0 {
		t.Fatalf("a save half done was acted on: %d segments, %d refusals", len(w.Current().Segments), w.rj.n())
	}
	write(t, w.path, goodV2)
	w.events.Wait(t, watch.Swapped, version(t, goodV2))
	if len(w.Current().Segments) != 2 || w.rj.n() != 0 {
		t.Fatalf("after a two-step save: %d segments, %d refusals", len(w.Current().Segments), w.rj.n())
	}

	// A save by rename (write elsewhere, move over the file).
	tmp := w.path + ".tmp"
	write(t, tmp, goodV1)
	if err := os.Rename(tmp, w.path); err != nil {
		t.Fatal(err)
	}
	w.events.Wait(t, watch.Swapped, version(t, goodV1))
	if len(w.Current().Segments) != 1 {
		t.Fatalf("the renamed version has %d segments", len(w.Current().Segments))
	}
}

func TestWatchRefusesABadVersionThatStaysOnce(t *testing.T) {
	t.Parallel()
	w := newWatched(t, goodV1, quick)
	live := w.Current().Version
	for i := range 2 { // the second save of the same version is no news
		write(t, w.path, badV)
		w.events.Wait(t, watch.Doubtful, "")
		if e := w.events.Wait(t, watch.Refused, ""); e.Tentative || e.Err == nil {
			t.Fatalf("save %d: %+v", i+1, e)
		}
		if w.Current().Version != live || w.rj.n() != 1 {
			t.Fatalf("save %d: live %s (want %s), %d refusals", i+1, w.Current().Version, live, w.rj.n())
		}
	}
	if n := w.logs.FilterMessage("rules file refused; keeping the live rules").Len(); n != 1 {
		t.Fatalf("the refusal was logged %d times", n)
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
	events := watchtest.New()
	src, err := rules.NewSource(path, rules.SourceOptions{Observe: events.Observe})
	if err != nil {
		t.Fatal(err)
	}
	watchUntilCleanup(t, src)
	events.Wait(t, watch.Watching, "")
	if err := os.Symlink("..v2", filepath.Join(dir, "..data_tmp")); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(dir, "..data_tmp"), filepath.Join(dir, "..data")); err != nil {
		t.Fatal(err)
	}
	events.Wait(t, watch.Swapped, version(t, goodV2))
	if len(src.Current().Segments) != 2 {
		t.Fatalf("the swapped version has %d segments", len(src.Current().Segments))
	}
}

func TestWatchEmptiedFileIsConfirmedFirst(t *testing.T) {
	t.Parallel()
	w := newWatched(t, goodV2, noConfirm)
	// A save that pauses after writing only the header comment.
	write(t, w.path, "# rules\n")
	if e := w.events.Wait(t, watch.Doubtful, version(t, "# rules\n")); !e.Tentative || e.Err != nil {
		t.Fatalf("the rule-less file: %+v", e)
	}
	if len(w.Current().Segments) != 2 {
		t.Fatal("a momentarily rule-less file replaced the live rules")
	}
	write(t, w.path, "# rules\n"+goodV1)
	w.events.Wait(t, watch.Swapped, version(t, "# rules\n"+goodV1))
	if len(w.Current().Segments) != 1 || w.rj.n() != 0 {
		t.Fatalf("the complete version: %d segments, %d refusals", len(w.Current().Segments), w.rj.n())
	}
}

func TestWatchAppliesAnEmptiedFileThatStays(t *testing.T) {
	t.Parallel()
	w := newWatched(t, goodV2, quick)
	// Emptied on purpose and left so: applied after the confirmation.
	const none = "# no rules for now\n"
	write(t, w.path, none)
	w.events.Wait(t, watch.Doubtful, version(t, none))
	if e := w.events.Wait(t, watch.Swapped, version(t, none)); e.Tentative {
		t.Fatalf("applied at the first look: %+v", e)
	}
	if len(w.Current().Segments) != 0 || w.rj.n() != 0 {
		t.Fatalf("%d segments, %d refusals", len(w.Current().Segments), w.rj.n())
	}
	if w.logs.FilterMessage("rules file has no rules any more: nothing is tagged or answered").Len() != 1 {
		t.Fatalf("the emptied rules were not warned about: %v", w.logs.All())
	}
}
