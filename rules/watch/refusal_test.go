package watch_test

import (
	"testing"
	"time"

	"github.com/wxcast/wxcast/rules/watch"
)

// TestRefused checks the standing refusal the health check and the demo
// page show: set with its problems and the live version when a bad
// version is refused, kept while the files hold a bad version, cleared
// when a good one loads or the live one is back; and OnSwap hears each
// new live version.
func TestRefused(t *testing.T) {
	t.Parallel()
	f := newFake(t, "one")
	var swapped []string
	l, err := watch.New(f.loader(), watch.Options{OnSwap: func(v string) { swapped = append(swapped, v) }})
	if err != nil {
		t.Fatal(err)
	}
	if r, ok := l.Refused(); ok {
		t.Fatalf("a refusal at start: %+v", r)
	}
	before := time.Now()
	f.write("bad 1")
	_, _ = l.Reload()
	r, ok := l.Refused()
	if !ok || r.Version != version("bad 1") || r.Live != version("one") || r.Err == nil || r.Err.Error() != "bad content" || r.At.Before(before) {
		t.Fatalf("after a refused version: %+v %v", r, ok)
	}
	_, _ = l.Reload() // the same bad version, looked at again
	if r2, ok := l.Refused(); !ok || r2 != r {
		t.Fatalf("looking again changed the refusal: %+v, was %+v", r2, r)
	}
	f.write("one")
	_, _ = l.Reload()
	if r, ok := l.Refused(); ok {
		t.Fatalf("the live version is back, yet a refusal: %+v", r)
	}
	f.write("bad 2")
	_, _ = l.Reload()
	if r, ok := l.Refused(); !ok || r.Version != version("bad 2") {
		t.Fatalf("second refusal: %+v %v", r, ok)
	}
	f.write("two")
	_, _ = l.Reload()
	if r, ok := l.Refused(); ok {
		t.Fatalf("a good version loaded, yet a refusal: %+v", r)
	}
	if len(swapped) != 1 || swapped[0] != version("two") {
		t.Fatalf("OnSwap heard %q, want [%q]", swapped, version("two"))
	}
}
