package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/wxcast/wxcast/bot/usersync"
	"github.com/wxcast/wxcast/bot/wxapi"
	"github.com/wxcast/wxcast/internal/wxsim"
	"github.com/wxcast/wxcast/store"
)

const (
	syncAppID  = "wxloadsync"
	syncSecret = "wxload-sync-secret"
)

// syncReport is what cmdSync measured.
type syncReport struct {
	Followers int     `json:"followers"`
	Workers   int     `json:"workers"`
	Latency   string  `json:"latency"`
	CPUs      int     `json:"cpus"`
	SetupSec  float64 `json:"setup_seconds"` // the simulator's roster
	FirstSec  float64 `json:"first_sync_seconds"`
	FirstRate float64 `json:"first_sync_followers_per_second"`
	AgainSec  float64 `json:"second_sync_seconds,omitempty"`
	RSSBefore float64 `json:"rss_before_mb"` // simulator and roster included
	PeakRSS   float64 `json:"peak_rss_mb"`   // during the syncs, simulator included
	PeakReset bool    `json:"peak_reset"`    // whether the peak was reset before the syncs
	HeapPeak  float64 `json:"go_heap_peak_mb"`
	// LiveBefore and LiveAfter are the live Go heap (after a GC) before
	// and after the first sync: what the sync kept.
	LiveBefore float64          `json:"live_heap_before_mb"`
	LiveAfter  float64          `json:"live_heap_after_mb"`
	Summary    usersync.Summary `json:"first"`
	Again      usersync.Summary `json:"second"`
	Problems   []string         `json:"problems,omitempty"`
}

// cmdSync times `wxcast users sync` over simulated followers: the real
// sync and WeChat API client against Redis and the simulator, served in
// this process on loopback. Everything goes under a prefix of its own,
// deleted at the end.
func cmdSync(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("sync", flag.ContinueOnError)
	fs.SetOutput(stderr)
	redisURL := redisURLFlag(fs)
	n := fs.Int("followers", 1000000, "followers of the simulated account")
	workers := fs.Int("workers", 16, "concurrent user/info/batchget calls (sync.workers)")
	again := fs.Bool("again", true, "sync a second time, when nothing changed")
	latency := fs.Duration("latency", 0, "delay every simulated API call by this much, as a round trip to WeChat would")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *n < 1 || *workers < 1 || *workers > 32 {
		return errors.New("sync: --followers ≥ 1; --workers 1 to 32")
	}
	prefix := "bench:sync:" + randomHex(4) + ":"
	st, rdb, closeStore, err := openSingle(ctx, *redisURL, prefix)
	if err != nil {
		return err
	}
	defer func() { _ = closeStore() }()
	defer func() {
		n, err := deletePrefix(context.WithoutCancel(ctx), rdb, prefix)
		fmt.Fprintf(stderr, "sync: deleted %d keys under %s\n", n, prefix)
		if err != nil {
			fmt.Fprintln(stderr, "sync: clean:", err)
		}
	}()

	r := syncReport{Followers: *n, Workers: *workers, Latency: latency.String(), CPUs: runtime.NumCPU()}
	start := time.Now()
	sim := wxsim.NewServer(wxsim.WithLeanCallLog())
	defer sim.Close()
	sim.AddApp(syncAppID, syncSecret)
	for i := range 10 {
		if _, err := sim.CreateTag(syncAppID, fmt.Sprintf("标签%d", i)); err != nil {
			return err
		}
	}
	sim.PopulateFollowers(syncAppID, *n, 1)
	var h http.Handler = sim
	if *latency > 0 {
		h = http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			time.Sleep(*latency)
			sim.ServeHTTP(w, req)
		})
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	r.SetupSec = time.Since(start).Seconds()
	if err := wxapi.RouteSDK(srv.URL); err != nil {
		return err
	}
	log := zap.New(zapcore.NewCore(zapcore.NewConsoleEncoder(zap.NewDevelopmentEncoderConfig()),
		zapcore.AddSync(stderr), zap.WarnLevel))
	tokens := wxapi.NewTokens(st.Tokens(syncAppID), wxapi.StableFetcher(syncAppID, syncSecret), nil, log)
	api := wxapi.New(wxapi.Config{AppID: syncAppID, AppSecret: syncSecret}, tokens, st.SDKCache())
	f := st.Followers(store.Calendar{Loc: time.UTC}, store.Limits{})
	o := usersync.SyncOptions{Store: st, Followers: f, API: api, Owner: "wxload", Workers: *workers, Log: log}

	r.LiveBefore = liveHeapMB()
	r.RSSBefore = procMB("VmRSS:")
	r.PeakReset = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
	stopHeap := watchHeap(&r.HeapPeak)
	start = time.Now()
	if r.Summary, err = usersync.Sync(ctx, o); err != nil {
		stopHeap()
		return err
	}
	r.FirstSec = time.Since(start).Seconds()
	r.LiveAfter = liveHeapMB()
	r.FirstRate = float64(r.Summary.Listed) / r.FirstSec
	if *again {
		start = time.Now()
		if r.Again, err = usersync.Sync(ctx, o); err != nil {
			stopHeap()
			return err
		}
		r.AgainSec = time.Since(start).Seconds()
	}
	stopHeap()
	r.PeakRSS = procMB("VmHWM:")
	r.check(*again)
	if *asJSON {
		err = writeJSON(stdout, r)
	} else {
		err = r.writeText(stdout)
	}
	if len(r.Problems) > 0 {
		return errors.Join(err, fmt.Errorf("sync: %d checks failed", len(r.Problems)))
	}
	return err
}

// liveHeapMB collects garbage and returns the live heap in MB.
func liveHeapMB() float64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return float64(ms.HeapAlloc) / (1 << 20)
}

// watchHeap samples the Go heap every 50 ms into peak until stopped.
func watchHeap(peak *float64) (stop func()) {
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			*peak = max(*peak, float64(ms.HeapInuse)/(1<<20))
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() { close(done); <-finished }
}

// check compares the counts with what the simulator holds.
func (r *syncReport) check(again bool) {
	s := r.Summary
	if s.Listed != int64(r.Followers) || s.Created != int64(r.Followers) {
		r.Problems = append(r.Problems, fmt.Sprintf("first sync listed %d and created %d, want %d", s.Listed, s.Created, r.Followers))
	}
	if again && r.Again.Unchanged != int64(r.Followers) {
		r.Problems = append(r.Problems, fmt.Sprintf("second sync found %d unchanged, want %d", r.Again.Unchanged, r.Followers))
	}
}

func (r *syncReport) writeText(w io.Writer) error {
	again := "not run (--again=false)"
	if r.AgainSec > 0 {
		again = fmt.Sprintf("%.1f s (%d unchanged)", r.AgainSec, r.Again.Unchanged)
	}
	_, err := fmt.Fprintf(w, `followers          %d (%d CPUs, %d workers, %s added to each call)
simulator setup    %.1f s
first sync         %.1f s, %.0f followers/s (%d pages, %d retries)
second sync        %s
RSS before         %.0f MB (simulator and its roster)
peak RSS           %.0f MB (simulator included; peak reset before the syncs: %v)
Go heap peak       %.0f MB (garbage included: the collector lets the heap grow to twice the live set)
live heap          %.0f MB before the first sync, %.0f MB after
`, r.Followers, r.CPUs, r.Workers, r.Latency, r.SetupSec, r.FirstSec, r.FirstRate, r.Summary.Pages, r.Summary.Retries,
		again, r.RSSBefore, r.PeakRSS, r.PeakReset, r.HeapPeak, r.LiveBefore, r.LiveAfter)
	for _, p := range r.Problems {
		fmt.Fprintln(w, "PROBLEM:", p)
	}
	return err
}
