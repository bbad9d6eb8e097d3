package words_test

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/wxcast/wxcast/rules/watch"
	"github.com/wxcast/wxcast/rules/watch/watchtest"
	"github.com/wxcast/wxcast/rules/words"
)

type rejects struct {
	mu   sync.Mutex
	list []string
}

func (r *rejects) add(v string, _ error) { r.mu.Lock(); r.list = append(r.list, v); r.mu.Unlock() }
func (r *rejects) n() int                { r.mu.Lock(); defer r.mu.Unlock(); return len(r.list) }

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// newSource returns a Source of a listsDir.
func newSource(t *testing.T) (*words.Source, string, *rejects) {
	t.Helper()
	dir := listsDir(t)
	rj := &rejects{}
	src, err := words.NewSource(dir, words.SourceOptions{OnReject: rj.add})
	if err != nil {
		t.Fatal(err)
	}
	return src, dir, rj
}

// listsDir returns a temporary directory with medical.txt listing 根治
// and allow.txt.
func listsDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	write(t, filepath.Join(dir, "medical.txt"), "根治\n")
	write(t, filepath.Join(dir, "allow.txt"), "根治不了\n")
	return dir
}

func TestSourceReload(t *testing.T) {
	t.Parallel()
	src, dir, rj := newSource(t)
	v1 := src.Current().Version
	if v, err := src.Reload(); v != v1 || err != nil {
		t.Fatalf("an unchanged directory reloaded: %s %v", v, err)
	}
	write(t, filepath.Join(dir, "medical.txt"), "根治\n神药\n")
	v2, err := src.Reload()
	if err != nil || v2 == v1 || src.Current().Version != v2 || len(src.Current().Check("神药")) != 1 {
		t.Fatalf("valid reload: %s %v", v2, err)
	}
	// A bad file is refused, reported once, and the live list stays.
	write(t, filepath.Join(dir, "Bad.txt"), "词\n")
	v, err := src.Reload()
	if err == nil || v != v2 || src.Current().Version != v2 {
		t.Fatalf("a bad file replaced the list: %s %v", v, err)
	}
	if _, err := src.Reload(); err == nil || rj.n() != 1 {
		t.Fatalf("the same bad version was reported %d times, want once", rj.n())
	}
	// Hidden and non-.txt files do not count.
	if err := os.Remove(filepath.Join(dir, "Bad.txt")); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, ".medical.txt.swp"), "\x00")
	write(t, filepath.Join(dir, "README"), "notes")
	if v, err := src.Reload(); v != v2 || err != nil {
		t.Fatalf("after removing the bad file: %s %v", v, err)
	}
	if _, err := words.NewSource(t.TempDir(), words.SourceOptions{}); err == nil {
		t.Fatal("an empty directory at start must be an error")
	}
}

func TestSourceDefault(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{"absolute.txt": {Data: []byte("最佳\n")}}
	src, err := words.NewSource("", words.SourceOptions{Default: fsys})
	if err != nil {
		t.Fatal(err)
	}
	v := src.Current().Version
	fsys["absolute.txt"] = &fstest.MapFile{Data: []byte("最佳\n第一\n")}
	if got, err := src.Reload(); got != v || err != nil {
		t.Fatalf("the default lists reloaded: %s %v", got, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := src.Watch(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := words.NewSource("", words.SourceOptions{}); err == nil {
		t.Fatal("no directory and no default must be an error")
	}
}

// newWatched returns a Source like newSource's with timing tm, watched
// until the test ends, once the watch is set up.
func newWatched(t *testing.T, tm watch.Timing) (*words.Source, string, *rejects, *watchtest.Events) {
	t.Helper()
	dir := listsDir(t)
	rj, events := &rejects{}, watchtest.New()
	src, err := words.NewSource(dir, words.SourceOptions{OnReject: rj.add, Timing: tm, Observe: events.Observe})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- src.Watch(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	})
	events.Wait(t, watch.Watching, "")
	return src, dir, rj, events
}

func TestSourceWatch(t *testing.T) {
	t.Parallel()
	// Confirm never comes: a doubtful version is only looked at once.
	src, dir, rj, events := newWatched(t, watch.Timing{Confirm: time.Hour})
	path := filepath.Join(dir, "medical.txt")
	// A save by rename (write elsewhere, move over the file).
	write(t, path+".tmp", "根治\n药到病除\n")
	if err := os.Rename(path+".tmp", path); err != nil {
		t.Fatal(err)
	}
	events.Wait(t, watch.Swapped, "")
	if n := src.Current().Words(); n != 2 {
		t.Fatalf("the renamed version has %d words", n)
	}

	// An editor that writes an invalid half, pauses past the settle time,
	// then completes the file: no refusal.
	live := src.Current().Version
	write(t, path, "根治\n！\n")
	if e := events.Wait(t, watch.Doubtful, ""); !e.Tentative || e.Err == nil {
		t.Fatalf("the invalid half: %+v", e)
	}
	if src.Current().Version != live || rj.n() != 0 {
		t.Fatalf("the invalid half was acted on: live %s (want %s), %d refusals", src.Current().Version, live, rj.n())
	}
	write(t, path, "根治\n药到病除\n神药\n")
	events.Wait(t, watch.Swapped, "")
	if n := src.Current().Words(); n != 3 || rj.n() != 0 {
		t.Fatalf("the completed version has %d words; %d refusals", n, rj.n())
	}
}

func TestSourceWatchRefusesABadVersionThatStaysOnce(t *testing.T) {
	t.Parallel()
	src, dir, rj, events := newWatched(t, watch.Timing{Settle: 50 * time.Millisecond, Confirm: 100 * time.Millisecond})
	live := src.Current().Version
	for i := range 2 { // the second save of the same version is no news
		write(t, filepath.Join(dir, "medical.txt"), "根治\n！\n")
		events.Wait(t, watch.Doubtful, "")
		if e := events.Wait(t, watch.Refused, ""); e.Tentative || e.Err == nil {
			t.Fatalf("save %d: %+v", i+1, e)
		}
		if src.Current().Version != live || rj.n() != 1 {
			t.Fatalf("save %d: live %s (want %s), %d refusals", i+1, src.Current().Version, live, rj.n())
		}
	}
}
