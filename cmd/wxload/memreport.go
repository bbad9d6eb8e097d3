package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// memReport is what profiles measured. Per-follower figures cover the
// profile hash and the history list only: the dedup marks expire after
// dedup_ttl and are reported on their own.
type memReport struct {
	Followers    int     `json:"followers"`
	Prefix       string  `json:"prefix"`
	WriteSeconds float64 `json:"write_s"`
	Callbacks    int64   `json:"callbacks"`
	// Duplicates are callbacks the store took for retries (two events of
	// one kind in one second); they changed nothing.
	Duplicates int64 `json:"duplicates"`

	// ProfileBytes is MEMORY USAGE … SAMPLES 0 of every profile shard hash,
	// divided by the followers; HistoryBytes the mean over Sampled
	// followers' history lists. Each includes the key and its
	// main-dictionary entry.
	Sampled         int     `json:"sampled"`
	ProfileBytes    float64 `json:"profile_bytes"`
	HistoryBytes    float64 `json:"history_bytes"`
	TotalBytes      float64 `json:"total_bytes"`
	ProfileFields   float64 `json:"followers_per_shard"`
	HistoryEntries  float64 `json:"history_entries"`
	ProfileEncoding string  `json:"profile_encoding"`
	HistoryEncoding string  `json:"history_encoding"`

	// INFO memory used_memory: before writing, after writing (with the
	// dedup marks) and after deleting the dedup marks.
	UsedBefore     int64 `json:"used_memory_before"`
	UsedAfterWrite int64 `json:"used_memory_after_write"`
	UsedAfterDedup int64 `json:"used_memory_after_dedup_deleted"`
	// UsedPerFollower is (after dedup deleted - before) / followers: it
	// also counts what MEMORY USAGE leaves out (the history's expiry
	// entry, hash-table buckets).
	UsedPerFollower float64 `json:"used_memory_per_follower"`

	DedupKeys     int64   `json:"dedup_keys"`
	DedupKeyBytes float64 `json:"dedup_key_bytes"` // MEMORY USAGE mean
	// DedupUsedPerKey is the used_memory freed by deleting them, per key.
	DedupUsedPerKey float64 `json:"dedup_used_memory_per_key"`

	Extrapolate         int     `json:"extrapolate_to"`
	ExtrapolatedBytes   float64 `json:"extrapolated_bytes"`       // TotalBytes × Extrapolate
	ExtrapolatedUsedMem float64 `json:"extrapolated_used_memory"` // UsedPerFollower × Extrapolate
}

// finish derives the totals and extrapolations.
func (r *memReport) finish() {
	r.TotalBytes = r.ProfileBytes + r.HistoryBytes
	r.UsedPerFollower = float64(r.UsedAfterDedup-r.UsedBefore) / float64(r.Followers)
	if r.DedupKeys > 0 {
		r.DedupUsedPerKey = float64(r.UsedAfterWrite-r.UsedAfterDedup) / float64(r.DedupKeys)
	}
	r.ExtrapolatedBytes = r.TotalBytes * float64(r.Extrapolate)
	r.ExtrapolatedUsedMem = r.UsedPerFollower * float64(r.Extrapolate)
}

func (r memReport) writeText(w io.Writer) error {
	var b strings.Builder
	gib := func(v float64) float64 { return v / (1 << 30) }
	fmt.Fprintf(&b, "wrote       %d followers, %d callbacks (%d taken as retries) in %.1fs (%.0f callbacks/s)\n",
		r.Followers, r.Callbacks, r.Duplicates, r.WriteSeconds, float64(r.Callbacks)/r.WriteSeconds)
	fmt.Fprintf(&b, "per follower (MEMORY USAGE SAMPLES 0; histories: mean of %d; dedup marks excluded):\n", r.Sampled)
	fmt.Fprintf(&b, "  profile   %7.1f B  (all shard hashes / followers; %s, %.1f followers per shard)\n", r.ProfileBytes, r.ProfileEncoding, r.ProfileFields)
	fmt.Fprintf(&b, "  history   %7.1f B  (%s, %.1f entries)\n", r.HistoryBytes, r.HistoryEncoding, r.HistoryEntries)
	fmt.Fprintf(&b, "  total     %7.1f B  -> %d followers: %.2f GiB\n", r.TotalBytes, r.Extrapolate, gib(r.ExtrapolatedBytes))
	fmt.Fprintf(&b, "cross-check (INFO used_memory, dedup marks deleted first):\n")
	fmt.Fprintf(&b, "  %d -> %d B: %.1f B per follower -> %d followers: %.2f GiB\n",
		r.UsedBefore, r.UsedAfterDedup, r.UsedPerFollower, r.Extrapolate, gib(r.ExtrapolatedUsedMem))
	fmt.Fprintf(&b, "dedup marks (expire after dedup_ttl; not in the figures above):\n")
	fmt.Fprintf(&b, "  %d keys, %.1f B each (MEMORY USAGE), %.1f B each (used_memory freed by deleting them)\n",
		r.DedupKeys, r.DedupKeyBytes, r.DedupUsedPerKey)
	_, err := io.WriteString(w, b.String())
	return err
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
