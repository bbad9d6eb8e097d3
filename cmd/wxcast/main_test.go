package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest"
	"go.uber.org/zap/zaptest/observer"

	"github.com/wxcast/wxcast/bot/wxapi"
	"github.com/wxcast/wxcast/configs"
	"github.com/wxcast/wxcast/internal/redistest"
	"github.com/wxcast/wxcast/internal/wxsim"
	"github.com/wxcast/wxcast/store"
)

func TestVersionAndUsage(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"version"}, nil, &out, &out); err != nil || !strings.HasPrefix(out.String(), "wxcast ") {
		t.Fatalf("version: %v %q", err, out.String())
	}
}

func TestServeRefusesBadConfig(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cases := []struct {
		name    string
		file    string
		environ []string
		want    []string
	}{
		{"unknown key", write("a.yaml", "wechat:\n  app_id: wx1\n  tokn: abc\n"), nil,
			[]string{"a.yaml:3", `"wechat.tokn"`, "wechat.token"}},
		{"malformed AES key from env", write("b.yaml", "wechat:\n  app_id: wx1\n  token: abcdef\n"),
			[]string{"WXCAST_WECHAT_ENCODING_AES_KEY=tooShort"}, []string{"wechat.encoding_aes_key", "WXCAST_WECHAT_ENCODING_AES_KEY"}},
		{"bad redis URL keeps the password secret", write("c.yaml", "wechat:\n  app_id: wx1\n  token: abcdef\nredis:\n  url: \"http://:hunter2@h:1\"\n"), nil,
			[]string{"redis.url"}},
		{"odd redis host keeps the password secret", write("d.yaml", "wechat:\n  app_id: wx1\n  token: abcdef\n"),
			[]string{"WXCAST_REDIS_URL=redis://:hunter2@ho^st:1"}, []string{"redis.url", "WXCAST_REDIS_URL"}},
		{"bad redis option keeps the password secret", write("e.yaml", "wechat:\n  app_id: wx1\n  token: abcdef\n"),
			[]string{"WXCAST_REDIS_URL=redis://:hunter2@127.0.0.1:1/0?bogus=1"}, []string{"redis.url", "bogus"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			err := run(context.Background(), []string{"serve", "--config", tc.file}, tc.environ, &out, &out)
			if err == nil {
				t.Fatal("serve started with a bad config")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
			if strings.Contains(err.Error()+out.String(), "hunter2") {
				t.Error("the password was printed")
			}
		})
	}
}

const (
	tAppID  = "wxcmdtest00000001"
	tSecret = "cmdTestSecret"
	tToken  = "cmdToken"
	tAESKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
)

// startServe runs serve with the example config plus overrides and returns
// its address; the server stops when the test ends.
func startServe(t *testing.T, ctx context.Context, environ []string) (addr string, done <-chan error) {
	t.Helper()
	addr, done, _ = startServeLogged(t, ctx, environ)
	return addr, done
}

// startServeLogged is startServe that also returns what the server logs,
// debug lines included, for a test to wait on.
func startServeLogged(t *testing.T, ctx context.Context, environ []string) (addr string, done <-chan error, logs *observer.ObservedLogs) {
	t.Helper()
	cfg, err := configs.Load("../../configs/wxcast.example.yaml", append([]string{
		"WXCAST_LISTEN=127.0.0.1:0", "WXCAST_WECHAT_APP_ID=" + tAppID, "WXCAST_WECHAT_TOKEN=" + tToken,
		"WXCAST_WECHAT_ENCODING_AES_KEY=" + tAESKey,
	}, environ...))
	if err != nil {
		t.Fatal(err)
	}
	core, logs := observer.New(zap.DebugLevel)
	log := zap.New(zapcore.NewTee(zaptest.NewLogger(t).Core(), core))
	ready := make(chan net.Addr, 1)
	errc := make(chan error, 1)
	go func() { errc <- serve(ctx, cfg, log, func(r running) { ready <- r.Addr }) }()
	select {
	case a := <-ready:
		return a.String(), errc, logs
	case err := <-errc:
		t.Fatalf("serve: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not start")
	}
	return "", nil, nil
}

func TestServeEndToEndAndShutdown(t *testing.T) {
	url, prefix := redistest.SharedURL(t), redistest.Prefix(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addr, done := startServe(t, ctx, []string{"WXCAST_REDIS_URL=" + url, "WXCAST_REDIS_KEY_PREFIX=" + prefix})

	c, err := wxsim.NewClient(wxsim.ClientConfig{URL: "http://" + addr + "/wechat", Token: tToken,
		EncodingAESKey: tAESKey, AppID: tAppID, OriginalID: "gh_cmd", Mode: wxsim.ModeSafe})
	if err != nil {
		t.Fatal(err)
	}
	// The example rules welcome a new follower (an encrypted passive reply).
	if res, err := c.Send(ctx, wxsim.Subscribe("oCmdUser", "launch")); err != nil || res.Status != 200 ||
		!res.Encrypted || !strings.Contains(string(res.Plain), "欢迎关注") {
		t.Fatalf("callback: %v %+v", err, res)
	}
	st := redistest.OpenAt(t, url, prefix)
	p, err := st.Followers(store.Calendar{}, store.Limits{}).Profile(ctx, "oCmdUser")
	if err != nil || !p.Subscribed || p.Scene != "launch" {
		t.Fatalf("profile after callback: %+v %v", p, err)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve returned %v on shutdown", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop")
	}
	if _, err := http.Get("http://" + addr + "/healthz"); err == nil {
		t.Fatal("still serving after shutdown")
	}
}

func TestTwoReplicasShareOneToken(t *testing.T) {
	sim, simURL := sharedSim()
	appID := newApp(t)

	url, prefix := redistest.SharedURL(t), redistest.Prefix(t)
	environ := []string{"WXCAST_REDIS_URL=" + url, "WXCAST_REDIS_KEY_PREFIX=" + prefix, "WXCAST_WECHAT_APP_ID=" + appID,
		"WXCAST_WECHAT_APP_SECRET=" + tSecret, "WXCAST_WECHAT_API_BASE_URL=" + simURL}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// Both replicas start their token keepers at once; the lease must
	// leave exactly one fetch.
	var logs []*observer.ObservedLogs
	for i := 0; i < 2; i++ {
		_, done, l := startServeLogged(t, ctx, environ)
		logs = append(logs, l)
		t.Cleanup(func() { <-done })
	}

	st := redistest.OpenAt(t, url, prefix)
	var (
		tok store.Token
		err error
	)
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		var ok bool
		if tok, ok, err = st.Tokens(appID).Get(ctx); ok {
			break
		}
	}
	if tok.Value == "" || !sim.ValidToken(appID, tok.Value) {
		t.Fatalf("shared token %q is not valid at the simulator (err %v)", tok.Value, err)
	}
	// Each replica takes the token twice at start: its keeper's first
	// round and its first API call. Once all four are through, every
	// fetch they would make has been made.
	for i, l := range logs {
		waitFor(t, 10*time.Second, fmt.Sprintf("replica %d's token keeper", i+1), func() bool {
			return l.Filter(func(e observer.LoggedEntry) bool {
				return e.Message == "WeChat access token is fresh" || e.Message == "keep WeChat access token fresh"
			}).Len() > 0
		})
	}
	waitFor(t, 10*time.Second, "both replicas' account check", func() bool {
		return sim.CountCalls(appID, "/cgi-bin/openapi/quota/get") == 2*len(wxapi.Capabilities())
	})
	if n := sim.CountCalls(appID, "/cgi-bin/stable_token"); n != 1 {
		t.Fatalf("the simulator saw %d token fetches from two replicas, want 1", n)
	}
	if n := sim.CountCalls(appID, "/cgi-bin/token"); n != 0 {
		t.Fatalf("%d fetches of the non-stable token", n)
	}
}

// The SDK sends a process's WeChat API calls to one base URL, so the
// package's in-process servers share one simulator; each test registers an
// app of its own with newApp.
var shared struct {
	once sync.Once
	sim  *wxsim.Server
	url  string
}

func sharedSim() (*wxsim.Server, string) {
	shared.once.Do(func() {
		shared.sim = wxsim.NewServer(wxsim.WithMassRetryGap(time.Second))
		shared.url = httptest.NewServer(shared.sim).URL // lives as long as the test binary
	})
	return shared.sim, shared.url
}

// newApp registers an app unique to t in the shared simulator, with the
// secret tSecret.
func newApp(t *testing.T) string {
	t.Helper()
	sim, _ := sharedSim()
	var b [8]byte
	_, _ = rand.Read(b[:])
	appID := "wx" + hex.EncodeToString(b[:])
	sim.AddApp(appID, tSecret)
	return appID
}
