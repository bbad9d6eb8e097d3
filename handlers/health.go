package handlers

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"go.uber.org/zap"
)

// handleHealthz answers while the process is up.
func (s *Server) handleHealthz(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("ok\n"))
}

// readyTimeout bounds /readyz's ping: a load balancer's probe usually
// gives up after 1 s, and a Redis that has not answered by then counts as
// down.
const readyTimeout = 800 * time.Millisecond

// handleReadyz answers 200 while Redis answers, 503 otherwise, so a load
// balancer stops sending callbacks to a replica that cannot record them.
// A refused rules reload, which ReadyInfo names, leaves it at 200: the
// live rules still serve, and every replica sees the same file.
func (s *Server) handleReadyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
	defer cancel()
	body := map[string]string{}
	if s.cfg.ReadyInfo != nil {
		body = s.cfg.ReadyInfo()
	}
	status := http.StatusOK
	body["redis"] = "ok"
	if err := s.ready.Ping(ctx); err != nil {
		// The error names hosts and ports: it goes to the log, not to
		// whoever can reach /readyz.
		s.log.Warn("readyz: redis does not answer", zap.Error(err))
		status, body["redis"] = http.StatusServiceUnavailable, "unavailable"
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}
