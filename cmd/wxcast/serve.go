package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/spf13/cobra"
	"go.uber.org/zap"

	"github.com/wxcast/wxcast/bot"
	"github.com/wxcast/wxcast/bot/adminclaim"
	"github.com/wxcast/wxcast/bot/attrs"
	"github.com/wxcast/wxcast/bot/broadcast"
	"github.com/wxcast/wxcast/bot/wxapi"
	"github.com/wxcast/wxcast/configs"
	"github.com/wxcast/wxcast/handlers"
	"github.com/wxcast/wxcast/internal/redisconn"
	"github.com/wxcast/wxcast/rules"
	"github.com/wxcast/wxcast/rules/words"
	"github.com/wxcast/wxcast/store"
)

func serveCmd(c *cli) *cobra.Command {
	var listen string
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "run the callback server",
		Long: `Run the callback server on the configuration of --config (or WXCAST_CONFIG)
and the WXCAST_ environment variables.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runServe(cmd.Context(), &c.config, listen, c.stderr)
		},
	}
	cmd.Flags().StringVar(&listen, "listen", "", "address to listen on, host:port; wins over listen of the config and WXCAST_LISTEN (default :8080)")
	c.addConfigFlag(cmd)
	return cmd
}

// runServe runs the server; listen, when set, replaces the configured
// address.
func runServe(ctx context.Context, conf *configFlag, listen string, stderr io.Writer) error {
	if listen != "" {
		if err := checkAddr("--listen", listen); err != nil {
			return err
		}
	}
	cfg, err := conf.load()
	if err != nil {
		return err
	}
	if listen != "" {
		cfg.Listen = listen
	}
	log, err := newLogger(cfg.Log, stderr)
	if err != nil {
		return err
	}
	defer func() { _ = log.Sync() }()
	defer useRedisLog(ctx, log)()
	return serve(ctx, cfg, log, nil)
}

func lookupEnv(environ []string, key string) string {
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok && k == key {
			return v
		}
	}
	return ""
}

// running is what a started server hands to whoever started it: the bound
// address (tests and the demo listen on port 0) and the parts the demo
// page looks through.
type running struct {
	Addr net.Addr
	// MetricsAddr is the listener of metrics.listen; nil without one.
	MetricsAddr net.Addr
	Followers   *store.Followers
	Broadcasts  *broadcast.Service
	// Store is the server's store, which the demo's cards read.
	Store *store.Store
	// Rules (nil without a rules file) and Words are the live sources,
	// whose refusals the demo page shows.
	Rules *rules.Source
	Words *words.Source
}

// serve runs the server until ctx ends, then shuts down gracefully:
// stop accepting, finish in-flight callbacks, close Redis. onListen, when
// set, is called once the server listens.
func serve(ctx context.Context, cfg *configs.Config, log *zap.Logger, onListen func(running)) error {
	return serveWith(ctx, cfg, log, serveOptions{onListen: onListen})
}

// serveOptions are serve's options beyond the configuration.
type serveOptions struct {
	onListen func(running)
	// inMemory says redis.url names a store that keeps nothing on disk by
	// design (the demo's embedded one): no warning about its persistence.
	inMemory bool
}

// serveWith is serve with options.
func serveWith(ctx context.Context, cfg *configs.Config, log *zap.Logger, o serveOptions) error {
	onListen := o.onListen
	// The store (and the embedded server, when redis.url is empty) closes
	// last: everything below uses it.
	st, closeStore, err := redisconn.Open(ctx, cfg.Redis, log)
	if err != nil {
		return err
	}
	defer func() { _ = closeStore() }()
	if !o.inMemory {
		warnPersistence(ctx, cfg.Redis, st, log)
	}

	// Background work (the token keeper) stops after the HTTP server and
	// before Redis closes.
	var bgWork sync.WaitGroup
	bg, stopBG := context.WithCancel(context.WithoutCancel(ctx))
	defer func() { stopBG(); bgWork.Wait() }()
	api, err := startWeChatAPI(bg, cfg, st, log, &bgWork)
	if err != nil {
		return err
	}

	cal := store.Calendar{Loc: cfg.Location}
	followers := st.Followers(cal, store.Limits{
		DedupTTL: cfg.Callback.DedupTTL.D(), HistoryMax: cfg.Profile.HistoryMax, HistoryDays: cfg.Profile.HistoryDays,
	})
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	// The notifier comes first: a refused rules file or word list alerts
	// the owners through it.
	notifier := newNotifier(cfg, st, api, reg, log)
	// The rules' state goes to Redis too, for wxcast rules check.
	rec := newRulesRecorder(st, log)
	live, err := startRules(bg, cfg, log, &bgWork, accountTags(bg, st, log), func(version string, err error) {
		notifier.RulesRejected(bg, version, err)
		rec.refused(bg, version, err)
	}, func(version string) { rec.swapped(bg, version) })
	if err != nil {
		return err
	}
	lists, err := startWords(bg, cfg, log, &bgWork, func(version string, err error) {
		notifier.WordsRejected(bg, version, err)
	})
	if err != nil {
		return err
	}
	liveRules := func() *rules.Ruleset { return nil }
	if live != nil {
		liveRules = live.Current
	}
	bcs := newBroadcasting(cfg, st, followers, api, notifier, reg, liveRules, lists.Current, log)
	bcs.run(bg, &bgWork)
	opts := bot.Options{
		Followers:         followers,
		ReplyWait:         cfg.Callback.ReplyWait.D(),
		RedisTimeout:      cfg.Callback.RedisTimeout.D(),
		Jobs:              bcs.results,
		AdminsAsFollowers: cfg.Bot.AdminsAsFollowers,
		Log:               log,
	}
	// Wired without admins too: a follower who types a command word is
	// then logged for whoever sets the first admin up (noteCommandWord).
	ab := bcs.adminBot(cfg, log)
	defer func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		_ = ab.Close(ctx)
	}()
	opts.Admins = ab
	opts.Claims = adminclaim.New(st.AdminClaims())
	if live != nil {
		opts.Rules = bot.NewRules(live, cal, log)
		rec.start(bg, live)
	}
	if api != nil {
		opts.TagMirror = startFollowerSync(bg, cfg, st, followers, api, live, reg, log, &bgWork)
	}
	b := bot.New(opts)
	warnConversionAttributes(cfg, liveRules(), log)
	// A write that changes one of results.conversion_attributes becomes
	// an attributes event (Behaviour) and a conversion of the broadcasts
	// that reached the buyer (the results service).
	conversions := attrs.NewConverter(attrs.ConversionOptions{
		Attributes: cfg.Results.ConversionAttributes, Behaviour: b, Conversions: bcs.results, Log: log,
	})
	linkSvc, verifyFile, err := startLinks(bg, cfg, st, api, b, log, &bgWork)
	if err != nil {
		return err
	}
	srv, err := handlers.NewServer(handlers.Config{
		AppID:              cfg.WeChat.AppID,
		Token:              cfg.WeChat.Token.Value(),
		AESKeys:            []string{cfg.WeChat.EncodingAESKey.Value(), cfg.WeChat.PreviousEncodingAESKey.Value()},
		AllowPlaintext:     cfg.Callback.AllowPlaintext,
		CallbackPath:       cfg.CallbackPath,
		TimestampTolerance: cfg.Callback.TimestampTolerance.D(),
		MaxBodyBytes:       cfg.Callback.MaxBodyBytes,
		ReadyInfo:          readyInfo(live, lists),
		APIToken:           cfg.API.Token.Value(),
		Attributes:         attrs.NewService(followers, liveRules, log).WithConversions(conversions),
		MetricsApart:       cfg.Metrics.Listen != "",
		MetricsToken:       cfg.Metrics.Token.Value(),
		Links:              linkSvc,
		VerifyFile:         verifyFile,
	}, b, st, reg, log)
	if err != nil {
		return err
	}
	if cfg.API.Token.Value() != "" {
		log.Info("API on: PUT /api/followers/{openid}/attributes takes the bearer token of api.token")
	}
	var metricsAddr net.Addr
	if cfg.Metrics.Listen != "" {
		// Stops after the main listener has drained (deferred first, run last).
		mctx, stopMetrics := context.WithCancel(context.WithoutCancel(ctx))
		var metricsDone sync.WaitGroup
		defer func() { stopMetrics(); metricsDone.Wait() }()
		addr := make(chan net.Addr, 1)
		metricsErr := make(chan error, 1)
		metricsDone.Go(func() {
			metricsErr <- listenAndServe(mctx, cfg.Metrics.Listen, srv.MetricsHandler(), log.Named("metrics"), func(a net.Addr) { addr <- a })
		})
		select {
		case metricsAddr = <-addr:
		case err := <-metricsErr:
			return bindFailure(fmt.Errorf("metrics.listen: %w", err), cfg.Metrics.Listen, "metrics.listen (WXCAST_METRICS_LISTEN)")
		}
	}
	var listening func(net.Addr)
	if onListen != nil {
		listening = func(a net.Addr) {
			onListen(running{Addr: a, MetricsAddr: metricsAddr, Followers: followers, Broadcasts: bcs.lifecycle, Store: st,
				Rules: live, Words: lists})
		}
	}
	err = listenAndServe(ctx, cfg.Listen, srv.Handler(), log, listening)
	return bindFailure(err, cfg.Listen, "--listen (or listen in the config, WXCAST_LISTEN)")
}

// startWeChatAPI builds the WeChat API client once: the SDK routed to
// api_base_url, with the access token shared through Redis and kept fresh
// in the background. Without an AppSecret there is no API (nil client).
// A check in the background (wxapi.Client.Probe) tests the credentials
// and the IP allowlist and reads which APIs the account has, so a
// misconfiguration or an account that cannot broadcast shows in the log
// at start, not at the first broadcast; it never holds up the start.
func startWeChatAPI(ctx context.Context, cfg *configs.Config, st *store.Store, log *zap.Logger, wg *sync.WaitGroup) (*wxapi.Client, error) {
	if cfg.WeChat.AppSecret.Value() == "" {
		log.Info("wechat.app_secret is empty: WeChat API calls are disabled")
		return nil, nil
	}
	client, tokens, err := newWeChatClient(cfg, st, log)
	if err != nil {
		return nil, err
	}
	// The stored token expires 60 s before WeChat's, and WeChat hands out a
	// new stable token only in the last 5 minutes: refreshing with 4 minutes
	// left gets a new one instead of the same one again.
	wg.Go(func() { tokens.Keep(ctx, 30*time.Second, 4*time.Minute) })
	wg.Go(func() {
		cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		client.Probe(cctx).Log(log, cfg.WeChat.APIBaseURL)
	})
	return client, nil
}

// newWeChatClient builds the API client, its token shared with the other
// replicas through Redis.
func newWeChatClient(cfg *configs.Config, st *store.Store, log *zap.Logger) (*wxapi.Client, *wxapi.Tokens, error) {
	if err := wxapi.RouteSDK(cfg.WeChat.APIBaseURL); err != nil {
		return nil, nil, err
	}
	tokens := wxapi.NewTokens(st.Tokens(cfg.WeChat.AppID),
		wxapi.StableFetcher(cfg.WeChat.AppID, cfg.WeChat.AppSecret.Value()), nil, log)
	client := wxapi.New(wxapi.Config{
		AppID: cfg.WeChat.AppID, AppSecret: cfg.WeChat.AppSecret.Value(),
		Token: cfg.WeChat.Token.Value(), EncodingAESKey: cfg.WeChat.EncodingAESKey.Value(),
	}, tokens, st.SDKCache()).WithQuotaWalls(st.QuotaWalls(cfg.WeChat.AppID), nil).
		WithQuotaCounts(st.QuotaCounts(cfg.WeChat.AppID), 0)
	return client, tokens, nil
}

func listenAndServe(ctx context.Context, addr string, h http.Handler, log *zap.Logger, onListen func(net.Addr)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	hs := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		// WeChat waits 5 s for an answer; nothing we do should take longer.
		ReadTimeout:  10 * time.Second,
		WriteTimeout: 10 * time.Second,
		IdleTimeout:  2 * time.Minute,
		ErrorLog:     zap.NewStdLog(log),
	}
	log.Info("wxcast listening", zap.String("addr", ln.Addr().String()), zap.String("version", version))
	if onListen != nil {
		onListen(ln.Addr())
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("http server on %s: %w", ln.Addr(), err)
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing in-flight requests")
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	log.Info("stopped")
	return nil
}
