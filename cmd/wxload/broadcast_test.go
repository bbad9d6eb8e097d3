package main

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/wxcast/wxcast/internal/redistest"
)

// TestBroadcastSmall fills an empty prefix with 2,500 subscribed
// followers, sends them a broadcast in batches of 1,000 and checks that
// the simulator reached each once, in three calls, and that nothing is
// left under the prefix.
func TestBroadcastSmall(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	url, prefix := redistest.SharedURL(t), redistest.Prefix(t)
	var out, errs bytes.Buffer
	err := dispatch(ctx, []string{"broadcast", "--redis-url", url, "--prefix", prefix,
		"--followers", "2500", "--batch-size", "1000", "--timeout", "2m", "--json"}, &out, &errs)
	if err != nil {
		t.Fatalf("%v\nstdout: %s\nstderr: %s", err, out.String(), errs.String())
	}
	var r bcReport
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatalf("report %q: %v", out.String(), err)
	}
	if r.Audience != 2500 || r.Subscribed != 2500 || r.Followers <= r.Subscribed {
		t.Errorf("audience %d, subscribed %d of %d followers; want 2500 of more (some unsubscribe)",
			r.Audience, r.Subscribed, r.Followers)
	}
	if r.Jobs != 3 || r.Batches != 3 || r.MassCalls != 3 {
		t.Errorf("%d mass sends, %d batches, %d calls; want 3", r.Jobs, r.Batches, r.MassCalls)
	}
	if r.Recipients != 2500 || r.Delivered != 2500 || r.Twice != 0 || r.State != "sent" || len(r.Problems) > 0 {
		t.Errorf("report = %+v", r)
	}
	if r.SendSeconds <= 0 || r.StateSeconds < r.SendSeconds || r.PreviewSeconds <= 0 {
		t.Errorf("preview %vs, send %vs, state %vs", r.PreviewSeconds, r.SendSeconds, r.StateSeconds)
	}
	rdb, err := singleNode(redistest.OpenAt(t, url, prefix).Redis())
	if err != nil {
		t.Fatal(err)
	}
	if busy, err := anyKey(ctx, rdb, prefix); err != nil || busy {
		t.Errorf("keys left under %s (%v)", prefix, err)
	}
}
