package wxapi

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/wxcast/wxcast/internal/wxsim"
)

// authorizeCode passes who through the simulator's authorization page for
// appID and returns the code it redirects with.
func authorizeCode(t *testing.T, appID, who string) string {
	t.Helper()
	q := url.Values{"appid": {appID}, "redirect_uri": {"https://wx.example.com/l/auth"}, "response_type": {"code"},
		"scope": {"snsapi_base"}, "state": {"S1"}}
	req, _ := http.NewRequest(http.MethodGet, simURL+"/connect/oauth2/authorize?"+q.Encode(), nil)
	req.Header.Set(wxsim.OAuthOpenIDHeader, who)
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusFound || err != nil || loc.Query().Get("state") != "S1" {
		t.Fatalf("authorize: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	return loc.Query().Get("code")
}

func TestOAuthOpenID(t *testing.T) {
	t.Parallel()
	appID, secret := newApp(t)
	sim.SetOAuthDomain(appID, "wx.example.com")
	st := replicaStores(t, 1)[0]
	c, _ := newClient(t, st, appID, secret)
	ctx := context.Background()
	const who = "oFollower_0000000000000000001"
	code := authorizeCode(t, appID, who)
	got, err := c.OAuthOpenID(ctx, code)
	if err != nil || got != who {
		t.Fatalf("OAuthOpenID = %q, %v; want %q", got, err, who)
	}
	if _, err := c.OAuthOpenID(ctx, code); ErrCode(err) != wxsim.CodeOAuthCodeUsed {
		t.Fatalf("second exchange: %v, want 40163", err)
	}
	if _, err := c.OAuthOpenID(ctx, "nosuchcode"); ErrCode(err) != wxsim.CodeInvalidOAuthCode {
		t.Fatalf("unknown code: %v, want 40029", err)
	}
	wrong, _ := newClient(t, st, appID, "wrong-secret")
	if _, err := wrong.OAuthOpenID(ctx, authorizeCode(t, appID, who)); ErrCode(err) != wxsim.CodeInvalidAppSecret {
		t.Fatalf("wrong secret: %v, want 40125", err)
	}
	other, otherSecret := newApp(t)
	otherApp, _ := newClient(t, st, other, otherSecret)
	if _, err := otherApp.OAuthOpenID(ctx, authorizeCode(t, appID, who)); ErrCode(err) != wxsim.CodeInvalidOAuthCode {
		t.Fatalf("code of another app: %v, want 40029", err)
	}
}
