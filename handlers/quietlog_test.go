package handlers_test

import (
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/wxcast/wxcast/internal/wxsim"
)

// stepClock is a zapcore.Clock that moves only when told, so the
// sampler's one-second ticks do not depend on how fast the test runs.
type stepClock struct{ now atomic.Int64 }

func (c *stepClock) Now() time.Time                         { return time.Unix(0, c.now.Load()) }
func (c *stepClock) NewTicker(d time.Duration) *time.Ticker { return time.NewTicker(d) }
func (c *stepClock) add(d time.Duration)                    { c.now.Add(int64(d)) }

func TestRefusalFloodLogsBounded(t *testing.T) {
	t.Parallel()
	clock := &stepClock{}
	clock.now.Store(time.Now().UnixNano())
	core, logs := observer.New(zapcore.DebugLevel)
	e := newEnv(t, envOpts{log: zap.New(core, zap.WithClock(clock))})
	c := e.client(wxsim.ModePlain, func(c *wxsim.ClientConfig) { c.Token = "notTheToken" })
	req, err := c.BuildRequest(t.Context(), wxsim.Text("oFlood", "hi", 1))
	if err != nil {
		t.Fatal(err)
	}
	body := string(c.XML(wxsim.Text("oFlood", "hi", 1)))
	refuse := func(r *http.Request) {
		t.Helper()
		r = r.Clone(t.Context())
		setBody(r, body)
		rec := httptest.NewRecorder()
		e.handler.ServeHTTP(rec, r)
		if rec.Code != http.StatusUnauthorized {
			t.Fatalf("status %d, want 401", rec.Code)
		}
	}

	const flood = 10000
	for range flood {
		refuse(req)
	}
	// Another reason in the same second has its own sample.
	stale := req.Clone(t.Context())
	setQuery(stale, "timestamp", "1")
	setQuery(stale, "signature", wxsim.Sign(token, "1", stale.URL.Query().Get("nonce")))
	refuse(stale)

	refused := logs.FilterMessage("callback refused")
	bad := refused.FilterField(zap.String("reason", "bad_signature")).Len()
	if bad == 0 || bad > 100 {
		t.Fatalf("%d log entries for %d refused callbacks, want between 1 and 100", bad, flood)
	}
	if n := refused.FilterField(zap.String("reason", "stale_timestamp")).Len(); n != 1 {
		t.Errorf("a stale timestamp during the flood logged %d times, want 1", n)
	}
	if got := e.counter("wxcast_callback_refusals_total", "reason", "bad_signature"); got != flood {
		t.Errorf("refusals counted %v, want %d", got, flood)
	}
	dropped := e.counter("wxcast_log_dropped_total", "reason", "bad_signature")
	if int(dropped)+bad != flood {
		t.Errorf("%v dropped + %d logged, want %d", dropped, bad, flood)
	}

	// The next second's first entry is preceded by the count dropped.
	clock.add(time.Second)
	refuse(req)
	said := logs.FilterMessage("callback logs dropped").FilterField(zap.String("reason", "bad_signature")).All()
	if len(said) != 1 || said[0].ContextMap()["dropped"] != int64(dropped) {
		t.Fatalf("dropped lines %+v, want one with dropped=%v", said, dropped)
	}
	if n := logs.FilterMessage("callback refused").FilterField(zap.String("reason", "bad_signature")).Len(); n != bad+1 {
		t.Errorf("after a second, %d entries, want %d", n, bad+1)
	}
}
