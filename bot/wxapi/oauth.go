package wxapi

import (
	"context"
	"fmt"
	"net/url"
)

// oauthTokenPath is web authorization's code exchange.
const oauthTokenPath = "/sns/oauth2/access_token"

// oauthToken is the part of the exchange's answer wxcast uses; the web
// access token itself is never used (snsapi_base grants nothing more).
type oauthToken struct {
	OpenID string `json:"openid"`
}

// OAuthOpenID exchanges a web authorization code (snsapi_base) for the
// openid of the follower who was sent to the account's page with it. A
// code is single use and lives 5 minutes: WeChat answers 40029 for an
// invalid or expired one and 40163 for one already used (an *APIError).
//
// The SDK has this call (officialaccount/oauth GetUserAccessTokenContext)
// and it would reach api_base_url through RouteSDK, but its errors drop
// the errcode into a string and quote the full URL, secret and code
// included, on an HTTP failure; errors end up in logs. This one goes
// through the same routed HTTP client and names the path only.
func (c *Client) OAuthOpenID(ctx context.Context, code string) (string, error) {
	q := url.Values{"appid": {c.appID}, "secret": {c.secret}, "code": {code}, "grant_type": {"authorization_code"}}
	raw, err := doRequest(ctx, "GET", "https://"+apiHost+oauthTokenPath+"?"+q.Encode(), nil)
	if err != nil {
		return "", fmt.Errorf("wxapi: %s: %w", oauthTokenPath, err)
	}
	var t oauthToken
	if err := decodeAnswer(oauthTokenPath, raw, &t); err != nil {
		return "", err
	}
	if t.OpenID == "" {
		return "", fmt.Errorf("wxapi: %s: answer has no openid", oauthTokenPath)
	}
	return t.OpenID, nil
}
