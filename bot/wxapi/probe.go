package wxapi

import (
	"context"
	"errors"
	"regexp"
)

// Error codes the account check reads (docs/accounts.md).
const (
	// CodeAPIUnauthorized: the account has no permission for the API.
	CodeAPIUnauthorized = 48001
	// CodeIPNotAllowed: the caller's IP is not in the account's IP
	// allowlist (IP白名单); WeChat checks it when a token is fetched.
	CodeIPNotAllowed = 40164
	// CodeInvalidAppID and CodeInvalidAppSecret: wrong credentials.
	CodeInvalidAppID     = 40013
	CodeInvalidAppSecret = 40125
)

// Capability is one thing wxcast does that needs an API not every account
// has, and the API path whose quota reading shows whether it has it.
type Capability struct {
	// Name says what wxcast does with it.
	Name string
	// Path is the API; reading its quota has no side effect.
	Path string
	// Without says what wxcast cannot do when the account lacks it.
	Without string
}

// Capabilities are what Probe checks, in the order it reports them.
func Capabilities() []Capability {
	return []Capability{
		{"openid-list broadcasts", pathMassSend,
			"broadcasts to a segment by openid list will fail; use a verified service account"},
		{"tag and to-all broadcasts", pathMassSendAll,
			"broadcasts by a temporary WeChat tag (large audiences) will fail; needs a verified account"},
		{"previews", pathMassPreview,
			"预览 cannot reach the editor's phone, so no broadcast can be approved; needs a verified account"},
		{"customer-service notices", pathCustomSend,
			"admin notices (results, alerts) by customer-service message will fail; needs a verified account"},
		{"template notices", pathTemplateSend,
			"the template fallback of admin notices will fail; needs a verified service account"},
		{"follower sync", "/cgi-bin/user/get",
			"`wxcast users sync` and the WeChat tag mirror will fail; followers are known only from their callbacks; needs a verified account"},
	}
}

// Unprobed are capabilities no side-effect-free call reveals: they stay
// unknown until first use.
func Unprobed() []string {
	return []string{
		"articles from the draft box (read when a news broadcast is previewed)",
		"click tracking by web authorization (verified service account and a web-authorization domain)",
	}
}

// Probe is what the account check learnt.
type Probe struct {
	// Err is set when no token could be had: nothing else was asked.
	Err error
	// Code is WeChat's errcode for Err, 0 if WeChat gave none (it was not
	// reached, or answered something else).
	Code int
	// IP is the address WeChat names in a 40164 answer, if any.
	IP string
	// Present, Missing and Unknown sort Capabilities.
	Present, Missing, Unknown []Capability
	// Reasons hold, by capability name, why one is unknown.
	Reasons map[string]string
}

// Probe checks, with calls that change nothing, which capabilities the
// account has: a token (which also tests the credentials and the IP
// allowlist), then openapi/quota/get for each capability's API. A reading
// proves the API is there; 48001 proves it is not; anything else leaves
// it unknown. ctx bounds the whole check.
func (c *Client) Probe(ctx context.Context) Probe {
	p := Probe{Reasons: map[string]string{}}
	if _, err := c.tokens.GetAccessTokenContext(ctx); err != nil {
		p.Err, p.Code = err, ErrCode(err)
		if p.Code == CodeIPNotAllowed {
			p.IP = ipIn(err)
		}
		p.Unknown = Capabilities()
		return p
	}
	for _, cp := range Capabilities() {
		_, err := c.APIQuota(ctx, cp.Path)
		switch {
		case err == nil:
			p.Present = append(p.Present, cp)
		case ErrCode(err) == CodeAPIUnauthorized:
			p.Missing = append(p.Missing, cp)
		default:
			p.Unknown = append(p.Unknown, cp)
			p.Reasons[cp.Name] = err.Error()
		}
	}
	return p
}

// ipIn finds the caller's IP in WeChat's 40164 message ("invalid ip
// 203.0.113.7 ipv6 ::ffff:203.0.113.7, not in whitelist rid: …").
func ipIn(err error) string {
	var ae *APIError
	if !errors.As(err, &ae) {
		return ""
	}
	m := regexp.MustCompile(`invalid ip ([0-9A-Fa-f:.]+)`).FindStringSubmatch(ae.Msg)
	if m == nil {
		return ""
	}
	return m[1]
}
