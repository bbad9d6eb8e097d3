package handlers_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap/zaptest"

	"github.com/wxcast/wxcast/handlers"
)

// TestMetricsApartAndToken checks where /metrics answers and to whom: on
// the public handler unless metrics.listen moves it to a handler of its
// own, and only with the bearer token of metrics.token when one is set.
func TestMetricsApartAndToken(t *testing.T) {
	t.Parallel()
	const tok = "metrics-token-0123456789"
	cases := []struct {
		name  string
		apart bool
		token string
		// want is the status on the public handler and on the metrics
		// handler, per Authorization header.
		public, own map[string]int
	}{
		{"default", false, "",
			map[string]int{"": 200}, map[string]int{"": 200}},
		{"token", false, tok,
			map[string]int{"": 401, "Bearer wrong-token-0123456789": 401, "Basic " + tok: 401, "Bearer " + tok: 200},
			map[string]int{"": 401, "Bearer " + tok: 200}},
		{"apart", true, "",
			map[string]int{"": 404}, map[string]int{"": 200}},
		{"apart with token", true, tok,
			map[string]int{"": 404, "Bearer " + tok: 404},
			map[string]int{"": 401, "Bearer wrong-token-0123456789": 401, "Bearer " + tok: 200}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, err := handlers.NewServer(handlers.Config{
				AppID: appID, Token: token, CallbackPath: "/wechat",
				MetricsApart: tc.apart, MetricsToken: tc.token,
			}, nil, nil, prometheus.NewRegistry(), zaptest.NewLogger(t))
			if err != nil {
				t.Fatal(err)
			}
			for side, h := range map[string]http.Handler{"public": srv.Handler(), "own": srv.MetricsHandler()} {
				want := tc.public
				if side == "own" {
					want = tc.own
				}
				for auth, status := range want {
					req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
					if auth != "" {
						req.Header.Set("Authorization", auth)
					}
					rec := httptest.NewRecorder()
					h.ServeHTTP(rec, req)
					body, _ := io.ReadAll(rec.Body)
					if rec.Code != status {
						t.Errorf("%s handler, Authorization %q: %d, want %d", side, auth, rec.Code, status)
					}
					if status == 200 && !strings.Contains(string(body), "wxcast_callback_dedup_hits_total") {
						t.Errorf("%s handler: 200 without the metrics:\n%.300s", side, body)
					}
					if status != 200 && strings.Contains(string(body), "wxcast_") {
						t.Errorf("%s handler, Authorization %q: %d shows metrics", side, auth, rec.Code)
					}
				}
			}
		})
	}
}
