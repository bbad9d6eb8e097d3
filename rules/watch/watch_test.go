package watch_test

import (
	"context"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/wxcast/wxcast/rules/watch"
)

// watching starts l.Watch and waits until it watches; the watch ends with
// the test.
func watching(t *testing.T, f *fake, l *watch.Live[string]) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- l.Watch(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	})
	f.events.Wait(t, watch.Watching, "")
}

func TestWatchLeavesADoubtfulVersionUntilItStays(t *testing.T) {
	t.Parallel()
	f := newFake(t, "one")
	// Confirm never comes: every doubtful version is only looked at once.
	l := f.live(watch.Timing{Settle: 20 * time.Millisecond, Confirm: time.Hour})
	watching(t, f, l)
	for _, content := range []string{"bad half", "  \n", "off"} {
		f.write(content)
		e := f.events.Wait(t, watch.Doubtful, version(content))
		if !e.Tentative || e.Live != version("one") || l.Current() != "one" || len(f.rejected()) != 0 {
			t.Fatalf("%q: event %+v, live %q, %d rejections", content, e, l.Current(), len(f.rejected()))
		}
	}
	// A save in two steps: the change restarts the wait, and the complete
	// version is installed at the first look.
	f.write("two")
	if e := f.events.Wait(t, watch.Swapped, version("two")); !e.Tentative || l.Current() != "two" {
		t.Fatalf("event %+v, live %q", e, l.Current())
	}
	if got := f.logged(); !slices.Equal(got, []string{"reloaded"}) || len(f.rejected()) != 0 {
		t.Fatalf("logged %q, %d rejections", got, len(f.rejected()))
	}
}

func TestWatchActsOnADoubtfulVersionThatStays(t *testing.T) {
	t.Parallel()
	f := newFake(t, "one")
	l := f.live(watch.Timing{Settle: 20 * time.Millisecond, Confirm: 50 * time.Millisecond})
	watching(t, f, l)
	steps := []struct {
		name, content string
		want          watch.Outcome // of the second look
		live          string
		rejected      int
	}{
		{"invalid", "bad 1", watch.Refused, "one", 1},
		{"the same again: reported once", "bad 1", watch.Refused, "one", 1},
		{"doubted by the loader", "off", watch.Swapped, "off", 1},
		{"the first invalid one is news again", "bad 1", watch.Refused, "off", 2},
		{"blank", "", watch.Swapped, "", 2},
	}
	for _, s := range steps {
		f.write(s.content)
		f.events.Wait(t, watch.Doubtful, version(s.content))
		e := f.events.Wait(t, s.want, version(s.content))
		if e.Tentative || l.Current() != s.live || len(f.rejected()) != s.rejected {
			t.Fatalf("%s: event %+v, live %q, %d rejections", s.name, e, l.Current(), len(f.rejected()))
		}
	}
	if err := os.Remove(f.path); err != nil {
		t.Fatal(err)
	}
	f.events.Wait(t, watch.Doubtful, "")
	if e := f.events.Wait(t, watch.Unreadable, ""); e.Tentative || e.Err == nil || l.Current() != "" {
		t.Fatalf("event %+v, live %q", e, l.Current())
	}
	want := []string{"refused", "doubtful", "reloaded", "refused", "reloaded", "unreadable"}
	if got := f.logged(); !slices.Equal(got, want) {
		t.Fatalf("logged %q, want %q", got, want)
	}
}
