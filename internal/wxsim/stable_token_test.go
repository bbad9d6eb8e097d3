package wxsim

import (
	"net/http"
	"testing"
	"time"
)

func TestStableTokenReusedThenRotatedInLastFiveMinutes(t *testing.T) {
	e := newSimEnv(t)
	e.sim.AddApp("wx_a", "s")
	first := e.stable("wx_a", "s", false)
	if !tokenShapeOK(first.AccessToken) || first.ExpiresIn != 7200 {
		t.Fatalf("first stable token = %+v", first)
	}

	e.clock.Advance(6900 * time.Second) // exactly 300 s left
	again := e.stable("wx_a", "s", false)
	if again.AccessToken != first.AccessToken || again.ExpiresIn != 300 {
		t.Fatalf("at 300 s left got %+v, want same token with expires_in 300", again)
	}

	e.clock.Advance(time.Second) // 299 s left: rotate
	rotated := e.stable("wx_a", "s", false)
	if rotated.AccessToken == first.AccessToken || rotated.ExpiresIn != 7200 {
		t.Fatalf("at 299 s left got %+v, want a fresh token", rotated)
	}
	// Rotation does not cut the old token short, it just runs out.
	e.wantOK(first.AccessToken)
	e.clock.Advance(299 * time.Second)
	wantErr(t, e.callbackIP(first.AccessToken), 42001, "access_token expired")
	e.wantOK(rotated.AccessToken)
}

func TestStableTokenIsolatedFromDefaultToken(t *testing.T) {
	e := newSimEnv(t)
	e.sim.AddApp("wx_a", "s")
	stable := e.stable("wx_a", "s", false).AccessToken
	def := e.token("wx_a", "s").AccessToken
	e.token("wx_a", "s")
	e.token("wx_a", "s") // def's successor is superseded, so def is dead
	wantErr(t, e.callbackIP(def), 40001, "invalid credential, access_token is invalid or not latest")
	e.wantOK(stable)

	def = e.token("wx_a", "s").AccessToken
	e.clock.Advance(time.Minute)
	forced := e.stable("wx_a", "s", true).AccessToken
	wantErr(t, e.callbackIP(stable), 40001, "invalid credential, access_token is invalid or not latest")
	e.wantOK(forced)
	e.wantOK(def)
}

func TestStableTokenForceRefreshLimits(t *testing.T) {
	e := newSimEnv(t)
	e.sim.AddApp("wx_a", "s")
	prev := e.stable("wx_a", "s", false).AccessToken
	for i := 1; i <= forceRefreshPerDay; i++ {
		r := e.stable("wx_a", "s", true)
		if r.ErrCode != 0 || r.AccessToken == prev {
			t.Fatalf("force %d: %+v, want a new token", i, r)
		}
		// Force refresh kills the old token immediately, no overlap.
		wantErr(t, e.callbackIP(prev), 40001, "invalid credential, access_token is invalid or not latest")
		if normal := e.stable("wx_a", "s", false).AccessToken; normal != r.AccessToken {
			t.Fatalf("force %d: normal mode returned another token than the forced one", i)
		}
		prev = r.AccessToken

		e.clock.Advance(forceRefreshGap - time.Second)
		if i < forceRefreshPerDay {
			// Too soon; a rejected attempt must not use up the daily quota.
			wantErr(t, e.stable("wx_a", "s", true), 45011,
				"api minute-quota reach limit, mustslower retry next minute")
			e.wantOK(prev)
		}
		e.clock.Advance(time.Second)
	}
	wantErr(t, e.stable("wx_a", "s", true), 45009, "reach max api daily quota limit")
	e.wantOK(prev)

	e.clock.Advance(24 * time.Hour) // next Beijing day
	if r := e.stable("wx_a", "s", true); r.ErrCode != 0 || r.AccessToken == prev {
		t.Fatalf("next day force refresh = %+v", r)
	}
}

func TestStableTokenAfterExpireOrRevokeIssuesNew(t *testing.T) {
	e := newSimEnv(t)
	e.sim.AddApp("wx_a", "s")
	for _, hook := range []func(string){e.sim.ExpireTokens, e.sim.RevokeTokens} {
		old := e.stable("wx_a", "s", false).AccessToken
		hook("wx_a")
		fresh := e.stable("wx_a", "s", false)
		if fresh.AccessToken == old || fresh.ExpiresIn != 7200 {
			t.Fatalf("after hook: %+v, want a new token", fresh)
		}
		e.wantOK(fresh.AccessToken)
	}
}

func TestStableTokenErrors(t *testing.T) {
	e := newSimEnv(t)
	e.sim.AddApp("wx_a", "s")
	tests := []struct {
		name   string
		method string
		body   string
		code   int
		msg    string
	}{
		{"bad json", http.MethodPost, `{"grant_type":`, 47001, "data format error"},
		{"wrong method", http.MethodGet, "", 43002, "require POST method"},
		{"no grant_type", http.MethodPost, `{"appid":"wx_a","secret":"s"}`, 40002, "invalid grant_type"},
		{"unknown appid", http.MethodPost, `{"grant_type":"client_credential","appid":"wx_x","secret":"s"}`, 40013, "invalid appid"},
		{"wrong secret", http.MethodPost, `{"grant_type":"client_credential","appid":"wx_a","secret":"x"}`, 40125, "invalid appsecret"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wantErr(t, e.with(t).do(tc.method, "/cgi-bin/stable_token", nil, tc.body), tc.code, tc.msg)
		})
	}
	// The appid in the JSON body attributes the call.
	calls := e.sim.Calls("wx_a")
	if len(calls) != 2 || calls[0].ErrCode != 40002 || calls[1].ErrCode != 40125 {
		t.Fatalf("wx_a calls = %+v, want the 40002 and 40125 calls", calls)
	}
}

func tokenShapeOK(s string) bool { return len(s) >= 64 && wellFormedToken(s) }
