package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"go.uber.org/zap"

	"github.com/wxcast/wxcast/bot"
	"github.com/wxcast/wxcast/bot/wxapi"
	"github.com/wxcast/wxcast/configs"
	"github.com/wxcast/wxcast/handlers"
	"github.com/wxcast/wxcast/store"
)

func runServe(ctx context.Context, args, environ []string, _, stderr io.Writer) error {
	cfg, err := loadConfig("serve", args, environ, stderr)
	if err != nil {
		return err
	}
	log, err := newLogger(cfg.Log, stderr)
	if err != nil {
		return err
	}
	defer func() { _ = log.Sync() }()
	return serve(ctx, cfg, log, nil)
}

// loadConfig parses --config (default: WXCAST_CONFIG) and loads the file.
func loadConfig(name string, args, environ []string, stderr io.Writer) (*configs.Config, error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("config", lookupEnv(environ, "WXCAST_CONFIG"), "configuration file (YAML)")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("%s: unexpected argument %q", name, fs.Arg(0))
	}
	cfg, err := configs.Load(*path, environ)
	if err != nil {
		return nil, fmt.Errorf("configuration:\n%w", err)
	}
	return cfg, nil
}

func lookupEnv(environ []string, key string) string {
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok && k == key {
			return v
		}
	}
	return ""
}

// serve runs the server until ctx ends, then shuts down gracefully:
// stop accepting, finish in-flight callbacks, close Redis. onListen, when
// set, learns the bound address (tests listen on port 0).
func serve(ctx context.Context, cfg *configs.Config, log *zap.Logger, onListen func(net.Addr)) error {
	st, err := store.Open(ctx, store.Options{URL: cfg.Redis.URL.Value(), KeyPrefix: cfg.Redis.KeyPrefix, Log: log})
	if err != nil {
		return err
	}
	defer func() { _ = st.Close() }()

	bg, stopBG := context.WithCancel(context.WithoutCancel(ctx))
	defer stopBG()
	if err := startWeChatAPI(bg, cfg, st, log); err != nil {
		return err
	}

	b := bot.New(bot.Options{
		Followers: st.Followers(store.Calendar{Loc: cfg.Location}, store.Limits{
			DedupTTL: cfg.Callback.DedupTTL.D(), HistoryMax: cfg.Profile.HistoryMax, HistoryDays: cfg.Profile.HistoryDays,
		}),
		ReplyWait: cfg.Callback.ReplyWait.D(),
		Log:       log,
	})
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	srv, err := handlers.NewServer(handlers.Config{
		AppID:              cfg.WeChat.AppID,
		Token:              cfg.WeChat.Token.Value(),
		AESKeys:            []string{cfg.WeChat.EncodingAESKey.Value(), cfg.WeChat.PreviousEncodingAESKey.Value()},
		CallbackPath:       cfg.CallbackPath,
		TimestampTolerance: cfg.Callback.TimestampTolerance.D(),
		MaxBodyBytes:       cfg.Callback.MaxBodyBytes,
	}, b, st, reg, log)
	if err != nil {
		return err
	}
	return listenAndServe(ctx, cfg.Listen, srv.Handler(), log, onListen)
}

// startWeChatAPI routes the SDK to api_base_url and keeps the shared access
// token fresh in the background. Without an AppSecret there is no API.
func startWeChatAPI(ctx context.Context, cfg *configs.Config, st *store.Store, log *zap.Logger) error {
	if cfg.WeChat.AppSecret.Value() == "" {
		log.Info("wechat.app_secret is empty: WeChat API calls are disabled")
		return nil
	}
	if err := wxapi.RouteSDK(cfg.WeChat.APIBaseURL); err != nil {
		return err
	}
	tokens := wxapi.NewTokens(st.Tokens(cfg.WeChat.AppID),
		wxapi.StableFetcher(cfg.WeChat.AppID, cfg.WeChat.AppSecret.Value()), nil, log)
	// The stored token expires 60 s before WeChat's, and WeChat hands out a
	// new stable token only in the last 5 minutes: refreshing with 4 minutes
	// left gets a new one instead of the same one again.
	go tokens.Keep(ctx, 30*time.Second, 4*time.Minute)
	return nil
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
		return fmt.Errorf("serve: %w", err)
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
