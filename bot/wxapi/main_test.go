package wxapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"go.uber.org/zap/zaptest"

	"github.com/wxcast/wxcast/internal/redistest"
	"github.com/wxcast/wxcast/internal/simtest"
	"github.com/wxcast/wxcast/internal/wxsim"
	"github.com/wxcast/wxcast/store"
)

// The SDK sends every call through one process-global HTTP client, so the
// whole package shares one simulator, routed once in TestMain. wxsim is
// multi-tenant: each test registers its own AppID and only looks at that
// app's calls, which lets the tests run in parallel.
var (
	sim    *wxsim.Server
	simURL string
)

const (
	pathStable     = "/cgi-bin/stable_token"
	pathToken      = "/cgi-bin/token"
	pathCallbackIP = "/cgi-bin/getcallbackip"
)

func TestMain(m *testing.M) { os.Exit(simtest.RunURL(m, RouteSDK, &sim, &simURL)) }

// newApp registers an app of the test's own in the simulator.
func newApp(t *testing.T) (appID, secret string) {
	t.Helper()
	var b [6]byte
	_, _ = rand.Read(b[:])
	appID = "wx_" + strings.ReplaceAll(t.Name(), "/", ".") + "_" + hex.EncodeToString(b[:])
	secret = "secret-" + hex.EncodeToString(b[:])
	sim.AddApp(appID, secret)
	return appID, secret
}

// replicaStores returns n store handles on one Redis under one key prefix,
// as n replicas of one deployment see it. Each handle has its own client
// (its own connections) when the server allows it.
func replicaStores(t *testing.T, n int) []*store.Store {
	t.Helper()
	base := redistest.Open(t)
	prefix := redistest.Prefix(t)
	t.Cleanup(func() { redistest.Clean(t, base.Redis(), prefix) })
	out := make([]*store.Store, n)
	for i := range out {
		rdb := base.Redis()
		if c, ok := rdb.(*redis.Client); ok {
			opts := *c.Options()
			own := redis.NewClient(&opts)
			t.Cleanup(func() { _ = own.Close() })
			rdb = own
		}
		out[i] = store.New(rdb, prefix)
	}
	return out
}

// replica is one wxcast process's token handle for appID.
func replica(t *testing.T, st *store.Store, appID string, fetch Fetcher, now func() time.Time) *Tokens {
	t.Helper()
	return NewTokens(st.Tokens(appID), fetch, now, zaptest.NewLogger(t))
}

// stableForces returns force_refresh of every stable_token call appID made.
func stableForces(t *testing.T, appID string) []bool {
	t.Helper()
	var out []bool
	for _, c := range sim.Calls(appID) {
		if c.Path != pathStable {
			continue
		}
		var body struct {
			ForceRefresh bool `json:"force_refresh"`
		}
		if err := json.Unmarshal(c.Body, &body); err != nil {
			t.Fatalf("stable_token body %q: %v", c.Body, err)
		}
		out = append(out, body.ForceRefresh)
	}
	return out
}

// errCodes returns the errcodes the simulator answered appID's calls to path with.
func errCodes(appID, path string) []int {
	var out []int
	for _, c := range sim.Calls(appID) {
		if c.Path == path {
			out = append(out, c.ErrCode)
		}
	}
	return out
}

func wantCalls(t *testing.T, appID, path string, want int) {
	t.Helper()
	if got := sim.CountCalls(appID, path); got != want {
		t.Errorf("%s called %d times, want %d; errcodes %v", path, got, want, errCodes(appID, path))
	}
}

// waitFor polls cond until it holds or five seconds pass.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}
