package wxsim

// app is the per-AppID state of the simulated platform. New endpoint groups
// add their state here (mass-send jobs, templates, ...).
type app struct {
	id     string
	secret string

	// token and prevToken are the two live generations of /cgi-bin/token:
	// WeChat keeps the previous one valid for a short overlap after a fetch.
	token     *accessToken
	prevToken *accessToken

	// stable is the current /cgi-bin/stable_token token; it lives
	// independently of token, as on the real platform.
	stable      *accessToken
	stableForce forceQuota

	// msg is the state of the message endpoints: followers, media, mass
	// jobs, customer-service windows, templates (see state.go).
	msg appMessages

	// users is the state of the user-management and tag endpoints: the
	// roster of followers and the tags (see user_state.go).
	users roster

	// account is the account's kind and IP allowlist (see account.go).
	account accountState

	// oauth is the web authorization domain and codes (see oauth.go).
	oauth oauthState

	// stats are the article statistics' settings (see datacube.go).
	stats statsState
}

// AddApp registers an app. Calling it again for a known appID only changes
// the secret, so tests can simulate a secret reset without losing tokens.
func (s *Server) AddApp(appID, secret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a, ok := s.apps[appID]; ok {
		a.secret = secret
		return
	}
	s.apps[appID] = &app{id: appID, secret: secret}
}

// ExpireTokens makes every token of appID (both kinds) expired now, so the
// next use answers 42001 access_token expired.
func (s *Server) ExpireTokens(appID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.nowFor(appID)
	for _, t := range s.tokens {
		if t.appID == appID && t.expires.After(now) {
			t.expires = now
		}
	}
}

// RevokeTokens invalidates every token of appID now, as if another server
// had fetched a fresh one; the next use answers 40001.
func (s *Server) RevokeTokens(appID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.nowFor(appID)
	for _, t := range s.tokens {
		if t.appID == appID {
			t.invalidateAt(now)
		}
	}
}

// ValidToken reports whether token belongs to appID and would be accepted
// by a token-protected endpoint right now.
func (s *Server) ValidToken(appID, token string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.tokens[token]
	return ok && t.appID == appID && t.check(s.nowFor(appID)) == nil
}

// credentials validates the grant_type/appid/secret triple shared by both
// token endpoints, in the order WeChat appears to check them.
func (s *Server) credentials(grantType, appID, secret string) (*app, *apiError) {
	if grantType != "client_credential" {
		return nil, errInvalidGrantType()
	}
	if appID == "" {
		return nil, errAppIDMissing()
	}
	a, ok := s.apps[appID]
	if !ok {
		return nil, errInvalidAppID()
	}
	if secret == "" {
		return nil, errAppSecretMissing()
	}
	if secret != a.secret {
		return nil, errInvalidAppSecret()
	}
	return a, nil
}
