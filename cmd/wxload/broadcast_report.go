package main

import (
	"fmt"
	"io"
	"strings"
)

// bcReport is what broadcast measured.
type bcReport struct {
	Prefix     string `json:"prefix"`
	CPUs       int    `json:"cpus"`
	GOMAXPROCS int    `json:"gomaxprocs"`
	// Filled followers were written by this run, in FillSeconds.
	Filled      int     `json:"filled,omitempty"`
	FillSeconds float64 `json:"fill_s,omitempty"`
	// Followers are the profiles under the prefix, Subscribed those
	// subscribed; Audience is what the preview froze.
	Followers  int `json:"followers"`
	Subscribed int `json:"subscribed"`
	Audience   int `json:"audience"`
	BatchSize  int `json:"batch_size"`

	// PreviewSeconds is Preview: evaluating the segment over every profile
	// and writing the snapshot (SnapshotLists lists, SnapshotBytes in
	// Redis by MEMORY USAGE).
	PreviewSeconds float64 `json:"preview_s"`
	SnapshotLists  int     `json:"snapshot_lists"`
	SnapshotBytes  int64   `json:"snapshot_bytes"`

	// SendSeconds runs from Send to the simulator accepting the last
	// batch, StateSeconds to the record reading sent. PerSecond is the
	// audience over SendSeconds; SendCPUSeconds the CPU time of this
	// process (sender and simulator), RedisCPUSeconds Redis's.
	SendSeconds float64 `json:"send_s"`
	// FirstBatchSeconds runs from Send to the first batch accepted: the
	// batches are built (materialize) before it.
	FirstBatchSeconds float64 `json:"first_batch_s"`
	StateSeconds      float64 `json:"state_s"`
	PerSecond         float64 `json:"recipients_per_s"`
	SendCPUSeconds    float64 `json:"send_cpu_s"`
	RedisCPUSeconds   float64 `json:"send_redis_cpu_s"`
	State             string  `json:"state"`
	Batches           int     `json:"batches"`
	MassCalls         int     `json:"mass_calls"`
	Dropped           int     `json:"dropped"`
	BatchListBytes    int64   `json:"batch_list_bytes"`

	// RSS in MB (VmRSS, VmHWM). PeakRSSSetupMB is the peak before the send
	// (filling, counting, preview); PeakRSSSendMB the peak of the send
	// alone when PeakReset (clear_refs), else of the whole run. The
	// simulator runs in this process and keeps every request and a state
	// per recipient, so both include it.
	RSSBeforeSendMB float64 `json:"rss_before_send_mb"`
	PeakRSSSetupMB  float64 `json:"peak_rss_setup_mb"`
	PeakRSSSendMB   float64 `json:"peak_rss_send_mb"`
	PeakReset       bool    `json:"peak_reset"`

	// What the simulator got.
	Jobs       int      `json:"mass_jobs"`
	Recipients int      `json:"recipients"`
	Delivered  int      `json:"delivered"`
	Twice      int      `json:"delivered_twice"`
	Problems   []string `json:"problems,omitempty"`
}

func (r *bcReport) writeText(w io.Writer) error {
	var b strings.Builder
	mb := func(v int64) float64 { return float64(v) / (1 << 20) }
	if r.Filled > 0 {
		fmt.Fprintf(&b, "filled    %d followers under %s in %.1fs\n", r.Filled, r.Prefix, r.FillSeconds)
	}
	fmt.Fprintf(&b, "followers %d profiles, %d subscribed; audience %d; batch size %d; %d CPUs\n",
		r.Followers, r.Subscribed, r.Audience, r.BatchSize, r.CPUs)
	fmt.Fprintf(&b, "preview   %.2fs (audience snapshot: %d lists, %.1f MB in Redis)\n",
		r.PreviewSeconds, r.SnapshotLists, mb(r.SnapshotBytes))
	fmt.Fprintf(&b, "send      %.2fs to the last batch accepted (%.2fs to state %s): %d batches, %.0f recipients/s\n",
		r.SendSeconds, r.StateSeconds, r.State, r.Batches, r.PerSecond)
	fmt.Fprintf(&b, "          first batch accepted after %.2fs (building the batches)\n", r.FirstBatchSeconds)
	fmt.Fprintf(&b, "          CPU %.1fs in this process (sender and simulator), %.1fs in Redis\n", r.SendCPUSeconds, r.RedisCPUSeconds)
	fmt.Fprintf(&b, "          batch lists %.1f MB in Redis; %d dropped as unsubscribed\n", mb(r.BatchListBytes), r.Dropped)
	scope := "send alone"
	if !r.PeakReset {
		scope = "whole run: clear_refs unavailable"
	}
	fmt.Fprintf(&b, "memory    peak RSS %.0f MB during the send (%s); %.0f MB before it, peak %.0f MB up to it\n",
		r.PeakRSSSendMB, scope, r.RSSBeforeSendMB, r.PeakRSSSetupMB)
	fmt.Fprintf(&b, "checks    %d mass sends, %d recipients, %d followers reached, %d more than once\n",
		r.Jobs, r.Recipients, r.Delivered, r.Twice)
	for _, p := range r.Problems {
		fmt.Fprintf(&b, "FAILED    %s\n", p)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
