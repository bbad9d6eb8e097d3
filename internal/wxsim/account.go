package wxsim

import (
	"encoding/json"
	"fmt"
	"net"
	"strings"
)

// AccountKind is the type and verification state of a simulated account,
// which decides the APIs it may call (docs/accounts.md has the table and
// its sources). An API the kind lacks answers 48001 api unauthorized.
type AccountKind int

// The account kinds. The zero value is the verified service account, the
// only kind with every API wxcast uses, so apps registered without a kind
// behave as before kinds existed.
const (
	// KindVerifiedService is a service account (服务号) that passed WeChat
	// verification (微信认证).
	KindVerifiedService AccountKind = iota
	// KindService is an unverified service account.
	KindService
	// KindVerifiedSubscription is a verified subscription account (订阅号).
	KindVerifiedSubscription
	// KindSubscription is an unverified subscription account, which
	// includes every account of a private person.
	KindSubscription
	// KindTest is a sandbox test account (接口测试号).
	KindTest
)

// CodeAPIUnauthorized is WeChat's answer to a call the account has no
// permission for: "api unauthorized".
const CodeAPIUnauthorized = 48001

// CodeIPNotAllowed is the token endpoints' answer to a caller whose IP is
// not in the account's IP allowlist (IP白名单).
const CodeIPNotAllowed = 40164

// String is the kind's name as `wxcast sim --account` takes it.
func (k AccountKind) String() string {
	names := kindNames()
	if k < 0 || int(k) >= len(names) {
		return fmt.Sprintf("AccountKind(%d)", int(k))
	}
	return names[k]
}

// ParseAccountKind reads a kind's name (see String).
func ParseAccountKind(s string) (AccountKind, error) {
	names := kindNames()
	for i, n := range names {
		if s == n {
			return AccountKind(i), nil
		}
	}
	return 0, fmt.Errorf("account kind %q: want one of %s", s, strings.Join(names, ", "))
}

// kindNames are the kinds' names, in the order of their values.
func kindNames() []string {
	return []string{"verified-service", "service", "verified-subscription", "subscription", "test"}
}

// subscription reports whether k is a subscription account: at most one
// successful mass send a day (WeChat's mass-send documentation).
func (k AccountKind) subscription() bool {
	return k == KindVerifiedSubscription || k == KindSubscription
}

// accountState is the per-app part of the account model.
type accountState struct {
	kind AccountKind
	// refuseIP makes the token endpoints answer 40164.
	refuseIP bool
	// massDay is the Beijing day of the last successful mass/sendall, for
	// a subscription account's one mass send a day.
	massDay int
}

// SetAccountKind makes appID an account of kind k from its next call on.
func (s *Server) SetAccountKind(appID string, k AccountKind) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a, ok := s.apps[appID]; ok {
		a.account.kind = k
	}
}

// RefuseIP makes the token endpoints of appID answer 40164, as WeChat
// does when the caller's IP is not in the account's IP allowlist, or
// accept callers again (refuse false).
func (s *Server) RefuseIP(appID string, refuse bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a, ok := s.apps[appID]; ok {
		a.account.refuseIP = refuse
	}
}

// errIPNotAllowed is WeChat's 40164; its message names the caller's
// address the way WeChat's does ("invalid ip A ipv6 ::ffff:A, not in
// whitelist rid: …"), which is how an operator learns the IP to add.
func errIPNotAllowed(ip string) *apiError {
	if ip == "" {
		ip = "0.0.0.0"
	}
	return &apiError{CodeIPNotAllowed, "invalid ip " + ip + " ipv6 ::ffff:" + ip + ", not in whitelist rid: wxsim"}
}

// CodeNoMsgTypePermission is "no permission for this msgtype": a test
// account sending or previewing news (COMM, see testRefusesNews).
const CodeNoMsgTypePermission = 48008

func errNoMsgTypePermission() *apiError {
	return &apiError{CodeNoMsgTypePermission, "no permission for this msgtype rid: wxsim"}
}

// testRefusesNews reports whether a test account's call to path is a
// news (mpnews) mass send or preview, which developers report refused on
// test accounts: 48008 for sends (WxJava issue 665), "no permission" for
// previews. The previews' code is UNCONFIRMED; it is the sends' here.
func testRefusesNews(path string, body []byte) bool {
	if path != "/cgi-bin/message/mass/sendall" && path != "/cgi-bin/message/mass/preview" {
		return false
	}
	var m struct {
		MsgType string `json:"msgtype"`
	}
	return json.Unmarshal(body, &m) == nil && m.MsgType == "mpnews"
}

func errAPIUnauthorized() *apiError {
	return &apiError{CodeAPIUnauthorized, "api unauthorized rid: wxsim"}
}

// withPermissions wraps every handler so a call with a valid token of an
// account that lacks the path answers 48001 without running it. A call
// with a bad token runs the handler, which answers the token error: WeChat
// checks the credential first.
func withPermissions(routes map[string]route) map[string]route {
	for path, rt := range routes {
		handle := rt.handle
		rt.handle = func(s *Server, c *apiCall) any {
			if a := s.tokenApp(c); a != nil {
				if a.account.kind.lacks(path) {
					return errAPIUnauthorized()
				}
				if a.account.kind == KindTest && testRefusesNews(path, c.body) {
					return errNoMsgTypePermission()
				}
			}
			return handle(s, c)
		}
		routes[path] = rt
	}
	return routes
}

// tokenApp is the app whose valid token c carries, nil if none. Callers
// hold s.mu.
func (s *Server) tokenApp(c *apiCall) *app {
	t, ok := s.tokens[c.query.Get("access_token")]
	if !ok || t.check(c.now) != nil {
		return nil
	}
	return s.apps[t.appID]
}

// hostOf is the IP of a request's remote address ("host:port").
func hostOf(remote string) string {
	if h, _, err := net.SplitHostPort(remote); err == nil {
		return h
	}
	return remote
}

// previewQuota answers openapi/quota/get for mass/preview with its daily
// cap (previewsPerDay) and today's previews. Callers hold s.mu.
func (s *Server) previewQuota(a *app, c *apiCall) any {
	m := &a.msg
	used := 0
	if m.previewDay == beijingDay(c.now) {
		used = m.previewCount
	}
	r := &quotaGetReply{ErrMsg: "ok"}
	r.Quota.DailyLimit, r.Quota.Used, r.Quota.Remain = previewsPerDay, used, max(previewsPerDay-used, 0)
	return r
}
