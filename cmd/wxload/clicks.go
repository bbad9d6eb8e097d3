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
	"runtime/pprof"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/wxcast/wxcast/bot/broadcast"
	"github.com/wxcast/wxcast/bot/links"
	"github.com/wxcast/wxcast/bot/wxapi"
	"github.com/wxcast/wxcast/handlers"
	"github.com/wxcast/wxcast/internal/wxsim"
	"github.com/wxcast/wxcast/store"
)

const (
	clicksAppID  = "wxloadclicks"
	clicksSecret = "wxload-clicks-secret"
	clicksCode   = "LoadLinkCode0123456789"
	clicksUA     = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148 MicroMessenger/8.0.47 NetType/WIFI"
)

// clicksReport is what cmdClicks measured.
type clicksReport struct {
	Rate    int     `json:"rate"`
	Seconds float64 `json:"seconds"`
	CPUs    int     `json:"cpus"`
	Workers int     `json:"exchange_workers"`
	Queue   int     `json:"exchange_queue"`
	// Link and Return are the hops as the clicking client saw them;
	// ServerLink and ServerReturn the time inside wxcast's handler, from
	// the request read to the answer written (no client, no loopback).
	Link         latencySummary `json:"link_hop"`
	Return       latencySummary `json:"return_hop"`
	ServerLink   latencySummary `json:"server_link_hop"`
	ServerReturn latencySummary `json:"server_return_hop"`
	Errors       int64          `json:"errors"`
	QueueMax     int            `json:"queue_max"`
	QueueEnd     int            `json:"queue_at_end"`
	Queued       []int          `json:"queue_per_second"`
	Exchanged    int64          `json:"exchanged"`
	Clickers     int64          `json:"clickers"`
	Taps         int64          `json:"receiver_taps"`
	DrainSec     float64        `json:"drain_seconds"`
	// CPUPerClick is this process's CPU (wxcast's hops and exchange, the
	// simulator, the clients) per click, in microseconds; Load1 is the
	// machine's load average when the run ended (other work on the cores).
	CPUPerClick float64 `json:"process_cpu_us_per_click"`
	Load1       string  `json:"load_average_1m"`
}

// processCPU is the CPU time this process has used.
func processCPU() time.Duration {
	var u syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &u) != nil {
		return 0
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}

// load1 is the machine's one-minute load average.
func load1() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	return strings.Fields(string(b))[0]
}

// cmdClicks paces clicks on a tracked link at --rate through the real
// link service and HTTP surface, Redis included, with the simulator as
// WeChat's authorization page and code exchange, all in this process on
// loopback. It times the two hops wxcast answers (the link, the
// authorization's return); the browser's trip through WeChat's page is
// not timed.
func cmdClicks(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("clicks", flag.ContinueOnError)
	fs.SetOutput(stderr)
	redisURL := redisURLFlag(fs)
	rate := fs.Int("rate", 1000, "clicks a second")
	dur := fs.Duration("duration", 5*time.Second, "how long to click")
	warmup := fs.Duration("warmup", 2*time.Second, "click this long first at the same rate, untimed (connections, pools)")
	followers := fs.Int("followers", 20000, "receivers of the broadcast the link is in")
	workers := fs.Int("workers", 4, "links.exchange_workers")
	queue := fs.Int("queue", 10000, "links.exchange_queue")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the clicking to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *rate < 1 || *rate > 20000 || *dur <= 0 || *followers < 1 {
		return errors.New("clicks: --rate 1 to 20000, --duration > 0, --followers ≥ 1")
	}
	prefix := "bench:clicks:" + randomHex(4) + ":"
	st, rdb, closeStore, err := openSingle(ctx, *redisURL, prefix)
	if err != nil {
		return err
	}
	defer func() { _ = closeStore() }()
	defer func() {
		n, err := deletePrefix(context.WithoutCancel(ctx), rdb, prefix)
		fmt.Fprintf(stderr, "clicks: deleted %d keys under %s\n", n, prefix)
		if err != nil {
			fmt.Fprintln(stderr, "clicks: clean:", err)
		}
	}()
	rig, err := newClickRig(ctx, st, *followers, *workers, *queue, stderr)
	if err != nil {
		return err
	}
	defer rig.close()
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
	}
	if *warmup > 0 {
		_ = rig.run(ctx, *rate, *warmup)
		rig.reset()
	}
	r := rig.run(ctx, *rate, *dur)
	pprof.StopCPUProfile()
	r.Workers, r.Queue = *workers, *queue
	if *asJSON {
		return writeJSON(stdout, r)
	}
	return r.writeText(stdout)
}

// clickRig is wxcast's link service behind its HTTP surface, the
// simulator, and a broadcast with one frozen link.
type clickRig struct {
	st        *store.Store
	id        int64
	openids   []string
	svc       *links.Service
	wx, sim   *httptest.Server
	stop      context.CancelFunc
	wg        sync.WaitGroup
	client    *http.Client
	followers int

	base int64 // exchanges done before this run (the warm-up's)

	mu                     sync.Mutex // guards the server-side times
	serverLink, serverBack []time.Duration
}

// timed records the time inside the handler of each hop.
func (g *clickRig) timed(h *http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		(*h).ServeHTTP(w, r)
		d := time.Since(start)
		g.mu.Lock()
		if r.URL.Path == links.ReturnPath {
			g.serverBack = append(g.serverBack, d)
		} else {
			g.serverLink = append(g.serverLink, d)
		}
		g.mu.Unlock()
	})
}

func newClickRig(ctx context.Context, st *store.Store, followers, workers, queue int, stderr io.Writer) (*clickRig, error) {
	sim := wxsim.NewServer(wxsim.WithLeanCallLog())
	sim.AddApp(clicksAppID, clicksSecret)
	sim.SetOAuthDomain(clicksAppID, "127.0.0.1")
	g := &clickRig{st: st, sim: httptest.NewServer(sim), followers: followers}
	if err := wxapi.RouteSDK(g.sim.URL); err != nil {
		return nil, err
	}
	if err := g.seed(ctx, followers); err != nil {
		return nil, err
	}
	log := zap.New(zapcore.NewCore(zapcore.NewConsoleEncoder(zap.NewDevelopmentEncoderConfig()),
		zapcore.AddSync(stderr), zap.WarnLevel))
	tokens := wxapi.NewTokens(st.Tokens(clicksAppID), wxapi.StableFetcher(clicksAppID, clicksSecret), nil, log)
	api := wxapi.New(wxapi.Config{AppID: clicksAppID, AppSecret: clicksSecret}, tokens, st.SDKCache())
	var h http.Handler
	g.wx = httptest.NewServer(g.timed(&h))
	g.svc = links.New(links.Config{BaseURL: g.wx.URL, OAuthBaseURL: g.sim.URL, AppID: clicksAppID,
		StateKey: links.StateKey(clicksSecret, "token"), Workers: workers, Queue: queue},
		links.Deps{Targets: st.Links(), Clicks: st.Links(), Exchanger: api, Log: log,
			Receipts: links.NewReceipts(st.Broadcasts(), broadcast.NewRecords(st.Broadcasts(), nil), nil)})
	hs, err := handlers.NewServer(handlers.Config{AppID: clicksAppID, Token: "token", Links: g.svc},
		nil, nil, prometheus.NewRegistry(), log)
	if err != nil {
		return nil, err
	}
	h = hs.Handler()
	bg, stop := context.WithCancel(context.WithoutCancel(ctx))
	g.stop = stop
	g.svc.Start(bg, &g.wg)
	g.client = &http.Client{
		Transport:     &http.Transport{MaxIdleConnsPerHost: 512, MaxIdleConns: 1024},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Timeout:       10 * time.Second,
	}
	return g, nil
}

// seed writes a sent broadcast whose one batch reached every follower,
// its member index and its link.
func (g *clickRig) seed(ctx context.Context, n int) error {
	records := broadcast.NewRecords(g.st.Broadcasts(), nil)
	b := &broadcast.Broadcast{Batches: []broadcast.Batch{{Size: n, State: broadcast.BatchSent}}}
	if err := records.Create(ctx, b); err != nil {
		return err
	}
	g.id = b.ID
	g.openids = make([]string, n)
	values := make([]string, n)
	for i := range n {
		g.openids[i] = fmt.Sprintf("oLoadClicker%016d", i)
		values[i] = broadcast.BatchMember(0).Encode()
	}
	if err := g.st.Broadcasts().WriteMembers(ctx, g.id, g.openids, values, time.Hour); err != nil {
		return err
	}
	return g.st.Links().Freeze(ctx, []string{clicksCode}, []store.LinkTarget{{Broadcast: g.id, URL: "https://shop.example.com/"}})
}

func (g *clickRig) close() {
	g.stop()
	g.wg.Wait()
	g.wx.Close()
	g.sim.Close()
}

// reset forgets the server-side times and the exchanges counted so far
// (after a warm-up).
func (g *clickRig) reset() {
	g.mu.Lock()
	g.serverLink, g.serverBack = nil, nil
	g.mu.Unlock()
	g.base = g.svc.Exchanged()
}

// hopTimes are one click's two timed answers; ok is false if any step
// failed.
type hopTimes struct {
	link, back time.Duration
	ok         bool
}

// click is one follower's tap: the link (timed from when the tap was
// due, so a late start is not hidden), WeChat's page (not timed; served
// in-process to spare the machine a round trip nobody measures), the
// return (timed).
func (g *clickRig) click(ctx context.Context, openid string, due time.Time) hopTimes {
	var t hopTimes
	loc, err := g.get(ctx, g.wx.URL+"/l/"+clicksCode, openid)
	t.link = time.Since(due)
	if err != nil || !strings.HasPrefix(loc, g.sim.URL) {
		return t
	}
	back, err := g.page(loc, openid)
	if err != nil || !strings.HasPrefix(back, g.wx.URL) {
		return t
	}
	start := time.Now()
	dest, err := g.get(ctx, back, openid)
	t.back = time.Since(start)
	t.ok = err == nil && dest == "https://shop.example.com/"
	return t
}

// page is the browser's visit to WeChat's authorization page.
func (g *clickRig) page(loc, openid string) (string, error) {
	loc, _, _ = strings.Cut(loc, "#") // a browser never sends the fragment
	req := httptest.NewRequest(http.MethodGet, loc, nil)
	req.Header.Set(wxsim.OAuthOpenIDHeader, openid)
	rec := httptest.NewRecorder()
	g.sim.Config.Handler.ServeHTTP(rec, req)
	if rec.Code != http.StatusFound {
		return "", fmt.Errorf("authorization page: HTTP %d", rec.Code)
	}
	return rec.Header().Get("Location"), nil
}

func (g *clickRig) get(ctx context.Context, url, openid string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return "", err
	}
	req.Header.Set("User-Agent", clicksUA)
	req.Header.Set(wxsim.OAuthOpenIDHeader, openid)
	res, err := g.client.Do(req)
	if err != nil {
		return "", err
	}
	_, _ = io.Copy(io.Discard, res.Body)
	_ = res.Body.Close()
	if res.StatusCode != http.StatusFound {
		return "", fmt.Errorf("HTTP %d", res.StatusCode)
	}
	return res.Header.Get("Location"), nil
}

// run paces rate clicks a second for dur, then waits for the exchange to
// finish, sampling the queue's length each second.
func (g *clickRig) run(ctx context.Context, rate int, dur time.Duration) clicksReport {
	total := int(float64(rate) * dur.Seconds())
	times := make([]hopTimes, total)
	r := clicksReport{Rate: rate, CPUs: runtime.NumCPU()}
	var wg sync.WaitGroup
	interval := time.Second / time.Duration(rate)
	cpu := processCPU()
	start := time.Now()
	sampled := 0
	for i := 0; i < total && ctx.Err() == nil; i++ {
		due := start.Add(time.Duration(i) * interval)
		if d := time.Until(due); d > 0 {
			time.Sleep(d)
		}
		if s := int(time.Since(start) / time.Second); s > sampled {
			sampled = s
			r.Queued = append(r.Queued, g.svc.Queued())
		}
		r.QueueMax = max(r.QueueMax, g.svc.Queued())
		wg.Go(func() { times[i] = g.click(ctx, g.openids[i%len(g.openids)], due) })
	}
	wg.Wait()
	r.Seconds = time.Since(start).Seconds()
	r.QueueEnd = g.svc.Queued()
	drain := time.Now()
	for g.svc.Exchanged()-g.base < int64(total) && time.Since(drain) < 30*time.Second {
		time.Sleep(10 * time.Millisecond)
	}
	r.DrainSec = time.Since(drain).Seconds()
	r.CPUPerClick = float64((processCPU() - cpu).Microseconds()) / float64(total)
	r.Load1 = load1()
	r.Exchanged = g.svc.Exchanged() - g.base
	var link, back []time.Duration
	for _, t := range times {
		if !t.ok {
			r.Errors++
			continue
		}
		link, back = append(link, t.link), append(back, t.back)
	}
	r.Link, r.Return = summarize(link), summarize(back)
	g.mu.Lock()
	r.ServerLink, r.ServerReturn = summarize(g.serverLink), summarize(g.serverBack)
	g.mu.Unlock()
	if c, err := g.st.Links().ClickCounts(ctx, g.id, 1); err == nil {
		r.Clickers, r.Taps = c.Clickers[0], c.Taps[store.TapKey{Kind: store.TapReceiver}]
	}
	return r
}

func (r clicksReport) writeText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "clicks: %d/s for %.1f s on %d CPUs, %d exchange workers, queue %d\n", r.Rate, r.Seconds, r.CPUs, r.Workers, r.Queue)
	writeLatency(&b, "link hop, client", r.Link)
	writeLatency(&b, "link hop, in wxcast", r.ServerLink)
	writeLatency(&b, "return hop, client", r.Return)
	writeLatency(&b, "return hop, in wxcast", r.ServerReturn)
	fmt.Fprintf(&b, "errors %d; exchange queue max %d, at end %d, per second %v; drained in %.2f s\n",
		r.Errors, r.QueueMax, r.QueueEnd, r.Queued, r.DrainSec)
	fmt.Fprintf(&b, "exchanged %d codes; clickers %d, receiver taps %d (the warm-up's included)\n", r.Exchanged, r.Clickers, r.Taps)
	fmt.Fprintf(&b, "this process's CPU per click %.0f µs (wxcast, simulator, clients); load average at the end %s\n", r.CPUPerClick, r.Load1)
	_, err := io.WriteString(w, b.String())
	return err
}
