package handlers

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/mux"
	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"

	"github.com/wxcast/wxcast/bot"
)

// Bot handles a decoded callback.
type Bot interface {
	Handle(ctx context.Context, m bot.Message) (bot.Result, error)
}

// Pinger reports whether a dependency answers.
type Pinger interface {
	Ping(ctx context.Context) error
}

// Config is what the HTTP surface needs to know.
type Config struct {
	AppID string
	Token string
	// AESKeys are the EncodingAESKeys to try, current first, then the
	// previous one during a key rotation. Empty means plaintext mode only.
	AESKeys []string
	// AllowPlaintext accepts plaintext callbacks although AESKeys is set.
	// Off, a callback without encrypt_type=aes is refused when a key is
	// configured: the plaintext signature covers only the token, timestamp
	// and nonce, so anyone who saw one signed URL could post any body.
	AllowPlaintext     bool
	CallbackPath       string
	TimestampTolerance time.Duration
	MaxBodyBytes       int64
	// Now is the clock used for the replay window (time.Now when nil).
	Now func() time.Time
	// ReadyInfo, when set, adds fields to /readyz (the rules version, a
	// refused one). They never change its status: only Redis does.
	ReadyInfo func() map[string]string
	// APIToken is the bearer token of the API for other systems (/api/…);
	// empty turns the API off.
	APIToken string
	// Attributes serves the attributes API (an attrs.Service, which
	// checks values against the live rules); nil turns the API off.
	Attributes AttrSetter
	// MetricsApart leaves /metrics out of Handler: MetricsHandler serves
	// it on a listener of its own (metrics.listen), so that the public
	// callback listener does not show it.
	MetricsApart bool
	// MetricsToken, when set, is the bearer token /metrics requires.
	MetricsToken string
	// Links answers tracked links (/l/…); nil (links.base_url empty)
	// leaves them and VerifyFile out.
	Links      Links
	VerifyFile VerifyFile
}

// Server serves wxcast's HTTP routes.
type Server struct {
	cfg     Config
	keys    keyring
	bot     Bot
	ready   Pinger
	log     *zap.Logger
	metrics *metrics
	// quiet logs refusals and ignored callbacks, sampled: anyone can
	// cause them.
	quiet  quietLogs
	gather prometheus.Gatherer
	bufs   sync.Pool
}

// NewServer builds the HTTP surface. reg receives the metrics and is what
// /metrics serves.
func NewServer(cfg Config, b Bot, ready Pinger, reg *prometheus.Registry, log *zap.Logger) (*Server, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.CallbackPath == "" {
		cfg.CallbackPath = "/wechat"
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = 64 << 10
	}
	keys, err := newKeyring(cfg.AppID, cfg.AESKeys)
	if err != nil {
		return nil, err
	}
	m, err := newMetrics(reg)
	if err != nil {
		return nil, err
	}
	quiet := newQuietLogs(log, m.dropped, logReasons())
	return &Server{cfg: cfg, keys: keys, bot: b, ready: ready, log: log, metrics: m, quiet: quiet, gather: reg}, nil
}

// Handler returns every route.
func (s *Server) Handler() http.Handler {
	r := mux.NewRouter()
	r.HandleFunc(s.cfg.CallbackPath, s.handleVerify).Methods(http.MethodGet)
	r.HandleFunc(s.cfg.CallbackPath, s.handleCallback).Methods(http.MethodPost)
	r.HandleFunc("/healthz", s.handleHealthz).Methods(http.MethodGet)
	r.HandleFunc("/readyz", s.handleReadyz).Methods(http.MethodGet)
	if !s.cfg.MetricsApart {
		s.metricsRoute(r)
	}
	r.HandleFunc("/api/followers/{openid}/attributes", s.handlePutAttributes).Methods(http.MethodPut)
	s.linkRoutes(r)
	return r
}

// MetricsHandler serves /metrics alone, for the listener of
// metrics.listen.
func (s *Server) MetricsHandler() http.Handler {
	r := mux.NewRouter()
	s.metricsRoute(r)
	return r
}
