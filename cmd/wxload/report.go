package main

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"
)

// runReport is the outcome of a run, printed as text or JSON.
type runReport struct {
	Target      string  `json:"target"`
	Mode        string  `json:"mode"`
	Rate        float64 `json:"rate"` // 0: flat out
	Concurrency int     `json:"concurrency"`
	Followers   int     `json:"followers"`
	Cores       int     `json:"cores"`
	DurationS   float64 `json:"duration_s"`
	// ElapsedS runs from the first send to the last answer.
	ElapsedS float64 `json:"elapsed_s"`
	// Scheduled is the number of sends due in a paced run; the ones not
	// sent were still queued behind slow answers when the time was up.
	Scheduled    int64             `json:"scheduled,omitempty"`
	Sent         int64             `json:"sent"`
	OK           int64             `json:"ok"`
	Errors       int64             `json:"errors"`
	ErrorKinds   map[string]int64  `json:"error_kinds,omitempty"`
	ErrorSamples map[string]string `json:"error_samples,omitempty"`
	// Throughput is answered "success" callbacks per second of ElapsedS.
	Throughput float64 `json:"throughput_per_s"`
	// Latency counts from the due time in a paced run (so queueing in the
	// generator is not hidden), from the send otherwise.
	Latency latencySummary `json:"latency_ms"`
	// Service counts from the actual send; it differs from Latency only
	// in a paced run.
	Service     latencySummary   `json:"service_ms"`
	Mix         map[string]int64 `json:"mix"`
	CPU         []cpuUsage       `json:"cpu"`
	MachineBusy float64          `json:"machine_busy_pct"`
}

func buildReport(c runConfig, workers []*worker, start time.Time, scheduled int64) runReport {
	r := runReport{
		Target: c.url, Mode: c.mode.String(), Rate: c.rate, Concurrency: c.concurrency,
		Followers: c.followers, Cores: cores(), DurationS: c.duration.Seconds(), Scheduled: scheduled,
		ErrorKinds: map[string]int64{}, ErrorSamples: map[string]string{}, Mix: map[string]int64{},
	}
	var lat, svc []time.Duration
	last := start
	for _, w := range workers {
		t := &w.tally
		r.Sent += t.sent
		r.OK += t.ok
		for k, n := range t.errors {
			r.ErrorKinds[k] += n
			r.Errors += n
		}
		for k, m := range t.samples {
			if _, ok := r.ErrorSamples[k]; !ok {
				r.ErrorSamples[k] = m
			}
		}
		for k, n := range t.kinds {
			r.Mix[k] += n
		}
		lat = append(lat, t.latency...)
		svc = append(svc, t.service...)
		if t.lastDone.After(last) {
			last = t.lastDone
		}
	}
	r.ElapsedS = last.Sub(start).Seconds()
	if r.ElapsedS > 0 {
		r.Throughput = float64(r.OK) / r.ElapsedS
	}
	r.Latency, r.Service = summarize(lat), summarize(svc)
	return r
}

func (r runReport) writeJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

func (r runReport) writeText(w io.Writer) error {
	var b strings.Builder
	pace := "flat out"
	if r.Rate > 0 {
		pace = fmt.Sprintf("%.0f/s open loop", r.Rate)
	}
	fmt.Fprintf(&b, "target      %s (%s mode), %s, concurrency %d, %d followers, %d cores\n",
		r.Target, r.Mode, pace, r.Concurrency, r.Followers, r.Cores)
	fmt.Fprintf(&b, "duration    %.1fs (last answer at %.2fs)\n", r.DurationS, r.ElapsedS)
	if r.Rate > 0 {
		fmt.Fprintf(&b, "scheduled   %d (not sent: %d)\n", r.Scheduled, r.Scheduled-r.Sent)
	}
	fmt.Fprintf(&b, "sent        %d\nok          %d\nerrors      %d", r.Sent, r.OK, r.Errors)
	for _, k := range slices.Sorted(maps.Keys(r.ErrorKinds)) {
		fmt.Fprintf(&b, "  %s=%d (%q)", k, r.ErrorKinds[k], r.ErrorSamples[k])
	}
	fmt.Fprintf(&b, "\nthroughput  %.1f/s\n", r.Throughput)
	label := "latency"
	if r.Rate > 0 {
		label = "latency (from due time)"
	}
	writeLatency(&b, label, r.Latency)
	if r.Rate > 0 {
		writeLatency(&b, "service (from send)", r.Service)
	}
	b.WriteString("mix        ")
	for _, k := range slices.Sorted(maps.Keys(r.Mix)) {
		fmt.Fprintf(&b, " %s=%d", k, r.Mix[k])
	}
	b.WriteString("\ncpu         ")
	for _, u := range r.CPU {
		fmt.Fprintf(&b, "%s(%d) %.0f%% %.0fµs/cb; ", u.Name, u.PID, u.Percent, u.PerCallbackUS)
	}
	fmt.Fprintf(&b, "machine busy %.0f%% of %d cores\n", r.MachineBusy, r.Cores)
	_, err := io.WriteString(w, b.String())
	return err
}

func writeLatency(b *strings.Builder, label string, s latencySummary) {
	fmt.Fprintf(b, "%-24s ms: p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  max %.3f  (mean %.3f)\n",
		label, s.P50, s.P90, s.P99, s.P999, s.Max, s.Mean)
}
