package main

import (
	"bytes"
	"context"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wxcast/wxcast/internal/wxsim"
)

// worker is one sending loop with its private request builder, mix and
// tally, so the hot loop shares nothing but the slot and MsgId counters.
type worker struct {
	client *wxsim.Client
	conn   *conn
	mix    *mix
	tally  tally
}

// tally is what one worker counted and measured.
type tally struct {
	sent, ok int64
	errors   map[string]int64  // by category: transport, status_NNN, body, build
	samples  map[string]string // one message per error category
	kinds    map[string]int64  // sent callbacks by kind
	latency  []time.Duration   // from the scheduled send time to the answer
	service  []time.Duration   // from the actual send time to the answer
	lastDone time.Time
}

func newTally() tally {
	return tally{errors: map[string]int64{}, samples: map[string]string{}, kinds: map[string]int64{}}
}

// fire sends one callback that was due at scheduled and records it.
func (w *worker) fire(ctx context.Context, scheduled time.Time) {
	m, kind := w.mix.next()
	start := time.Now()
	req, err := w.client.BuildRequest(ctx, m)
	if err != nil {
		w.tally.fail("build", err.Error())
		return
	}
	resp, err := w.conn.do(req)
	done := time.Now()
	if err == nil && resp.Status == 200 && string(resp.Raw) != "success" {
		// A passive reply from the rules: it must open as WeChat would.
		err = w.client.OpenReply(resp)
	}
	t := &w.tally
	t.sent++
	t.kinds[kind]++
	t.latency = append(t.latency, done.Sub(scheduled))
	t.service = append(t.service, done.Sub(start))
	t.lastDone = done
	if cat := classify(resp, err); cat != "" {
		msg := ""
		switch {
		case err != nil:
			msg = err.Error()
		case resp != nil:
			msg = string(resp.Raw[:min(len(resp.Raw), 120)])
		}
		t.fail(cat, msg)
		return
	}
	t.ok++
}

func (t *tally) fail(category, msg string) {
	t.errors[category]++
	if _, ok := t.samples[category]; !ok && len(t.samples) < 16 {
		t.samples[category] = msg
	}
}

// classify names what is wrong with an answer, or returns "" when it is
// the plain "success" wxcast gives to a callback that needs no reply, or a
// passive reply that opened (err nil) and holds a message.
func classify(r *wxsim.Response, err error) string {
	switch {
	case r == nil:
		return "transport"
	case r.Status != 200:
		return "status_" + strconv.Itoa(r.Status)
	case err != nil:
		return "body"
	case string(r.Raw) == "success":
		return ""
	case !bytes.Contains(r.Plain, []byte("<MsgType>")):
		return "body"
	}
	return ""
}

// paced is the open-loop sender: slot i is due at start + i*period,
// whoever claims it, so a slow answer delays later sends without hiding
// them (latency counts from the due time). It stops at the first slot
// due at or after end; a slot still unsent when end passes is dropped
// and reported as scheduled but not sent.
func (w *worker) paced(ctx context.Context, slots *atomic.Int64, start, end time.Time, period float64) {
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for ctx.Err() == nil {
		i := slots.Add(1) - 1
		due := start.Add(time.Duration(float64(i) * period))
		if !due.Before(end) {
			return
		}
		if d := time.Until(due); d > 0 {
			timer.Reset(d)
			select {
			case <-ctx.Done():
				return
			case <-timer.C:
			}
		} else if !time.Now().Before(end) {
			return
		}
		w.fire(ctx, due)
	}
}

// flat is the closed-loop sender: the next callback goes as soon as the
// previous one is answered, until end.
func (w *worker) flat(ctx context.Context, end time.Time) {
	for ctx.Err() == nil {
		now := time.Now()
		if !now.Before(end) {
			return
		}
		w.fire(ctx, now)
	}
}

// drive runs the workers for d, paced at rate callbacks/s or flat out
// when rate is 0, and returns when every worker has stopped. It returns
// the start time and, when paced, the number of slots due before the end.
func drive(ctx context.Context, workers []*worker, rate float64, d time.Duration) (start time.Time, scheduled int64) {
	var (
		wg    sync.WaitGroup
		slots atomic.Int64
	)
	start = time.Now()
	end := start.Add(d)
	period := 0.0
	if rate > 0 {
		period = float64(time.Second) / rate
		scheduled = int64(float64(d) / period)
		if float64(scheduled)*period < float64(d) {
			scheduled++
		}
	}
	for _, w := range workers {
		wg.Go(func() {
			if rate > 0 {
				w.paced(ctx, &slots, start, end, period)
			} else {
				w.flat(ctx, end)
			}
		})
	}
	wg.Wait()
	return start, scheduled
}
