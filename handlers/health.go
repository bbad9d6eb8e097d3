package handlers

import (
	"encoding/json"
	"net/http"
)

// handleHealthz answers while the process is up.
func (s *Server) handleHealthz(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("ok\n"))
}

// handleReadyz answers 200 while Redis answers, 503 otherwise, so a load
// balancer stops sending callbacks to a replica that cannot record them.
func (s *Server) handleReadyz(w http.ResponseWriter, r *http.Request) {
	status, body := http.StatusOK, map[string]string{"redis": "ok"}
	if err := s.ready.Ping(r.Context()); err != nil {
		status, body["redis"] = http.StatusServiceUnavailable, err.Error()
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}
