package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/wxcast/wxcast/bot/usersync"
	"github.com/wxcast/wxcast/internal/redistest"
	"github.com/wxcast/wxcast/store"
)

// faultSyncEnv turns a re-executed test binary into `wxcast users sync`.
const faultSyncEnv = "WXCASTTEST_FAULT_SYNC"

func faultSync() int {
	err := run(context.Background(), []string{"users", "sync", "--config", "../../configs/wxcast.example.yaml"},
		os.Environ(), os.Stdout, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "wxcast:", err)
		return 1
	}
	return 0
}

// TestFaultKillSync kills `wxcast users sync` (SIGKILL) in the middle of a
// run and runs it again: the second run waits for the dead one's lease,
// resumes at the page the checkpoint names, and leaves every follower
// synced by the same run.
func TestFaultKillSync(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the resumed sync waits for the killed one's lease to expire (30 s)")
	}
	redistest.Require(t, "TEST_REDIS_URL", "the killed sync runs as a subprocess and must share a real Redis")
	t.Parallel()
	const n = 40000 // four pages
	url, prefix := redistest.URL(), redistest.Prefix(t)
	st := redistest.OpenAt(t, url, prefix)
	// The second sync runs in this process, whose WeChat API calls all go
	// to the shared simulator (the SDK's client is process-wide).
	sim, simURL := sharedSim()
	appID := newApp(t)
	sim.PopulateFollowers(appID, n, 11)
	env := []string{"WXCAST_WECHAT_APP_ID=" + appID, "WXCAST_WECHAT_TOKEN=" + tToken,
		"WXCAST_WECHAT_ENCODING_AES_KEY=" + tAESKey, "WXCAST_WECHAT_APP_SECRET=" + tSecret,
		"WXCAST_WECHAT_API_BASE_URL=" + simURL, "WXCAST_REDIS_URL=" + url, "WXCAST_REDIS_KEY_PREFIX=" + prefix,
		"WXCAST_SYNC_WORKERS=1", "WXCAST_RULES_FILE="}

	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(append(os.Environ(), faultSyncEnv+"=1"), env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	// Kill it once two pages are checkpointed.
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if pages := checkpointPages(t, st); pages >= 2 {
			break
		}
		select {
		case err := <-exited:
			t.Fatalf("the sync ended before it could be killed: %v\n%s", err, out.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("no checkpoint after 60 s\n%s", out.String())
		}
	}
	_ = cmd.Process.Kill()
	<-exited
	killedAt := checkpointPages(t, st)
	t.Logf("killed the sync with %d pages checkpointed", killedAt)

	var stdout, stderr bytes.Buffer
	for deadline := time.Now().Add(45 * time.Second); ; time.Sleep(time.Second) {
		stdout.Reset()
		stderr.Reset()
		err := run(context.Background(), []string{"users", "sync", "--config", "../../configs/wxcast.example.yaml"},
			env, &stdout, &stderr)
		if err == nil {
			break
		}
		if time.Now().After(deadline) || !bytes.Contains([]byte(err.Error()), []byte("another sync is running")) {
			t.Fatalf("second sync: %v\n%s%s", err, stdout.String(), stderr.String())
		}
	}
	want := fmt.Sprintf("(resumed at page %d)", killedAt+1)
	if !bytes.Contains(stdout.Bytes(), []byte(want)) || !bytes.Contains(stdout.Bytes(), []byte(fmt.Sprintf("followers listed      %d of %d", n, n))) {
		t.Fatalf("second sync did not resume at page %d:\n%s", killedAt+1, stdout.String())
	}
	last, ok, err := usersync.LastSummary(context.Background(), st)
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	f := st.Followers(store.Calendar{Loc: time.UTC}, store.Limits{})
	var stamped int
	err = f.Scan(context.Background(), store.ScanOptions{Workers: 1}, func(batch []*store.Profile) error {
		for _, p := range batch {
			if p.Subscribed && p.SyncRun == last.Run.Unix() {
				stamped++
			}
		}
		return nil
	})
	if err != nil || stamped != n {
		t.Fatalf("%d followers synced by the resumed run, want %d (%v)", stamped, n, err)
	}
}

// checkpointPages reads how many pages the unfinished run has written.
func checkpointPages(t *testing.T, st *store.Store) int {
	doc, ok, err := st.SyncState().Checkpoint(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !ok {
		return 0
	}
	var cp struct {
		Pages int `json:"pages"`
	}
	if err := json.Unmarshal(doc, &cp); err != nil {
		t.Fatal(err)
	}
	return cp.Pages
}
