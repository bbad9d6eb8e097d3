package wxsim

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

const oauthWho = "oOAuthFollower_00000000000001"

// authorize opens the authorization page; it returns the redirect's
// query, or the error page's text.
func (e *simEnv) authorize(q url.Values, h http.Header) (url.Values, string) {
	e.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, e.url+"/connect/oauth2/authorize?"+q.Encode(), nil)
	req.Header = h
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusFound {
		loc, err := url.Parse(resp.Header.Get("Location"))
		if err != nil || loc.Host != "wx.example.com" || loc.Path != "/l/auth" {
			e.t.Fatalf("redirected to %q", resp.Header.Get("Location"))
		}
		return loc.Query(), ""
	}
	b, _ := io.ReadAll(resp.Body)
	return nil, string(b)
}

func authorizeQuery(appID string) url.Values {
	return url.Values{"appid": {appID}, "redirect_uri": {"https://wx.example.com/l/auth?keep=1"},
		"response_type": {"code"}, "scope": {"snsapi_base"}, "state": {"abc123"}}
}

func TestOAuthAuthorizePage(t *testing.T) {
	e := newSimEnv(t)
	e.sim.AddApp("wxoauth", "s3cret")
	e.sim.SetOAuthDomain("wxoauth", "wx.example.com")
	who := http.Header{OAuthOpenIDHeader: {oauthWho}}

	q, page := e.authorize(authorizeQuery("wxoauth"), who)
	if page != "" || q.Get("code") == "" || q.Get("state") != "abc123" || q.Get("keep") != "1" {
		t.Fatalf("authorize: %v %q", q, page)
	}
	refused := http.Header{OAuthOpenIDHeader: {oauthWho}, OAuthRefuseHeader: {"1"}}
	if q, _ := e.authorize(authorizeQuery("wxoauth"), refused); q.Has("code") || q.Get("state") != "abc123" {
		t.Fatalf("refused: %v, want the state and no code", q)
	}
	// A plain browser names the follower once in the query; the page keeps
	// it in a cookie.
	q = authorizeQuery("wxoauth")
	q.Set(OAuthOpenIDCookie, oauthWho)
	if got, page := e.authorize(q, http.Header{}); page != "" || got.Get("code") == "" {
		t.Fatalf("openid in the query: %v %q", got, page)
	}
	cookie := http.Header{"Cookie": {OAuthOpenIDCookie + "=" + oauthWho}}
	if got, page := e.authorize(authorizeQuery("wxoauth"), cookie); page != "" || got.Get("code") == "" {
		t.Fatalf("openid in the cookie: %v %q", got, page)
	}
	bad := []struct {
		name, key, value, want string
		h                      http.Header
	}{
		{"other domain", "redirect_uri", "https://evil.example/l/auth", "redirect_uri 参数错误 (10003)", who},
		{"sub-domain", "redirect_uri", "https://a.wx.example.com/l/auth", "(10003)", who},
		{"not a URL", "redirect_uri", "wx.example.com", "(10003)", who},
		{"scope", "scope", "snsapi_login", "(10005)", who},
		{"unknown app", "appid", "wxnobody", "appid", who},
		{"no follower", "state", "x", "no follower", http.Header{}},
	}
	for _, c := range bad {
		q := authorizeQuery("wxoauth")
		q.Set(c.key, c.value)
		if got, page := e.authorize(q, c.h); got != nil || !strings.Contains(page, c.want) {
			t.Errorf("%s: %v %q, want a page saying %q", c.name, got, page, c.want)
		}
	}
}

func TestOAuthAccessToken(t *testing.T) {
	e := newSimEnv(t)
	e.sim.AddApp("wxoauth", "s3cret")
	e.sim.SetOAuthDomain("wxoauth", "wx.example.com")
	code := func() string {
		q, _ := e.authorize(authorizeQuery("wxoauth"), http.Header{OAuthOpenIDHeader: {oauthWho}})
		return q.Get("code")
	}
	exchange := func(appID, secret, c string) (int, string) {
		req, _ := http.NewRequest(http.MethodGet, e.url+"/sns/oauth2/access_token?"+url.Values{
			"appid": {appID}, "secret": {secret}, "code": {c}, "grant_type": {"authorization_code"}}.Encode(), nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		var r struct {
			ErrCode int    `json:"errcode"`
			OpenID  string `json:"openid"`
		}
		if err := json.Unmarshal(b, &r); err != nil {
			t.Fatal(err)
		}
		return r.ErrCode, r.OpenID
	}
	c1 := code()
	if got, who := exchange("wxoauth", "s3cret", c1); got != 0 || who != oauthWho {
		t.Fatalf("exchange: %d %q", got, who)
	}
	if got, _ := exchange("wxoauth", "s3cret", c1); got != CodeOAuthCodeUsed {
		t.Fatalf("again: %d, want 40163", got)
	}
	if got, _ := exchange("wxoauth", "wrong", code()); got != CodeInvalidAppSecret {
		t.Fatalf("wrong secret: %d, want 40125", got)
	}
	if got, _ := exchange("wxnobody", "s3cret", code()); got != CodeInvalidAppID {
		t.Fatalf("unknown appid: %d, want 40013", got)
	}
	old := code()
	e.clock.Advance(5*time.Minute + time.Second)
	if got, _ := exchange("wxoauth", "s3cret", old); got != CodeInvalidOAuthCode {
		t.Fatalf("after 5 minutes: %d, want 40029", got)
	}
	e.sim.FailNext("/sns/oauth2/access_token", CodeSystemBusy, 1)
	c2 := code()
	if got, _ := exchange("wxoauth", "s3cret", c2); got != CodeSystemBusy {
		t.Fatalf("injected fault: %d, want -1", got)
	}
	if got, _ := exchange("wxoauth", "s3cret", c2); got != 0 {
		t.Fatalf("after the fault: %d, want the code still good", got)
	}
}
