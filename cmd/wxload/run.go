package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/url"
	"os"
	"sync/atomic"
	"time"

	"github.com/wxcast/wxcast/internal/wxsim"
)

// callbackTimeout is how long WeChat waits for an answer; a callback not
// answered in time is a transport error.
const callbackTimeout = 5 * time.Second

// runConfig is the run subcommand's flags.
type runConfig struct {
	url, token, aesKey, appID, originalID string
	mode                                  wxsim.Mode
	rate                                  float64
	duration                              time.Duration
	concurrency, followers                int
	seed                                  uint64
	json                                  bool
	watch                                 []watched
}

func parseRunFlags(args []string, stderr io.Writer) (runConfig, error) {
	var (
		c            runConfig
		mode, watch  string
		fs           = flag.NewFlagSet("run", flag.ContinueOnError)
		defaultToken = os.Getenv("WXCAST_WECHAT_TOKEN")
	)
	fs.SetOutput(stderr)
	fs.StringVar(&c.url, "url", "http://127.0.0.1:8081/wechat", "callback URL (loopback only)")
	fs.StringVar(&c.token, "token", defaultToken, "callback Token (default $WXCAST_WECHAT_TOKEN)")
	fs.StringVar(&c.aesKey, "aes-key", os.Getenv("WXCAST_WECHAT_ENCODING_AES_KEY"), "EncodingAESKey, for safe and compat modes")
	fs.StringVar(&c.appID, "app-id", os.Getenv("WXCAST_WECHAT_APP_ID"), "AppID the payloads are sealed for")
	fs.StringVar(&c.originalID, "original-id", "gh_0123456789ab", "account's gh_ id, sent as ToUserName")
	fs.StringVar(&mode, "mode", "safe", "encryption mode: safe, plain or compat")
	fs.Float64Var(&c.rate, "rate", 0, "callbacks per second, open loop; 0 sends flat out")
	fs.DurationVar(&c.duration, "duration", 60*time.Second, "how long to send")
	fs.IntVar(&c.concurrency, "concurrency", 32, "workers, each with at most one callback in flight (and one connection)")
	fs.IntVar(&c.followers, "followers", 100000, "distinct followers the callbacks come from")
	fs.Uint64Var(&c.seed, "seed", uint64(time.Now().UnixNano()), "random seed of the request mix")
	fs.BoolVar(&c.json, "json", false, "print the report as JSON")
	fs.StringVar(&watch, "watch", "", "processes whose CPU use to report, as name=pid,name=pid (wxload itself is always reported)")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("run: unexpected argument %q", fs.Arg(0))
	}
	var err error
	if c.mode, err = parseMode(mode); err != nil {
		return c, err
	}
	if c.watch, err = parseWatch(watch); err != nil {
		return c, err
	}
	c.watch = append([]watched{{"wxload", os.Getpid()}}, c.watch...)
	switch {
	case c.token == "":
		return c, errors.New("run: --token is required")
	case c.mode != wxsim.ModePlain && (c.aesKey == "" || c.appID == ""):
		return c, fmt.Errorf("run: %v mode needs --aes-key and --app-id", c.mode)
	case c.rate < 0, c.duration <= 0, c.concurrency < 1, c.followers < 1:
		return c, errors.New("run: --rate must be >= 0; --duration, --concurrency and --followers > 0")
	}
	return c, checkLoopback(c.url)
}

func parseMode(s string) (wxsim.Mode, error) {
	for _, m := range []wxsim.Mode{wxsim.ModeSafe, wxsim.ModePlain, wxsim.ModeCompat} {
		if m.String() == s {
			return m, nil
		}
	}
	return 0, fmt.Errorf("--mode %q: want safe, plain or compat", s)
}

// checkLoopback refuses a target that is not on this machine's loopback:
// load is never sent anywhere else.
func checkLoopback(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("--url: %w", err)
	}
	if u.Scheme != "http" {
		return fmt.Errorf("--url %q: only http:// targets are supported (wxcast behind TLS is measured at its plain listener)", raw)
	}
	host := u.Hostname()
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("--url %q: only loopback targets (127.0.0.0/8, ::1, localhost) are allowed", raw)
}

// cmdRun sends callbacks for --duration and reports what came back.
func cmdRun(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c, err := parseRunFlags(args, stderr)
	if err != nil {
		return err
	}
	workers, err := newWorkers(c)
	if err != nil {
		return err
	}
	before := snapshotCPU(c.watch)
	start, scheduled := drive(ctx, workers, c.rate, c.duration)
	for _, w := range workers {
		w.conn.close()
	}
	after := snapshotCPU(c.watch)
	rep := buildReport(c, workers, start, scheduled)
	rep.CPU, rep.MachineBusy = cpuReport(c.watch, before, after, rep.OK)
	if c.json {
		err = rep.writeJSON(stdout)
	} else {
		err = rep.writeText(stdout)
	}
	if err != nil {
		return err
	}
	if rep.Errors > 0 {
		return fmt.Errorf("%d of %d callbacks failed", rep.Errors, rep.Sent)
	}
	return ctx.Err()
}

// newWorkers builds one wxsim client per worker (so each has its own fast
// random source for nonces and AES prefixes) and one kept-alive connection
// per worker.
func newWorkers(c runConfig) ([]*worker, error) {
	u, err := url.Parse(c.url)
	if err != nil {
		return nil, fmt.Errorf("--url: %w", err)
	}
	addr := u.Host
	if u.Port() == "" {
		addr = net.JoinHostPort(u.Hostname(), "80")
	}
	var msgIDs atomic.Int64
	// Ids above any a previous run used, so the server's dedup never
	// mistakes a new message for a retry.
	msgIDs.Store(time.Now().UnixMicro() << 8)
	workers := make([]*worker, c.concurrency)
	for i := range workers {
		var key [32]byte
		seeds := rand.New(rand.NewPCG(c.seed, uint64(i)))
		for j := range key {
			key[j] = byte(seeds.Uint32())
		}
		cl, err := wxsim.NewClient(wxsim.ClientConfig{
			URL: c.url, Token: c.token, EncodingAESKey: c.aesKey, AppID: c.appID,
			OriginalID: c.originalID, Mode: c.mode, Rand: rand.NewChaCha8(key),
		})
		if err != nil {
			return nil, err
		}
		workers[i] = &worker{client: cl, conn: newConn(addr), mix: newMix(seeds, c.followers, &msgIDs, defaultMix()), tally: newTally()}
	}
	return workers, nil
}
