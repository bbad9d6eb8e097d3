package wxsim

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/wxcast/wxcast/internal/openid"
)

// Web authorization (网页授权): WeChat's page at open.weixin.qq.com that a
// follower's in-app browser passes through, and the sns API that turns
// its code into the follower's openid. The page lives on the simulator's
// own HTTP server, so a test or the demo points wechat.oauth_base_url at
// the simulator as it points wechat.api_base_url.
//
// Which follower is clicking: a real browser inside WeChat carries the
// user's WeChat session; the simulator reads the openid from the request
// header X-Wxsim-OpenID or else the cookie wxsim_openid (the page sets the
// cookie from ?wxsim_openid= once, for a plain browser). The header
// X-Wxsim-Refuse: 1 plays a user who refuses (WeChat then redirects with
// the state and no code).

const (
	// OAuthOpenIDHeader names the follower who clicks (see above).
	OAuthOpenIDHeader = "X-Wxsim-OpenID"
	// OAuthOpenIDCookie is the cookie alternative to OAuthOpenIDHeader.
	OAuthOpenIDCookie = "wxsim_openid"
	// OAuthRefuseHeader, set to "1", makes the user refuse authorization.
	OAuthRefuseHeader = "X-Wxsim-Refuse"
	// oauthCodeLife is how long an authorization code can be exchanged
	// (WeChat: 5 minutes, once).
	oauthCodeLife = 5 * time.Minute
	// oauthTokenLife is the web access token's expires_in.
	oauthTokenLife = 7200
)

// Authorization errors: the sns API's errcodes, and the numbers WeChat's
// error page shows for a bad authorize request.
const (
	// CodeInvalidOAuthCode means the code is unknown, expired, or was
	// issued to another app (40029 invalid code).
	CodeInvalidOAuthCode = 40029
	// CodeOAuthCodeUsed means the code was already exchanged (40163 code
	// been used).
	CodeOAuthCodeUsed = 40163
	// CodeOAuthCodeMissing means the code parameter is empty.
	CodeOAuthCodeMissing = 41008
	// PageBadRedirectURI is the error page's number for a redirect_uri
	// outside the account's web authorization domain.
	PageBadRedirectURI = 10003
	// PageBadScope is the error page's number for a scope other than
	// snsapi_base and snsapi_userinfo.
	PageBadScope = 10005
)

// oauthState is one app's web authorization: its domain and the codes
// issued. Guarded by Server.mu.
type oauthState struct {
	domain string
	codes  map[string]*oauthCode
	// pruneAt is the number of codes at which prune next looks.
	pruneAt int
}

type oauthCode struct {
	openid, scope string
	issued        time.Time
	used          bool
}

// SetOAuthDomain sets appID's web authorization domain (网页授权域名, a
// host name without scheme or port): the authorize page refuses a
// redirect_uri on any other host, as WeChat does. Unset, every
// redirect_uri is refused.
func (s *Server) SetOAuthDomain(appID, domain string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a, ok := s.apps[appID]; ok {
		a.oauth.domain = domain
	}
}

// handleAuthorize serves GET /connect/oauth2/authorize: it checks the
// request as WeChat does and sends the browser on to redirect_uri with a
// single-use code and the same state.
func (s *Server) handleAuthorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if v := q.Get(OAuthOpenIDCookie); v != "" && openid.Valid(v) {
		http.SetCookie(w, &http.Cookie{Name: OAuthOpenIDCookie, Value: v, Path: "/"})
		r.AddCookie(&http.Cookie{Name: OAuthOpenIDCookie, Value: v})
	}
	who := r.Header.Get(OAuthOpenIDHeader)
	if c, err := r.Cookie(OAuthOpenIDCookie); who == "" && err == nil {
		who = c.Value
	}
	target, code, page := s.oauthAuthorize(q, who, r.Header.Get(OAuthRefuseHeader) == "1")
	if page != "" {
		oauthPage(w, page)
		return
	}
	redirect := target.Query()
	if code != "" {
		redirect.Set("code", code)
	}
	redirect.Set("state", q.Get("state"))
	target.RawQuery = redirect.Encode()
	http.Redirect(w, r, target.String(), http.StatusFound)
}

// oauthAuthorize checks an authorize request and issues a code; page is the
// error page's text when the request is refused. code is "" when the
// user refused.
func (s *Server) oauthAuthorize(q url.Values, who string, refuse bool) (target *url.URL, code, page string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.apps[q.Get("appid")]
	if !ok {
		return nil, "", "appid 参数错误 (" + fmt.Sprint(CodeInvalidAppID) + ")"
	}
	target, err := url.Parse(q.Get("redirect_uri"))
	if err != nil || target.Hostname() == "" || a.oauth.domain == "" || !strings.EqualFold(target.Hostname(), a.oauth.domain) ||
		target.Scheme != "http" && target.Scheme != "https" {
		return nil, "", fmt.Sprintf("redirect_uri 参数错误 (%d)", PageBadRedirectURI)
	}
	scope := q.Get("scope")
	if q.Get("response_type") != "code" || scope != "snsapi_base" && scope != "snsapi_userinfo" {
		return nil, "", fmt.Sprintf("scope 参数错误或没有 scope 权限 (%d)", PageBadScope)
	}
	if !openid.Valid(who) {
		return nil, "", "wxsim: no follower: send the header " + OAuthOpenIDHeader + " or the cookie " + OAuthOpenIDCookie
	}
	if refuse {
		return target, "", ""
	}
	now := s.nowFor(a.id)
	a.oauth.prune(now)
	code = randomHex(16)
	a.oauth.codes[code] = &oauthCode{openid: who, scope: scope, issued: now}
	return target, code, ""
}

// prune forgets codes that can no longer be exchanged, so a long load
// test does not grow the simulator without bound.
func (o *oauthState) prune(now time.Time) {
	if o.codes == nil {
		o.codes = make(map[string]*oauthCode)
		return
	}
	if len(o.codes) < max(o.pruneAt, 1024) {
		return
	}
	for k, c := range o.codes {
		if now.Sub(c.issued) > oauthCodeLife {
			delete(o.codes, k)
		}
	}
	// Look again once the live codes have doubled: amortized O(1).
	o.pruneAt = 2 * len(o.codes)
}

func oauthPage(w http.ResponseWriter, text string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	// WeChat shows its error page with HTTP 200.
	_, _ = fmt.Fprintf(w, "<!doctype html><title>微信网页授权</title><p>%s</p>\n", html.EscapeString(text))
}

// oauthTokenReply is sns/oauth2/access_token's answer.
type oauthTokenReply struct {
	AccessToken  string `json:"access_token"`
	ExpiresIn    int    `json:"expires_in"`
	RefreshToken string `json:"refresh_token"`
	OpenID       string `json:"openid"`
	Scope        string `json:"scope"`
}

// handleOAuthToken serves GET /sns/oauth2/access_token: a code from the
// authorize page, once and within 5 minutes, for the app it was issued to.
func (s *Server) handleOAuthToken(c *apiCall) any {
	q := c.query
	if q.Get("appid") == "" {
		return errAppIDMissing()
	}
	a, ok := s.apps[q.Get("appid")]
	if !ok {
		return errInvalidAppID()
	}
	switch {
	case q.Get("secret") == "":
		return errAppSecretMissing()
	case q.Get("secret") != a.secret:
		return errInvalidAppSecret()
	case q.Get("grant_type") != "authorization_code":
		return errInvalidGrantType()
	case q.Get("code") == "":
		return &apiError{CodeOAuthCodeMissing, "missing code"}
	}
	code, ok := a.oauth.codes[q.Get("code")]
	switch {
	case !ok || c.now.Sub(code.issued) > oauthCodeLife:
		return &apiError{CodeInvalidOAuthCode, "invalid code"}
	case code.used:
		return &apiError{CodeOAuthCodeUsed, "code been used"}
	}
	code.used = true
	return &oauthTokenReply{AccessToken: randomHex(32), ExpiresIn: oauthTokenLife, RefreshToken: randomHex(32),
		OpenID: code.openid, Scope: code.scope}
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
