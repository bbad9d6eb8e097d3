package main

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"
)

// fakeClock is a clock a test moves by hand.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }

func newTestLines(w *bytes.Buffer, c *fakeClock) *lineProgress {
	return &lineProgress{w: w, what: "users sync", now: c.now, start: c.t, delay: 2 * time.Second, every: 5 * time.Second}
}

// TestProgressNotATerminal checks the plain-line progress: nothing for a
// job within the delay, then a line per 10% (or 5 s), no carriage return.
func TestProgressNotATerminal(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	if _, ok := newProgress(&out, "x", false).(*lineProgress); !ok {
		t.Fatal("a buffer got a terminal progress bar")
	}

	clock := &fakeClock{t: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)}
	p := newTestLines(&out, clock)
	p.Update(10, 1000, "page 1")
	if out.Len() != 0 {
		t.Fatalf("a line within the delay: %q", out.String())
	}
	clock.t = clock.t.Add(3 * time.Second)
	for done := int64(1); done <= 1000; done++ {
		clock.t = clock.t.Add(time.Millisecond) // 1000 updates in 1 s: only the 10% steps print
		p.Update(done, 1000, fmt.Sprintf("page %d", done/100+1))
	}
	p.Finish()
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if strings.Contains(out.String(), "\r") || strings.Contains(out.String(), "\x1b") {
		t.Errorf("carriage returns or escapes off a terminal: %q", out.String())
	}
	if len(lines) != 11 {
		t.Errorf("%d lines for 0–100%%, want 11 (a line per 10%%):\n%s", len(lines), out.String())
	}
	if lines[0] != "users sync: 0% (page 1), 3s" || lines[len(lines)-1] != "users sync: 100% (page 11), 4s" {
		t.Errorf("first and last lines:\n%s", out.String())
	}

	// With no total yet, and slow going: a line every 5 s.
	out.Reset()
	p = newTestLines(&out, clock)
	for i := range 60 {
		clock.t = clock.t.Add(time.Second)
		p.Update(int64(i), 0, fmt.Sprintf("%d profiles read", i))
	}
	if n := strings.Count(out.String(), "\n"); n < 11 || n > 13 {
		t.Errorf("%d lines over a minute without a total, want about 12:\n%s", n, out.String())
	}
	if !strings.Contains(out.String(), "users sync: 1 profiles read, 2s\n") {
		t.Errorf("the first line without a total:\n%s", out.String())
	}
}
