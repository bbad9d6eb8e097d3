package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/wxcast/wxcast/bot/segment"
	"github.com/wxcast/wxcast/store"
)

// progress shows how far a long job (users sync, users import, segment
// count) has come. It is safe for concurrent use.
type progress interface {
	// Update reports done of total units (total 0: not known yet) and a
	// short note, such as "page 3" or "120000 profiles read".
	Update(done, total int64, note string)
	// Finish ends the display; the job's summary follows it.
	Finish()
}

const (
	// progressDelay is how long a job runs before its progress shows:
	// a quick one prints only its summary.
	progressDelay = 2 * time.Second
	// progressEvery is the longest gap between two plain lines.
	progressEvery = 5 * time.Second
)

// newProgress is the one place that decides how progress shows on w: a
// bar redrawn in place on a terminal, plain lines otherwise (a pipe, a
// log file, a CI run), one every 10% or 5 seconds and never a carriage
// return. what names the job; bytes makes the bar count in bytes.
func newProgress(w io.Writer, what string, bytes bool) progress {
	if isTerminal(w) {
		return &barProgress{w: w, what: what, bytes: bytes, start: time.Now()}
	}
	return &lineProgress{w: w, what: what, now: time.Now, start: time.Now(), delay: progressDelay, every: progressEvery}
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// lineProgress prints plain lines: "users sync: 40% (page 4), 12s".
type lineProgress struct {
	w            io.Writer
	what         string
	now          func() time.Time
	start        time.Time
	delay, every time.Duration

	mu        sync.Mutex
	printed   bool
	last      time.Time
	lastTenth int64 // tenths of the total done at the last line
	line      string
}

func (p *lineProgress) Update(done, total int64, note string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	if now.Sub(p.start) < p.delay {
		return
	}
	tenth := int64(-1)
	if total > 0 {
		tenth = min(10*done/total, 10)
	}
	if p.printed && tenth <= p.lastTenth && now.Sub(p.last) < p.every {
		return
	}
	p.line = p.format(done, total, note, now)
	fmt.Fprintln(p.w, p.line)
	p.printed, p.last, p.lastTenth = true, now, tenth
}

func (p *lineProgress) format(done, total int64, note string, now time.Time) string {
	elapsed := now.Sub(p.start).Round(time.Second)
	if total <= 0 {
		return fmt.Sprintf("%s: %s, %v", p.what, note, elapsed)
	}
	return fmt.Sprintf("%s: %d%% (%s), %v", p.what, min(100*done/total, 100), note, elapsed)
}

// Finish prints nothing: a job that printed lines ends with its summary.
func (p *lineProgress) Finish() {}

// barProgress draws a progressbar, made once the job has run for
// progressDelay.
type barProgress struct {
	w     io.Writer
	what  string
	bytes bool
	start time.Time

	mu  sync.Mutex
	bar *progressbar.ProgressBar
	max int64
}

func (p *barProgress) Update(done, total int64, note string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar == nil {
		if time.Since(p.start) < progressDelay {
			return
		}
		p.max = total
		if total <= 0 {
			p.max = -1 // a spinner until the total is known
		}
		p.bar = progressbar.NewOptions64(p.max,
			progressbar.OptionSetWriter(p.w),
			progressbar.OptionSetDescription(p.what),
			progressbar.OptionShowBytes(p.bytes),
			progressbar.OptionSetWidth(30),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionClearOnFinish(),
		)
	}
	if total > 0 && total != p.max {
		p.max = total
		p.bar.ChangeMax64(total)
	}
	p.bar.Describe(p.what + " " + note)
	_ = p.bar.Set64(done)
}

func (p *barProgress) Finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar != nil {
		_ = p.bar.Finish()
		_ = p.bar.Clear()
	}
}

// scanProgress counts the batches of a scan of every follower profile:
// the store reads its shards in equal batches, so batches done of all
// batches is how far the scan has come.
type scanProgress struct {
	segment.Profiles
	p progress

	batches, profiles atomic.Int64
}

func (s *scanProgress) Scan(ctx context.Context, o store.ScanOptions, fn func(batch []*store.Profile) error) error {
	if o.ShardsPerBatch <= 0 {
		o.ShardsPerBatch = 16 // the store's default, made explicit to count the batches
	}
	total := int64((store.Shards + o.ShardsPerBatch - 1) / o.ShardsPerBatch)
	return s.Profiles.Scan(ctx, o, func(batch []*store.Profile) error {
		err := fn(batch)
		n, m := s.batches.Add(1), s.profiles.Add(int64(len(batch)))
		s.p.Update(n, total, fmt.Sprintf("%d profiles read", m))
		return err
	})
}

// readProgress counts the bytes read from a file of size total.
type readProgress struct {
	r     io.Reader
	total int64
	p     progress
	n     int64
}

func (r *readProgress) Read(b []byte) (int, error) {
	n, err := r.r.Read(b)
	r.n += int64(n)
	r.p.Update(r.n, r.total, fmt.Sprintf("%.1f of %.1f MB read", float64(r.n)/1e6, float64(r.total)/1e6))
	return n, err
}
