package words_test

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"testing/fstest"
	"time"

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

// newSource returns a Source of a temporary directory with medical.txt
// listing 根治 and allow.txt.
func newSource(t *testing.T) (*words.Source, string, *rejects) {
	t.Helper()
	dir := t.TempDir()
	write(t, filepath.Join(dir, "medical.txt"), "根治\n")
	write(t, filepath.Join(dir, "allow.txt"), "根治不了\n")
	rj := &rejects{}
	src, err := words.NewSource(dir, words.SourceOptions{OnReject: rj.add})
	if err != nil {
		t.Fatal(err)
	}
	return src, dir, rj
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

func TestSourceWatch(t *testing.T) {
	t.Parallel()
	src, dir, rj := newSource(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- src.Watch(ctx) }()
	time.Sleep(100 * time.Millisecond) // the watcher is set up

	path := filepath.Join(dir, "medical.txt")
	// A save by rename (write elsewhere, move over the file).
	write(t, path+".tmp", "根治\n药到病除\n")
	if err := os.Rename(path+".tmp", path); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the renamed version", func() bool { return src.Current().Words() == 2 })

	// An editor that writes an invalid half, pauses past the settle time,
	// then completes the file: no refusal.
	write(t, path, "根治\n！\n")
	time.Sleep(450 * time.Millisecond)
	write(t, path, "根治\n药到病除\n神药\n")
	waitFor(t, "the completed version", func() bool { return src.Current().Words() == 3 })
	if rj.n() != 0 {
		t.Fatalf("a two-step save reported %d refused versions", rj.n())
	}

	// A bad version that stays is reported once, and the list stays.
	live := src.Current().Version
	write(t, path, "根治\n！\n")
	waitFor(t, "the refusal", func() bool { return rj.n() == 1 })
	time.Sleep(200 * time.Millisecond)
	if src.Current().Version != live || rj.n() != 1 {
		t.Fatalf("after a bad version: live %s (want %s), %d refusals", src.Current().Version, live, rj.n())
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
