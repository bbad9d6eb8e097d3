package wxsim

import (
	"crypto/rand"
	"encoding/base64"
	"time"
)

const (
	// tokenTTL is the expires_in WeChat grants every access token.
	tokenTTL = 7200 * time.Second
	// tokenOverlap is how long a superseded token keeps working; the
	// platform doc says old and new overlap for "about 5 minutes".
	tokenOverlap = 5 * time.Minute
	// tokenRawBytes gives 128 base64url characters: within WeChat's
	// "reserve 512 chars" and long enough that 40014 can be told apart.
	tokenRawBytes = 96
	minTokenLen   = 64
	maxTokenLen   = 512
)

// accessToken is one issued token. It is never deleted, so a stale token
// can be answered with 40001 rather than looking unknown.
type accessToken struct {
	value   string
	appID   string
	expires time.Time
	// invalidAt is when a newer token superseded this one; zero if never.
	invalidAt time.Time
}

// check is the validity rule shared by every token-protected endpoint.
// Superseded wins over expired because that is the case the 40001 message
// ("not latest") describes, and it is what callers must react to.
func (t *accessToken) check(now time.Time) *apiError {
	if !t.invalidAt.IsZero() && !now.Before(t.invalidAt) {
		return errInvalidCredential()
	}
	if !now.Before(t.expires) {
		return errAccessTokenExpired()
	}
	return nil
}

// invalidateAt schedules invalidation, never postponing an earlier one.
func (t *accessToken) invalidateAt(at time.Time) {
	if t.invalidAt.IsZero() || at.Before(t.invalidAt) {
		t.invalidAt = at
	}
}

// issueToken mints a token for a and indexes it. Callers hold s.mu.
func (s *Server) issueToken(a *app, now time.Time) *accessToken {
	t := &accessToken{value: newTokenValue(), appID: a.id, expires: now.Add(tokenTTL)}
	s.tokens[t.value] = t
	return t
}

func newTokenValue() string {
	b := make([]byte, tokenRawBytes)
	_, _ = rand.Read(b) // crypto/rand.Read never fails since Go 1.24
	return base64.RawURLEncoding.EncodeToString(b)
}

// wellFormedToken separates "not a token at all" (40014) from "a token we
// don't know or no longer accept" (40001).
func wellFormedToken(v string) bool { return urlSafe(v, minTokenLen, maxTokenLen) }

// authorize is the access_token check every protected endpoint starts with.
// It also attributes the call to the token's app. Callers hold s.mu.
func (s *Server) authorize(c *apiCall) (*app, *apiError) {
	v := c.query.Get("access_token")
	if v == "" {
		return nil, errAccessTokenMissing()
	}
	if !wellFormedToken(v) {
		return nil, errInvalidAccessToken()
	}
	t, ok := s.tokens[v]
	if !ok {
		return nil, errInvalidCredential()
	}
	c.appID = t.appID
	if e := t.check(c.now); e != nil {
		return nil, e
	}
	a, ok := s.apps[t.appID]
	if !ok {
		return nil, errInvalidCredential()
	}
	return a, nil
}

type tokenResponse struct {
	AccessToken string `json:"access_token"`
	ExpiresIn   int64  `json:"expires_in"`
}

func tokenReply(t *accessToken, now time.Time) tokenResponse {
	return tokenResponse{AccessToken: t.value, ExpiresIn: int64(t.expires.Sub(now) / time.Second)}
}

// handleToken serves GET /cgi-bin/token. Every successful fetch mints a new
// token and supersedes the previous one after tokenOverlap; the generation
// before that dies at once, so two quick refetches leave two live tokens.
func (s *Server) handleToken(c *apiCall) any {
	a, e := s.credentials(c.query.Get("grant_type"), c.query.Get("appid"), c.query.Get("secret"))
	if e != nil {
		return e
	}
	if a.account.refuseIP {
		return errIPNotAllowed(c.remoteIP)
	}
	if a.prevToken != nil {
		a.prevToken.invalidateAt(c.now)
	}
	if a.token != nil {
		a.token.invalidateAt(c.now.Add(tokenOverlap))
	}
	a.prevToken = a.token
	a.token = s.issueToken(a, c.now)
	return tokenReply(a.token, c.now)
}
