package watch_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/wxcast/wxcast/rules/watch"
	"github.com/wxcast/wxcast/rules/watch/watchtest"
)

// fake is a source of one file whose content is its own value: a file
// starting with "bad" is invalid, and "off" is doubtful unless it is live
// already. Its version is the content with a prefix.
type fake struct {
	t      *testing.T
	path   string
	parses atomic.Int32
	logs   *observer.ObservedLogs
	events *watchtest.Events
	mu     sync.Mutex
	reject []string
}

func version(content string) string { return "v:" + content }

func newFake(t *testing.T, content string) *fake {
	t.Helper()
	f := &fake{t: t, path: filepath.Join(t.TempDir(), "f.txt"), events: watchtest.New()}
	f.write(content)
	return f
}

func (f *fake) write(content string) {
	f.t.Helper()
	if err := os.WriteFile(f.path, []byte(content), 0o644); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fake) loader() watch.Loader[string] {
	return watch.Loader[string]{
		Dir:   filepath.Dir(f.path),
		What:  "test file",
		Where: []zap.Field{zap.String("file", f.path)},
		Read: func() (watch.Content[string], error) {
			b, err := os.ReadFile(f.path)
			if err != nil {
				return watch.Content[string]{}, err
			}
			s := string(b)
			return watch.Content[string]{Version: version(s), Blank: strings.TrimSpace(s) == "",
				Parse: func() (string, error) {
					f.parses.Add(1)
					if strings.HasPrefix(s, "bad") {
						return "", errors.New("bad content")
					}
					return s, nil
				}}, nil
		},
		Doubtful: func(old, new string) bool { return new == "off" && old != "off" },
		Describe: func(s string) []zap.Field { return []zap.Field{zap.Int("len", len(s))} },
		Messages: watch.Messages{Reloaded: "reloaded", Unreadable: "unreadable", Refused: "refused", Doubtful: "doubtful"},
	}
}

// live returns a Live value of the file with timing t.
func (f *fake) live(t watch.Timing) *watch.Live[string] {
	f.t.Helper()
	core, logs := observer.New(zap.InfoLevel)
	f.logs = logs
	l, err := watch.New(f.loader(), watch.Options{Log: zap.New(core), OnReject: f.onReject, Timing: t,
		Observe: f.events.Observe})
	if err != nil {
		f.t.Fatal(err)
	}
	return l
}

func (f *fake) onReject(v string, _ error) {
	f.mu.Lock()
	f.reject = append(f.reject, v)
	f.mu.Unlock()
}

func (f *fake) rejected() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.reject...)
}

// logged returns the messages logged so far.
func (f *fake) logged() []string {
	var msgs []string
	for _, e := range f.logs.All() {
		msgs = append(msgs, e.Message)
	}
	return msgs
}

func TestNewRefusesABadStart(t *testing.T) {
	t.Parallel()
	f := newFake(t, "bad start")
	if _, err := watch.New(f.loader(), watch.Options{}); err == nil {
		t.Fatal("a bad version at start must be an error")
	}
	if err := os.Remove(f.path); err != nil {
		t.Fatal(err)
	}
	if _, err := watch.New(f.loader(), watch.Options{}); err == nil {
		t.Fatal("unreadable files at start must be an error")
	}
}

func TestReload(t *testing.T) {
	t.Parallel()
	f := newFake(t, "one")
	l := f.live(watch.Timing{})
	steps := []struct {
		name, content string
		want          watch.Outcome
		live          string // the live value afterwards
		rejected      int    // OnReject calls so far
		parses        int32  // Parse calls so far
	}{
		{"unchanged", "one", watch.Unchanged, "one", 0, 1},
		{"valid", "two", watch.Swapped, "two", 0, 2},
		{"invalid", "bad 1", watch.Refused, "two", 1, 3},
		{"invalid again: reported once", "bad 1", watch.Refused, "two", 1, 4},
		{"back to the live version: not parsed", "two", watch.Unchanged, "two", 1, 4},
		{"the same invalid version is news again", "bad 1", watch.Refused, "two", 2, 5},
		{"another invalid version", "bad 2", watch.Refused, "two", 3, 6},
		{"doubtful, but asked for", "off", watch.Swapped, "off", 3, 7},
		{"blank, but asked for", "", watch.Swapped, "", 3, 8},
	}
	for _, s := range steps {
		f.write(s.content)
		v, err := l.Reload()
		e := f.events.Wait(t, s.want, version(s.content))
		if e.Tentative || v != version(s.live) || l.Current() != s.live || (err != nil) != (s.want == watch.Refused) {
			t.Fatalf("%s: event %+v; Reload %q %v; live %q, want %q", s.name, e, v, err, l.Current(), s.live)
		}
		if n := len(f.rejected()); n != s.rejected {
			t.Fatalf("%s: %d rejections, want %d", s.name, n, s.rejected)
		}
		if n := f.parses.Load(); n != s.parses {
			t.Fatalf("%s: parsed %d times, want %d", s.name, n, s.parses)
		}
	}
	want := "reloaded refused refused refused doubtful reloaded reloaded"
	if got := strings.Join(f.logged(), " "); got != want {
		t.Fatalf("logged %q, want %q", got, want)
	}
}

func TestReloadUnreadable(t *testing.T) {
	t.Parallel()
	f := newFake(t, "one")
	l := f.live(watch.Timing{})
	if err := os.Remove(f.path); err != nil {
		t.Fatal(err)
	}
	v, err := l.Reload()
	if err == nil || v != version("one") || l.Current() != "one" || len(f.rejected()) != 0 {
		t.Fatalf("unreadable: %q %v, live %q, %d rejections", v, err, l.Current(), len(f.rejected()))
	}
	if e := f.events.Wait(t, watch.Unreadable, ""); e.Err == nil || e.Live != version("one") {
		t.Fatalf("event %+v", e)
	}
	if got := f.logged(); len(got) != 1 || got[0] != "unreadable" {
		t.Fatalf("logged %q", got)
	}
	if fields := f.logs.All()[0].ContextMap(); fields["file"] != f.path || fields["version"] != version("one") {
		t.Fatalf("log fields %v", fields)
	}
}

func TestFixed(t *testing.T) {
	t.Parallel()
	l := watch.Fixed("one", "v1")
	if v, err := l.Reload(); v != "v1" || err != nil || l.Current() != "one" {
		t.Fatalf("Reload of a fixed value: %q %v", v, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := l.Watch(ctx); err != nil {
		t.Fatal(err)
	}
}
