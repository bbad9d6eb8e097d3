package main

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"

	"github.com/wxcast/wxcast/configs"
	"github.com/wxcast/wxcast/internal/redistest"
)

// TestServeMetricsListen runs serve with metrics.listen and metrics.token:
// /metrics is gone from the public listener and answers on its own one,
// to the token only.
func TestServeMetricsListen(t *testing.T) {
	t.Parallel()
	const tok = "metrics-token-e2e-0123456789"
	cfg, err := configs.Load("../../configs/wxcast.example.yaml", []string{
		"WXCAST_LISTEN=127.0.0.1:0", "WXCAST_WECHAT_APP_ID=" + tAppID, "WXCAST_WECHAT_TOKEN=" + tToken,
		"WXCAST_WECHAT_ENCODING_AES_KEY=" + tAESKey,
		"WXCAST_REDIS_URL=" + redistest.SharedURL(t), "WXCAST_REDIS_KEY_PREFIX=" + redistest.Prefix(t),
		"WXCAST_METRICS_LISTEN=127.0.0.1:0", "WXCAST_METRICS_TOKEN=" + tok,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	started := make(chan running, 1)
	done := make(chan error, 1)
	go func() { done <- serve(ctx, cfg, zaptest.NewLogger(t), func(r running) { started <- r }) }()
	t.Cleanup(func() { cancel(); <-done })
	var r running
	select {
	case r = <-started:
	case err := <-done:
		t.Fatalf("serve: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not start")
	}
	if r.MetricsAddr == nil || r.MetricsAddr.String() == r.Addr.String() {
		t.Fatalf("metrics listener %v, main listener %v", r.MetricsAddr, r.Addr)
	}
	get := func(addr, auth string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, "http://"+addr+"/metrics", nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	for _, tc := range []struct {
		name, addr, auth string
		want             int
	}{
		{"public listener", r.Addr.String(), "Bearer " + tok, http.StatusNotFound},
		{"no token", r.MetricsAddr.String(), "", http.StatusUnauthorized},
		{"wrong token", r.MetricsAddr.String(), "Bearer " + tok + "x", http.StatusUnauthorized},
		{"token", r.MetricsAddr.String(), "Bearer " + tok, http.StatusOK},
	} {
		status, body := get(tc.addr, tc.auth)
		if status != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, status, tc.want)
		}
		if shows := strings.Contains(body, "wxcast_callback_dedup_hits_total"); shows != (tc.want == http.StatusOK) {
			t.Errorf("%s: metrics shown: %v", tc.name, shows)
		}
	}
	// The main listener still serves everything else.
	res, err := http.Get("http://" + r.Addr.String() + "/healthz")
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("healthz: %v %v", res, err)
	}
	_ = res.Body.Close()
}
