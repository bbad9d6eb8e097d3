package wxsim

import (
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"testing"
)

func TestCallsRecordedPerApp(t *testing.T) {
	e := newSimEnv(t)
	e.sim.AddApp("wx_a", "s")
	tok := e.token("wx_a", "s").AccessToken
	e.callbackIP(tok)
	e.sim.ExpireTokens("wx_a")
	e.callbackIP(tok) // attributed via the (expired) token
	e.callbackIP("")  // names no app

	calls := e.sim.Calls("wx_a")
	if len(calls) != 3 {
		t.Fatalf("got %d calls, want 3: %+v", len(calls), calls)
	}
	want := []struct {
		path string
		code int
	}{{"/cgi-bin/token", 0}, {"/cgi-bin/getcallbackip", 0}, {"/cgi-bin/getcallbackip", 42001}}
	for i, w := range want {
		c := calls[i]
		if c.Path != w.path || c.ErrCode != w.code || c.AppID != "wx_a" || c.Method != http.MethodGet {
			t.Errorf("call %d = %+v, want %s errcode %d", i, c, w.path, w.code)
		}
		if !c.Time.Equal(simStart()) {
			t.Errorf("call %d time %v, want the injected clock", i, c.Time)
		}
	}
	if calls[0].Query.Get("secret") != "s" || calls[1].Query.Get("access_token") != tok {
		t.Errorf("queries not recorded: %v / %v", calls[0].Query, calls[1].Query)
	}
	if n := e.sim.CountCalls("wx_a", "/cgi-bin/getcallbackip"); n != 2 {
		t.Errorf("CountCalls = %d, want 2", n)
	}
	if c := e.sim.Calls(""); len(c) != 1 || c[0].ErrCode != 41001 {
		t.Errorf("anonymous calls = %+v", c)
	}

	// Calls hands out copies: mutating them must not change the record.
	calls[0].Query.Set("secret", "changed")
	if e.sim.Calls("wx_a")[0].Query.Get("secret") != "s" {
		t.Error("Calls returned shared state")
	}
}

func TestStableTokenBodyRecorded(t *testing.T) {
	e := newSimEnv(t)
	e.sim.AddApp("wx_a", "s")
	e.stable("wx_a", "s", false)
	c := e.sim.Calls("wx_a")
	if len(c) != 1 || c[0].Method != http.MethodPost || string(c[0].Body) == "" {
		t.Fatalf("calls = %+v", c)
	}
}

func TestAppsIsolated(t *testing.T) {
	e := newSimEnv(t)
	e.sim.AddApp("wx_a", "sa")
	e.sim.AddApp("wx_b", "sb")
	wantErr(t, e.token("wx_b", "sa"), 40125, "invalid appsecret")
	ta := e.token("wx_a", "sa").AccessToken
	tb := e.token("wx_b", "sb").AccessToken
	tb2 := e.token("wx_b", "sb").AccessToken
	tb3 := e.token("wx_b", "sb").AccessToken // kills tb, must not touch ta

	if ta == tb || e.sim.ValidToken("wx_b", ta) || e.sim.ValidToken("wx_a", tb2) {
		t.Fatal("tokens leak across apps")
	}
	e.wantOK(ta)
	wantErr(t, e.callbackIP(tb), 40001, "invalid credential, access_token is invalid or not latest")

	e.sim.RevokeTokens("wx_b")
	e.wantOK(ta)
	wantErr(t, e.callbackIP(tb3), 40001, "invalid credential, access_token is invalid or not latest")

	tb4 := e.token("wx_b", "sb").AccessToken
	e.sim.ExpireTokens("wx_a")
	if e.sim.ValidToken("wx_a", ta) || !e.sim.ValidToken("wx_b", tb4) {
		t.Fatal("ExpireTokens reached the wrong app")
	}
	if n := len(e.sim.Calls("wx_a")); n != 3 { // token + 2 getcallbackip
		t.Fatalf("wx_a has %d calls, want 3", n)
	}
	if n := e.sim.CountCalls("wx_b", "/cgi-bin/token"); n != 5 {
		t.Fatalf("wx_b token calls = %d, want 5", n)
	}
}

func TestUnknownPath(t *testing.T) {
	e := newSimEnv(t)
	resp, err := http.Get(e.url + "/cgi-bin/nope?appid=wx_a")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("status %d, want 404", resp.StatusCode)
	}
	if c := e.sim.Calls("wx_a"); len(c) != 1 || c[0].ErrCode != CodeNotFound {
		t.Fatalf("calls = %+v", c)
	}
}

// TestConcurrentApps is mostly for -race: many apps share one simulator.
func TestConcurrentApps(t *testing.T) {
	e := newSimEnv(t)
	const apps, rounds = 8, 10
	var wg sync.WaitGroup
	errs := make(chan error, apps*rounds)
	for i := range apps {
		id := fmt.Sprintf("wx_%d", i)
		e.sim.AddApp(id, "s")
		wg.Go(func() {
			for range rounds {
				q := url.Values{"grant_type": {"client_credential"}, "appid": {id}, "secret": {"s"}}
				resp, err := http.Get(e.url + "/cgi-bin/token?" + q.Encode())
				if err != nil {
					errs <- err
					return
				}
				resp.Body.Close()
				_ = e.sim.Calls(id)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	for i := range apps {
		if n := e.sim.CountCalls(fmt.Sprintf("wx_%d", i), "/cgi-bin/token"); n != rounds {
			t.Fatalf("app %d: %d calls, want %d", i, n, rounds)
		}
	}
}

func TestLeanCallLogKeepsCountsOnly(t *testing.T) {
	e := newSimEnv(t)
	e.sim.lean = true // as WithLeanCallLog sets it
	e.sim.AddApp("wx_a", "s")
	e.stable("wx_a", "s", false)
	c := e.sim.Calls("wx_a")
	if len(c) != 1 || c[0].Path != "/cgi-bin/stable_token" || len(c[0].Body) != 0 || len(c[0].Query) != 0 {
		t.Fatalf("lean calls = %+v, want the path without query or body", c)
	}
	if n := e.sim.CountCalls("wx_a", "/cgi-bin/stable_token"); n != 1 {
		t.Fatalf("CountCalls = %d", n)
	}
}
