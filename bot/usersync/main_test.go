package usersync

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"

	"github.com/wxcast/wxcast/bot/wxapi"
	"github.com/wxcast/wxcast/internal/redistest"
	"github.com/wxcast/wxcast/internal/simtest"
	"github.com/wxcast/wxcast/internal/wxsim"
	"github.com/wxcast/wxcast/rules"
	"github.com/wxcast/wxcast/store"
)

// The SDK sends every call through one process-global HTTP client, so the
// package shares one simulator; each test registers an app of its own.
var sim *wxsim.Server

func TestMain(m *testing.M) { os.Exit(simtest.Run(m, wxapi.RouteSDK, &sim)) }

// env is one test's world: an app of its own in the simulator and a key
// prefix of its own in Redis.
type env struct {
	t     *testing.T
	ctx   context.Context
	appID string
	st    *store.Store
	f     *store.Followers
	api   *wxapi.Client
}

func newEnv(t *testing.T) *env {
	t.Helper()
	var b [5]byte
	_, _ = rand.Read(b[:])
	appID := "wx_" + strings.ReplaceAll(t.Name(), "/", "_") + hex.EncodeToString(b[:])
	secret := "s" + hex.EncodeToString(b[:])
	sim.AddApp(appID, secret)
	st := redistest.Open(t)
	tokens := wxapi.NewTokens(st.Tokens(appID), wxapi.StableFetcher(appID, secret), nil, zaptest.NewLogger(t))
	api := wxapi.New(wxapi.Config{AppID: appID, AppSecret: secret, Token: "tok"}, tokens, st.SDKCache()).
		WithQuotaWalls(st.QuotaWalls(appID), nil)
	return &env{t: t, ctx: context.Background(), appID: appID, st: st, api: api,
		f: st.Followers(store.Calendar{Loc: time.UTC}, store.Limits{})}
}

func (e *env) opts() SyncOptions {
	return SyncOptions{Store: e.st, Followers: e.f, API: e.api, Owner: "test", Workers: 4,
		Retry: Retry{Base: time.Millisecond, Max: 5 * time.Millisecond}, Log: zaptest.NewLogger(e.t)}
}

// listed returns every openid the simulator lists for the app.
func (e *env) listed() []string {
	e.t.Helper()
	var out []string
	next := ""
	for {
		p, err := e.api.Followers(e.ctx, next)
		if err != nil {
			e.t.Fatal(err)
		}
		out = append(out, p.OpenIDs...)
		if len(p.OpenIDs) == 0 || p.Next == "" {
			return out
		}
		next = p.Next
	}
}

func (e *env) profile(openid string) *store.Profile {
	e.t.Helper()
	p, err := e.f.Profile(e.ctx, openid)
	if err != nil {
		e.t.Fatal(err)
	}
	return p
}

func (e *env) ruleset(src string) *rules.Ruleset {
	e.t.Helper()
	rs, err := rules.Parse("rules.yaml", []byte(src), rules.Options{})
	if err != nil {
		e.t.Fatal(err)
	}
	return rs
}

// cancellingAPI cancels a context once UserInfos has been called after
// calls times: a process dying in the middle of a page.
type cancellingAPI struct {
	API
	calls  atomic.Int64
	after  int64
	cancel context.CancelFunc
}

func (c *cancellingAPI) UserInfos(ctx context.Context, openids []string) ([]wxapi.UserInfo, error) {
	if c.calls.Add(1) == c.after {
		c.cancel()
	}
	return c.API.UserInfos(ctx, openids)
}

// checkpointPages is how many pages the unfinished run has written.
func (e *env) checkpointPages() int {
	e.t.Helper()
	doc, ok, err := e.st.SyncState().Checkpoint(e.ctx)
	if err != nil || !ok {
		e.t.Fatalf("no checkpoint: %v", err)
	}
	var cp checkpoint
	if err := json.Unmarshal(doc, &cp); err != nil {
		e.t.Fatal(err)
	}
	return cp.Pages
}
