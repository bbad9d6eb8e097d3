package main

import (
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/wxcast/wxcast/bot/broadcast"
	"github.com/wxcast/wxcast/bot/segment"
	"github.com/wxcast/wxcast/bot/wxapi"
	"github.com/wxcast/wxcast/rules"
	"github.com/wxcast/wxcast/store"
)

// bcSegment selects every subscribed follower.
const (
	bcSegment = "everyone"
	bcRules   = "segments:\n  - name: everyone\n    rule: user.subscribed\n"
	bcAppID   = "wxloadbroadcast"
	bcSecret  = "wxload-broadcast-secret"
)

// bcConfig is what cmdBroadcast was asked to do.
type bcConfig struct {
	redisURL, prefix string
	audience         int // subscribed followers to fill an empty prefix with
	batchSize        int
	keep             bool
	timeout          time.Duration // the longest a send may take
	cpuProfile       string        // where to write a CPU profile of the send
}

// cmdBroadcast measures one broadcast end to end: the real broadcast
// service and WeChat API client against Redis and the WeChat API
// simulator, served in this process on loopback with the mass-send rate
// limit off (WeChat allows 60 calls a minute; a million followers need a
// hundred). It times the preview (the audience snapshot) and the send,
// from Send to the last batch the simulator accepted.
func cmdBroadcast(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("broadcast", flag.ContinueOnError)
	fs.SetOutput(stderr)
	redisURL := redisURLFlag(fs)
	c := bcConfig{}
	fs.StringVar(&c.prefix, "prefix", "bench:bc:", "key prefix of the followers; filled when it holds none")
	fs.IntVar(&c.audience, "followers", 1000000, "subscribed followers to fill an empty prefix with: the audience")
	fs.IntVar(&c.batchSize, "batch-size", 10000, "openids per mass-send call (broadcast.batch_size)")
	fs.BoolVar(&c.keep, "keep", false, "keep the followers this run filled in, for the next run")
	fs.DurationVar(&c.timeout, "timeout", 10*time.Minute, "give up on a send that takes longer")
	fs.StringVar(&c.cpuProfile, "cpuprofile", "", "write a CPU profile of the send phase to this file")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	if err := fs.Parse(args); err != nil {
		return err
	}
	c.redisURL = *redisURL
	if c.prefix == "" || c.audience < 2 || c.batchSize < 2 || c.batchSize > 10000 || c.timeout <= 0 {
		return errors.New("broadcast: --prefix must not be empty; --followers ≥ 2; --batch-size 2 to 10000; --timeout > 0")
	}
	r, err := benchBroadcast(ctx, c, stderr)
	if err != nil {
		return err
	}
	if *asJSON {
		err = writeJSON(stdout, r)
	} else {
		err = r.writeText(stdout)
	}
	if len(r.Problems) > 0 {
		return errors.Join(err, fmt.Errorf("broadcast: %d checks failed", len(r.Problems)))
	}
	return err
}

// benchBroadcast runs the benchmark. Everything the broadcast writes (the
// record, the snapshot, the batches, the token) goes under a prefix of its
// own inside c.prefix, deleted at the end; the followers are deleted too
// when this run filled them in, unless c.keep.
func benchBroadcast(ctx context.Context, c bcConfig, stderr io.Writer) (*bcReport, error) {
	st, rdb, closeStore, err := openSingle(ctx, c.redisURL, c.prefix)
	if err != nil {
		return nil, err
	}
	defer func() { _ = closeStore() }()
	clean := func(prefix string) {
		n, err := deletePrefix(context.WithoutCancel(ctx), rdb, prefix)
		fmt.Fprintf(stderr, "broadcast: deleted %d keys under %s\n", n, prefix)
		if err != nil {
			fmt.Fprintln(stderr, "broadcast: clean:", err)
		}
	}
	rs, err := rules.Parse("broadcast.yaml", []byte(bcRules), rules.Options{})
	if err != nil {
		return nil, err
	}
	loc, _ := time.LoadLocation("Asia/Shanghai")
	cal := store.Calendar{Loc: loc}
	f := st.Followers(cal, store.Limits{})
	seg, _ := rs.Segment(bcSegment)
	count := func() (segment.Tally, error) { return segment.Select(rs, seg, cal, time.Now()).Count(ctx, f) }
	r := &bcReport{Prefix: c.prefix, BatchSize: c.batchSize, CPUs: runtime.NumCPU(), GOMAXPROCS: runtime.GOMAXPROCS(0)}
	t, err := count()
	if err != nil {
		return nil, err
	}
	if t.Scanned == 0 {
		if !c.keep {
			defer clean(c.prefix)
		}
		start := time.Now()
		if r.Filled, err = fillAudience(ctx, f, count, c.audience, stderr); err != nil {
			return nil, err
		}
		r.FillSeconds = time.Since(start).Seconds()
		if t, err = count(); err != nil {
			return nil, err
		}
	}
	r.Followers, r.Subscribed = t.Scanned, t.Subscribed
	run := c.prefix + "run:" + randomHex(4) + ":"
	defer clean(run)
	b, err := newBcBench(store.New(st.Redis(), run), f, rs, cal, c, stderr)
	if err != nil {
		return nil, err
	}
	defer b.close()
	if err := b.plan(ctx, r, rdb, run); err != nil {
		return nil, err
	}
	if err := b.send(ctx, r, rdb, c); err != nil {
		return nil, err
	}
	r.BatchListBytes = keyBytes(ctx, rdb, run) - r.SnapshotBytes
	b.verify(r)
	return r, nil
}

// plan creates the broadcast, previews it (timed: this is the audience
// snapshot) and has the second admin approve it.
func (b *bcBench) plan(ctx context.Context, r *bcReport, rdb *redis.Client, run string) error {
	x, err := b.svc.Create(ctx, b.creator, bcSegment, broadcast.Content{Type: "text", Text: "wxload broadcast benchmark"})
	if err != nil {
		return err
	}
	b.id = x.ID
	start := time.Now()
	if x, err = b.svc.Preview(ctx, b.creator, b.id); err != nil {
		return err
	}
	r.PreviewSeconds = time.Since(start).Seconds()
	r.Audience, r.SnapshotLists = x.Plan.Audience, x.Plan.Chunks
	r.SnapshotBytes = keyBytes(ctx, rdb, run)
	if x, err = b.svc.Approve(ctx, b.approver, b.id, "", ""); err != nil {
		return err
	}
	if x.State != broadcast.StateApproved {
		return fmt.Errorf("broadcast: %s after approval, want approved", x.State)
	}
	return nil
}

// send runs the sender as a server does, says send, and waits until the
// broadcast is sent (or failed).
func (b *bcBench) send(ctx context.Context, r *bcReport, rdb *redis.Client, c bcConfig) error {
	rctx, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() { b.sender.Run(rctx) })
	defer func() { stop(); wg.Wait() }()
	if c.cpuProfile != "" {
		f, err := os.Create(c.cpuProfile)
		if err != nil {
			return err
		}
		defer func() { _ = f.Close() }()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	runtime.GC()
	r.RSSBeforeSendMB, r.PeakRSSSetupMB = procMB("VmRSS:"), procMB("VmHWM:")
	r.PeakReset = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
	ticks, _ := procTicks(os.Getpid())
	redisCPU := redisCPUSeconds(ctx, rdb)
	start := time.Now()
	if _, err := b.svc.Send(ctx, b.approver, b.id, time.Time{}, broadcast.SendOptions{}); err != nil {
		return err
	}
	deadline := start.Add(c.timeout)
	for {
		x, err := b.svc.Get(ctx, b.id)
		if err != nil {
			return err
		}
		if x.State.Final() {
			r.StateSeconds = time.Since(start).Seconds()
			r.PeakRSSSendMB = procMB("VmHWM:")
			r.State, r.Batches, r.Dropped = string(x.State), len(x.Batches), x.Dropped
			break
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("broadcast: still %s after %v", x.State, c.timeout)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
	if t, err := procTicks(os.Getpid()); err == nil {
		r.SendCPUSeconds = float64(t-ticks) / clockTicks
	}
	if redisCPU > 0 {
		r.RedisCPUSeconds = redisCPUSeconds(ctx, rdb) - redisCPU
	}
	calls, first, last := b.api.accepted()
	r.MassCalls = calls
	r.FirstBatchSeconds, r.SendSeconds = first.Sub(start).Seconds(), last.Sub(start).Seconds()
	if r.SendSeconds > 0 {
		r.PerSecond = float64(r.Audience) / r.SendSeconds
	}
	return nil
}

// verify checks what the simulator got: every follower of the audience
// once, in ceil(audience / batch size) calls.
func (b *bcBench) verify(r *bcReport) {
	jobs := b.sim.Jobs(bcAppID)
	for _, j := range jobs {
		r.Recipients += len(j.ToUser)
	}
	r.Jobs = len(jobs)
	for _, n := range b.sim.Deliveries(bcAppID) {
		r.Delivered++
		if n != 1 {
			r.Twice++
		}
	}
	want := (r.Audience + r.BatchSize - 1) / r.BatchSize
	for _, c := range []struct {
		ok   bool
		what string
	}{
		{r.State == string(broadcast.StateSent), "state " + r.State + ", want sent"},
		{r.Recipients == r.Audience, fmt.Sprintf("%d recipients in mass sends, audience %d", r.Recipients, r.Audience)},
		{r.Delivered == r.Audience, fmt.Sprintf("%d followers reached, audience %d", r.Delivered, r.Audience)},
		{r.Twice == 0, fmt.Sprintf("%d followers reached more than once", r.Twice)},
		{r.Jobs == want && r.Batches == want, fmt.Sprintf("%d mass sends, %d batches, want %d", r.Jobs, r.Batches, want)},
	} {
		if !c.ok {
			r.Problems = append(r.Problems, c.what)
		}
	}
}

// timedAPI is the WeChat API client, noting when the simulator accepted
// each batch.
type timedAPI struct {
	*wxapi.Client
	mu          sync.Mutex
	calls       int
	first, last time.Time
}

func (t *timedAPI) MassSend(ctx context.Context, openids []string, c wxapi.Content, clientMsgID string) (wxapi.Sent, error) {
	sent, err := t.Client.MassSend(ctx, openids, c, clientMsgID)
	if err == nil {
		t.mu.Lock()
		t.calls, t.last = t.calls+1, time.Now()
		if t.calls == 1 {
			t.first = t.last
		}
		t.mu.Unlock()
	}
	return sent, err
}

func (t *timedAPI) accepted() (n int, first, last time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.calls, t.first, t.last
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = crand.Read(b)
	return hex.EncodeToString(b)
}
