package handlers

import (
	"fmt"
	"net/http"

	"github.com/gorilla/mux"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metricsRoute adds GET /metrics to r, behind metrics.token when it is
// set.
func (s *Server) metricsRoute(r *mux.Router) {
	h := promhttp.HandlerFor(s.gather, promhttp.HandlerOpts{})
	r.HandleFunc("/metrics", func(w http.ResponseWriter, req *http.Request) {
		if s.cfg.MetricsToken != "" && !bearerOK(req, s.cfg.MetricsToken) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="wxcast metrics"`)
			http.Error(w, "missing or wrong bearer token: send Authorization: Bearer <metrics.token>", http.StatusUnauthorized)
			return
		}
		h.ServeHTTP(w, req)
	}).Methods(http.MethodGet)
}

// metrics are the callback counters and latency served on /metrics.
type metrics struct {
	callbacks *prometheus.CounterVec
	refusals  *prometheus.CounterVec
	dedupHits prometheus.Counter
	latency   prometheus.Histogram
	tags      *prometheus.CounterVec
	ignored   *prometheus.CounterVec
	dropped   *prometheus.CounterVec
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		callbacks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "wxcast_callbacks_total",
			Help: "WeChat callbacks by kind (text, subscribe, click…, other for a type outside the known kinds) and result (ok, duplicate, refused, ignored, error).",
		}, []string{"type", "result"}),
		refusals: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "wxcast_callback_refusals_total",
			Help: "Callbacks refused before touching state, by reason.",
		}, []string{"reason"}),
		dedupHits: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "wxcast_callback_dedup_hits_total",
			Help: "Retried deliveries recognised as already handled.",
		}),
		latency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "wxcast_callback_duration_seconds",
			Help:    "Time to answer a callback.",
			Buckets: []float64{.0005, .001, .002, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}),
		tags: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "wxcast_tag_changes_total",
			Help: "Tag changes decided by tag rules, by tag and change: added (a ttl tag matched again counts too, its expiry moves) or removed.",
		}, []string{"tag", "change"}),
		ignored: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "wxcast_callback_ignored_total",
			Help: "Signed callbacks answered success but not recorded, by reason: future_create_time (CreateTime more than callback.timestamp_tolerance ahead), bad_coordinates (NaN, infinite or out of range).",
		}, []string{"reason"}),
		dropped: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "wxcast_log_dropped_total",
			Help: "Log entries of refused or ignored callbacks dropped by sampling (10 a second per reason are written), by reason.",
		}, []string{"reason"}),
	}
	for _, c := range []prometheus.Collector{m.callbacks, m.refusals, m.dedupHits, m.latency, m.tags, m.ignored, m.dropped} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("handlers: register metrics: %w", err)
		}
	}
	return m, nil
}
