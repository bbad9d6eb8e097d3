package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"go.uber.org/zap"

	"github.com/wxcast/wxcast/configs"
	"github.com/wxcast/wxcast/internal/demo"
	"github.com/wxcast/wxcast/internal/embedredis"
	"github.com/wxcast/wxcast/internal/wxsim"
)

// The demo account: the example configuration's values, a secret the
// simulator accepts, and two admins so that a broadcast can be approved
// by someone other than its creator.
const (
	demoAppID     = "wx0123456789abcdef"
	demoSecret    = "wxcastDemoAppSecret"
	demoToken     = "wxcastDemoToken"
	demoAESKey    = "DemoKeyReplaceMeWithYourOwnEncodingAESKey01"
	demoOrigID    = "gh_wxcastdemo0"
	demoTemplate  = "wxcast_demo_notice"
	demoEditor    = "oDemoAdminXiaoLi0000000000001"
	demoApprover  = "oDemoAdminLaoWang000000000002"
	demoRulesPath = "configs/rules.example.yaml"
	demoListen    = "127.0.0.1:8088"
)

// demoFlags are the demo's command-line options.
type demoFlags struct {
	listen        string
	followers     int
	rate          float64
	joinIn        time.Duration
	batchInterval time.Duration
	rules         string
	seed          uint64
	clickDelay    time.Duration
}

func demoCmd(c *cli) *cobra.Command {
	var f demoFlags
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "try wxcast locally: simulated WeChat, followers and a web page",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := f.check(); err != nil {
				return err
			}
			return runDemo(cmd.Context(), f, c.stdout, c.stderr)
		},
	}
	f.register(cmd.Flags())
	return cmd
}

// register declares the demo's flags on fs.
func (f *demoFlags) register(fs *pflag.FlagSet) {
	// Not serve's 8080: a demo and a server can run side by side.
	fs.StringVar(&f.listen, "listen", demoListen, "address of the demo page")
	fs.IntVar(&f.followers, "followers", 2000, "simulated followers (0 to 1000000)")
	fs.Float64Var(&f.rate, "rate", 3, "things followers do per second once they have all joined (0.01 to 10000)")
	fs.DurationVar(&f.joinIn, "join-in", 0, "time over which all followers follow (default: 15ms a follower, 10s to 5m)")
	fs.DurationVar(&f.batchInterval, "batch-interval", 3*time.Second, "pause between two mass-send batches (broadcast.batch_interval)")
	fs.StringVar(&f.rules, "rules", "", "rules file (default: "+demoRulesPath+" if present, else the built-in copy)")
	fs.Uint64Var(&f.seed, "seed", 1, "seed of the simulated followers: the same seed, the same people")
	fs.DurationVar(&f.clickDelay, "click-delay", demo.DefaultTapDelay, "mean time a follower who received a text broadcast takes to tap its link (1s to 1h)")
}

// check refuses values out of range and fills in the join time.
func (f *demoFlags) check() error {
	switch {
	case f.followers < 0 || f.followers > 1_000_000:
		return usagef("--followers %d: want 0 to 1000000", f.followers)
	case !(f.rate >= 0.01 && f.rate <= 10_000): // also refuses NaN
		return usagef("--rate %g: want 0.01 to 10000", f.rate)
	case f.joinIn < 0:
		return usagef("--join-in %v: want a positive duration", f.joinIn)
	case f.batchInterval < 0 || f.batchInterval > time.Hour:
		return usagef("--batch-interval %v: want 0 to 1h", f.batchInterval)
	case f.clickDelay < time.Second || f.clickDelay > time.Hour:
		return usagef("--click-delay %v: want 1s to 1h", f.clickDelay)
	}
	if f.joinIn == 0 {
		f.joinIn = min(max(time.Duration(f.followers)*15*time.Millisecond, 10*time.Second), 5*time.Minute)
	}
	return nil
}

// runDemo starts the simulated WeChat, wxcast on the embedded store with
// the example rules, the simulated followers and the demo page, and runs
// them until ctx ends. It stops them in the reverse order: followers and
// page, then wxcast (finishing its callbacks), then the simulator.
func runDemo(ctx context.Context, f demoFlags, stdout, stderr io.Writer) error {
	rulesFile, cleanup, err := demoRulesFile(f.rules)
	if err != nil {
		return err
	}
	defer cleanup()
	// The page's listener first: a taken port is the likeliest failure.
	pageLn, err := net.Listen("tcp", f.listen)
	if err != nil {
		return listenError(f.listen, err, "--listen")
	}
	defer pageLn.Close()
	simLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("simulator: %w", err)
	}
	defer simLn.Close()
	simURL := "http://" + simLn.Addr().String()
	apiToken := randomHex(24)
	// The demo's own store, which it names to wxcast (and prints for the
	// command line): closed last, once wxcast has stopped.
	rdb, err := embedredis.Start()
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	defer rdb.Close()
	pageURL := demoLinksBase(pageLn.Addr())
	cfg, err := configs.Load("", append(demoEnv(f, simURL, pageURL, rulesFile, apiToken), "WXCAST_REDIS_URL="+rdb.URL()))
	if err != nil {
		return fmt.Errorf("configuration:\n%w", err)
	}
	log, err := newLogger(cfg.Log, stderr)
	if err != nil {
		return err
	}
	defer func() { _ = log.Sync() }()
	defer useRedisLog(ctx, log)()
	exposed := exposureWarning(pageLn.Addr())
	if exposed != "" {
		log.Warn(exposed, zap.String("listen", pageLn.Addr().String()))
	}

	// The simulator, last to stop.
	sim := wxsim.NewServer(wxsim.WithLeanCallLog())
	defer sim.Close()
	sim.AddApp(demoAppID, demoSecret)
	// The page's host is the account's web authorization domain: tracked
	// links go through the page (see demoPage).
	if u, err := url.Parse(pageURL); err == nil && pageURL != "" {
		sim.SetOAuthDomain(demoAppID, u.Hostname())
	}
	newsDraft := addDemoUploads(sim, demoAppID)
	var simWG sync.WaitGroup
	simCtx, stopSim := context.WithCancel(context.WithoutCancel(ctx))
	defer func() { stopSim(); simWG.Wait() }()
	serveHTTP(simCtx, &simWG, simLn, sim, log.Named("wxsim"))

	// wxcast itself.
	wxCtx, stopWx := context.WithCancel(context.WithoutCancel(ctx))
	started := make(chan running, 1)
	served := make(chan error, 1)
	go func() {
		served <- serveWith(wxCtx, cfg, log, serveOptions{onListen: func(r running) { started <- r }, inMemory: true})
	}()
	var wx running
	select {
	case wx = <-started:
	case err := <-served:
		stopWx()
		return fmt.Errorf("the server did not start: %w", err)
	}
	defer func() {
		stopWx()
		if err := <-served; err != nil {
			log.Error("wxcast stopped with an error", zap.Error(err))
		}
	}()
	callbackURL := "http://" + wx.Addr.String() + cfg.CallbackPath
	client, err := wxsim.NewClient(wxsim.ClientConfig{URL: callbackURL, Token: demoToken, EncodingAESKey: demoAESKey,
		AppID: demoAppID, OriginalID: demoOrigID, Mode: wxsim.ModeSafe, Platform: sim})
	if err != nil {
		return err
	}
	// WeChat reports each mass send's outcome a little after accepting it.
	sim.SetPush(demoAppID, client, 2*time.Second)

	// The followers and the page, first to stop.
	program := cliProgram(os.Args[0])
	cli := demoCLI(demoCLIOptions{Program: program, RedisURL: rdb.URL(), RulesFile: rulesFile,
		Segment: demoSegment(wx.Rules.Current()), OpenID: demoFollower(f)})
	d := demo.New(demo.Options{
		Sim: sim, AppID: demoAppID, Client: client, Profiles: wx.Followers, Broadcasts: wx.Broadcasts,
		Outcomes: newDemoOutcomes(wx.Store), LinksBase: cfg.Links.BaseURL, OAuthBase: cfg.WeChat.OAuthBaseURL,
		Admins: []demo.Admin{
			{OpenID: demoEditor, Name: "小李", Roles: "编辑"},
			{OpenID: demoApprover, Name: "老王", Roles: "审批人、所有者"},
		},
		AttributesURL: "http://" + wx.Addr.String() + "/api/followers", APIToken: apiToken,
		Followers: f.followers, JoinIn: f.joinIn, Rate: f.rate, Seed: f.seed, Location: cfg.Location, TapDelay: f.clickDelay,
		CLI: cli, Refusals: demoRefusals(wx, rulesFile, cfg.WordsDir),
		Log: log.Named("demo"),
	})
	var front sync.WaitGroup
	frontCtx, stopFront := context.WithCancel(ctx)
	defer func() { stopFront(); front.Wait() }()
	serveHTTP(frontCtx, &front, pageLn, demoPage(d.Handler(), wx.Addr), log.Named("demo"))
	front.Go(func() { _ = d.Run(frontCtx) })
	fmt.Fprintf(stdout, `wxcast demo: open http://%s/
  wxcast callback endpoint  %s  (metrics: http://%s/metrics)
  simulated WeChat API      %s
  rules                     %s  (wxcast reloads it when it changes)
  %d simulated followers follow over %v, then do about %g things a second
  admins                    小李 (editor) and 老王 (approver, owner); type 帮助 in the page's chat
  news article (a draft)    %s  (新建 all_subscribed 图文 %s)
`, pageLn.Addr(), callbackURL, wx.Addr, simURL, rulesFile, f.followers, f.joinIn, f.rate, newsDraft, newsDraft)
	printDemoCLI(stdout, program, cli)
	if exposed != "" {
		fmt.Fprintf(stdout, "WARNING: %s\n", exposed)
	}
	fmt.Fprintln(stdout, "All data is in memory and lost on exit. Ctrl-C stops the demo.")

	select {
	case <-ctx.Done():
		return nil
	case err := <-served:
		served <- nil // reported here; the deferred wait must not block
		return fmt.Errorf("the server stopped: %w", err)
	}
}

// exposureWarning is the warning for a demo page listening on a, or ""
// when only this host can reach it. The page has no login: whoever
// reaches it acts as the demo's admins and followers.
func exposureWarning(a net.Addr) string {
	if ta, ok := a.(*net.TCPAddr); ok && ta.IP.IsLoopback() {
		return ""
	}
	return fmt.Sprintf("the demo page listens on %s, beyond this host: anyone who reaches it can act as "+
		"the demo's admins and followers, without a password; use --listen 127.0.0.1:PORT to keep it local", a)
}

// demoEnv configures wxcast for the demo through the same environment
// variables an operator would set, so the demo runs the ordinary
// configuration path; the caller's own WXCAST_ variables are left out.
func demoEnv(f demoFlags, simURL, pageURL, rulesFile, apiToken string) []string {
	batch := min(max(f.followers/5, 3), 10_000)
	return []string{
		"WXCAST_LISTEN=127.0.0.1:0",
		"WXCAST_RULES_FILE=" + rulesFile,
		"WXCAST_WECHAT_APP_ID=" + demoAppID,
		"WXCAST_WECHAT_APP_SECRET=" + demoSecret,
		"WXCAST_WECHAT_TOKEN=" + demoToken,
		"WXCAST_WECHAT_ENCODING_AES_KEY=" + demoAESKey,
		"WXCAST_WECHAT_API_BASE_URL=" + simURL,
		"WXCAST_ADMINS=" + `[{"openid":"` + demoEditor + `","name":"小李","roles":["editor"]},` +
			`{"openid":"` + demoApprover + `","name":"老王","roles":["approver","owner"]}]`,
		"WXCAST_BOT_NOTIFY_TEMPLATE_ID=" + demoTemplate,
		"WXCAST_BROADCAST_BATCH_SIZE=" + strconv.Itoa(batch),
		"WXCAST_BROADCAST_BATCH_INTERVAL=" + f.batchInterval.String(),
		// A demo runs at any hour: quiet hours would refuse its sends at
		// night. The caps and the content check stay on.
		"WXCAST_BROADCAST_QUIET_HOURS=",
		"WXCAST_API_TOKEN=" + apiToken,
		// Links in text broadcasts go through the page's origin to wxcast,
		// and the simulator plays WeChat's authorization page; an order
		// (last_order_at, written by the demo's order system) converts.
		"WXCAST_LINKS_BASE_URL=" + pageURL, // "" (off) when the page is not on this host's loopback
		"WXCAST_WECHAT_OAUTH_BASE_URL=" + simURL,
		`WXCAST_RESULTS_CONVERSION_ATTRIBUTES=["last_order_at"]`,
		// Followers arrive through callbacks; there is nothing to sync.
		"WXCAST_SYNC_INTERVAL=0",
		"WXCAST_LOG_LEVEL=warn",
		"WXCAST_LOG_FORMAT=console",
	}
}

// demoRulesFile picks the rules file: the flag's, else the checkout's
// example (so that editing it shows live in the demo), else the built-in
// copy written to a temporary directory.
func demoRulesFile(flagValue string) (string, func(), error) {
	none := func() {}
	if flagValue != "" {
		if _, err := os.Stat(flagValue); err != nil {
			return "", none, fmt.Errorf("--rules: %w", err)
		}
		return flagValue, none, nil
	}
	if _, err := os.Stat(demoRulesPath); err == nil {
		return demoRulesPath, none, nil
	}
	dir, err := os.MkdirTemp("", "wxcast-demo-")
	if err != nil {
		return "", none, err
	}
	path := filepath.Join(dir, "rules.example.yaml")
	if err := os.WriteFile(path, configs.ExampleRules(), 0o644); err != nil {
		_ = os.RemoveAll(dir)
		return "", none, err
	}
	return path, func() { _ = os.RemoveAll(dir) }, nil
}

// serveHTTP serves h on ln until ctx ends.
func serveHTTP(ctx context.Context, wg *sync.WaitGroup, ln net.Listener, h http.Handler, log *zap.Logger) {
	hs := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second, ErrorLog: zap.NewStdLog(log)}
	wg.Go(func() {
		if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("serve stopped", zap.String("addr", ln.Addr().String()), zap.Error(err))
		}
	})
	wg.Go(func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = hs.Shutdown(sctx)
	})
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// demoPage serves the demo's page, and passes tracked links (/l/…, the
// authorization's return included) to wxcast at wx: the page's origin
// plays the account's public origin, links.base_url, as a load balancer
// in front of wxcast would.
func demoPage(page http.Handler, wx net.Addr) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/", page)
	mux.Handle("/l/", httputil.NewSingleHostReverseProxy(&url.URL{Scheme: "http", Host: wx.String()}))
	return mux
}

// demoLinksBase is the origin tracked links take in the demo: the page's,
// on a loopback address (plain http is allowed only there); "" (links as
// written) when the page listens on another host's address only.
func demoLinksBase(a net.Addr) string {
	ta, ok := a.(*net.TCPAddr)
	switch {
	case !ok:
		return ""
	case ta.IP.IsLoopback():
		return "http://" + ta.String()
	case ta.IP.IsUnspecified(): // every address, loopback included
		return "http://" + net.JoinHostPort("127.0.0.1", strconv.Itoa(ta.Port))
	}
	return ""
}
