package wxsim

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestTokenFetch(t *testing.T) {
	e := newSimEnv(t)
	e.sim.AddApp("wx_a", "secret_a")
	tokenShape := regexp.MustCompile(`^[A-Za-z0-9_-]{64,}$`)
	r := e.token("wx_a", "secret_a")
	if !tokenShape.MatchString(r.AccessToken) || r.ExpiresIn != 7200 || r.ErrCode != 0 {
		t.Fatalf("token reply = %+v", r)
	}
	if !e.sim.ValidToken("wx_a", r.AccessToken) {
		t.Fatal("fresh token not valid")
	}
	e.wantOK(r.AccessToken)
}

func TestTokenRefetchInvalidatesPreviousAfterOverlap(t *testing.T) {
	e := newSimEnv(t)
	e.sim.AddApp("wx_a", "s")
	first := e.token("wx_a", "s").AccessToken
	e.clock.Advance(time.Minute)
	second := e.token("wx_a", "s").AccessToken
	if first == second {
		t.Fatal("refetch returned the same token")
	}

	e.clock.Advance(tokenOverlap - time.Second)
	e.wantOK(first) // still inside the overlap
	e.wantOK(second)

	e.clock.Advance(time.Second)
	wantErr(t, e.callbackIP(first), 40001, "invalid credential, access_token is invalid or not latest")
	e.wantOK(second)
}

func TestTokenThirdFetchKillsFirstAtOnce(t *testing.T) {
	e := newSimEnv(t)
	e.sim.AddApp("wx_a", "s")
	first := e.token("wx_a", "s").AccessToken
	second := e.token("wx_a", "s").AccessToken
	third := e.token("wx_a", "s").AccessToken
	wantErr(t, e.callbackIP(first), 40001, "invalid credential, access_token is invalid or not latest")
	e.wantOK(second)
	e.wantOK(third)
}

func TestTokenExpiresAfterTTL(t *testing.T) {
	e := newSimEnv(t)
	e.sim.AddApp("wx_a", "s")
	tok := e.token("wx_a", "s").AccessToken
	e.clock.Advance(7199 * time.Second)
	e.wantOK(tok)
	e.clock.Advance(time.Second)
	wantErr(t, e.callbackIP(tok), 42001, "access_token expired")
	if e.sim.ValidToken("wx_a", tok) {
		t.Fatal("expired token reported valid")
	}
}

func TestTokenEndpointErrors(t *testing.T) {
	e := newSimEnv(t)
	e.sim.AddApp("wx_a", "s")
	ok := url.Values{"grant_type": {"client_credential"}, "appid": {"wx_a"}, "secret": {"s"}}
	with := func(k, v string) url.Values {
		q := cloneValues(ok)
		if v == "" {
			q.Del(k)
		} else {
			q.Set(k, v)
		}
		return q
	}
	tests := []struct {
		name   string
		method string
		q      url.Values
		code   int
		msg    string
	}{
		{"wrong method", http.MethodPost, ok, 43001, "require GET method"},
		{"no grant_type", http.MethodGet, with("grant_type", ""), 40002, "invalid grant_type"},
		{"bad grant_type", http.MethodGet, with("grant_type", "password"), 40002, "invalid grant_type"},
		{"no appid", http.MethodGet, with("appid", ""), 41002, "appid missing"},
		{"unknown appid", http.MethodGet, with("appid", "wx_nope"), 40013, "invalid appid"},
		{"no secret", http.MethodGet, with("secret", ""), 41004, "appsecret missing"},
		{"wrong secret", http.MethodGet, with("secret", "S"), 40125, "invalid appsecret"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := e.with(t).do(tc.method, "/cgi-bin/token", tc.q, "")
			wantErr(t, r, tc.code, tc.msg)
			if r.AccessToken != "" {
				t.Fatalf("error reply carried a token")
			}
		})
	}
	// Rejected calls are still recorded, under whatever app they named.
	if n := e.sim.CountCalls("wx_a", "/cgi-bin/token"); n != 5 {
		t.Fatalf("wx_a token calls = %d, want 5", n)
	}
	if c := e.sim.Calls("wx_nope"); len(c) != 1 || c[0].ErrCode != 40013 {
		t.Fatalf("wx_nope calls = %+v, want one 40013", c)
	}
	if c := e.sim.Calls(""); len(c) != 1 || c[0].ErrCode != 41002 {
		t.Fatalf("anonymous calls = %+v, want one 41002", c)
	}
}

func TestProtectedEndpointTokenErrors(t *testing.T) {
	e := newSimEnv(t)
	e.sim.AddApp("wx_a", "s")
	tests := []struct {
		name  string
		token func(*simEnv) string
		code  int
		msg   string
	}{
		{"missing", func(*simEnv) string { return "" }, 41001, "access_token missing"},
		{"too short", func(*simEnv) string { return "abc" }, 40014, "invalid access_token"},
		{"bad chars", func(*simEnv) string { return strings.Repeat("a", 100) + "!" }, 40014, "invalid access_token"},
		{"unknown", func(*simEnv) string { return strings.Repeat("a", 128) }, 40001, "invalid credential, access_token is invalid or not latest"},
		{"revoked", func(e *simEnv) string {
			tok := e.token("wx_a", "s").AccessToken
			e.sim.RevokeTokens("wx_a")
			return tok
		}, 40001, "invalid credential, access_token is invalid or not latest"},
		{"expired", func(e *simEnv) string {
			tok := e.token("wx_a", "s").AccessToken
			e.sim.ExpireTokens("wx_a")
			return tok
		}, 42001, "access_token expired"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := e.with(t)
			wantErr(t, e.callbackIP(tc.token(e)), tc.code, tc.msg)
		})
	}
	// A token fetched after the hooks works again.
	e.wantOK(e.token("wx_a", "s").AccessToken)
}
