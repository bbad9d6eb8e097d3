package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"github.com/wxcast/wxcast/internal/wxsim"
)

// `wxcast sim --account` makes the app that kind of account, refuses a
// kind it does not know by listing the ones it does, and
// --ip-allowlist-refuses turns token requests into 40164.
func TestSimAccountFlags(t *testing.T) {
	t.Parallel()
	apply := func(args ...string) (*wxsim.Server, error) {
		fs := pflag.NewFlagSet("sim", pflag.ContinueOnError)
		fs.SetOutput(io.Discard)
		account := accountFlags(fs)
		if err := fs.Parse(args); err != nil {
			t.Fatal(err)
		}
		sim := wxsim.NewServer()
		t.Cleanup(sim.Close)
		sim.AddApp(demoAppID, demoSecret)
		_, err := account(sim, demoAppID)
		return sim, err
	}
	token := func(sim *wxsim.Server) (code int, tok string) {
		ts := httptest.NewServer(sim)
		defer ts.Close()
		var r struct {
			ErrCode     int    `json:"errcode"`
			AccessToken string `json:"access_token"`
		}
		q := url.Values{"grant_type": {"client_credential"}, "appid": {demoAppID}, "secret": {demoSecret}}
		callJSON(t, http.MethodGet, ts.URL+"/cgi-bin/token?"+q.Encode(), "", &r)
		return r.ErrCode, r.AccessToken
	}
	if _, err := apply("--account", "enterprise"); err == nil || !strings.Contains(err.Error(), "verified-subscription") {
		t.Errorf("--account enterprise: %v, want an error listing the kinds", err)
	}
	if code, _, errs := runCLI("sim", "--account", "enterprise"); code != 2 ||
		!strings.HasPrefix(errs, `wxcast sim: --account: account kind "enterprise": want one of verified-service, `) {
		t.Errorf("wxcast sim --account enterprise: exit %d, stderr %q, want a usage error listing the kinds", code, errs)
	}
	sim, err := apply("--ip-allowlist-refuses")
	if err != nil {
		t.Fatal(err)
	}
	if code, _ := token(sim); code != wxsim.CodeIPNotAllowed {
		t.Errorf("token with --ip-allowlist-refuses: errcode %d, want 40164", code)
	}
	sim, err = apply("--account", "verified-subscription")
	if err != nil {
		t.Fatal(err)
	}
	code, tok := token(sim)
	if code != 0 {
		t.Fatalf("token: errcode %d", code)
	}
	ts := httptest.NewServer(sim)
	defer ts.Close()
	var r struct {
		ErrCode int `json:"errcode"`
	}
	callJSON(t, http.MethodPost, ts.URL+"/cgi-bin/message/mass/send?access_token="+url.QueryEscape(tok), "{}", &r)
	if r.ErrCode != wxsim.CodeAPIUnauthorized {
		t.Errorf("mass/send of a verified subscription account: errcode %d, want 48001", r.ErrCode)
	}
}

// The banner of `wxcast sim` says which kind of account it plays, so a
// run with --account shows it took.
func TestSimAccountFlagsSayWhatTheSimulatorPlays(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "verified-service (--account)"},
		{[]string{"--account", "subscription", "--ip-allowlist-refuses"},
			"subscription (--account), every token request refused with 40164 (--ip-allowlist-refuses)"},
	} {
		fs := pflag.NewFlagSet("sim", pflag.ContinueOnError)
		account := accountFlags(fs)
		if err := fs.Parse(tc.args); err != nil {
			t.Fatal(err)
		}
		sim := wxsim.NewServer()
		t.Cleanup(sim.Close)
		sim.AddApp(demoAppID, demoSecret)
		if got, err := account(sim, demoAppID); err != nil || got != tc.want {
			t.Errorf("sim %v: %q, %v; want %q", tc.args, got, err, tc.want)
		}
	}
}
