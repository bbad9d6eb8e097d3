package wxapi

import (
	"context"
	"errors"
	"time"

	"github.com/silenceper/wechat/v2/cache"
	"github.com/silenceper/wechat/v2/officialaccount"
	"github.com/silenceper/wechat/v2/officialaccount/config"
	"github.com/silenceper/wechat/v2/officialaccount/user"
	"github.com/silenceper/wechat/v2/util"
)

// Client calls the WeChat API for one account.
type Client struct {
	oa *officialaccount.OfficialAccount
	// user is the SDK's user API, made once here: its lazy getter is not
	// safe for concurrent first use.
	user   *user.User
	tokens *Tokens
	walls  QuotaWalls       // optional; see WithQuotaWalls
	now    func() time.Time // the walls' and the counts' clock
	// counts keeps today's quota readings; optional, see WithQuotaCounts.
	counts    QuotaCounts
	countLife time.Duration
	// appID and secret sign in the web authorization exchange (oauth.go),
	// which takes no access token.
	appID, secret string
}

// Config identifies the account.
type Config struct {
	AppID, AppSecret, Token, EncodingAESKey string
}

// New builds the SDK client once, with tokens as its token handle. c is
// the SDK's cache for anything else it caches (tickets); it lives in Redis.
func New(cfg Config, tokens *Tokens, c cache.Cache) *Client {
	oa := officialaccount.NewOfficialAccount(&config.Config{
		AppID: cfg.AppID, AppSecret: cfg.AppSecret, Token: cfg.Token,
		EncodingAESKey: cfg.EncodingAESKey, Cache: c, UseStableAK: true,
	})
	oa.SetAccessTokenHandle(tokens)
	return &Client{oa: oa, user: oa.GetUser(), tokens: tokens, appID: cfg.AppID, secret: cfg.AppSecret}
}

// SDK exposes the official-account client for calls not wrapped here.
func (c *Client) SDK() *officialaccount.OfficialAccount { return c.oa }

// tokenStale lists the errcodes that mean "fetch a new token and retry":
// 40001 invalid or not the latest, 40014 invalid, 42001 expired.
func tokenStale(err error) bool {
	var ce *util.CommonError
	if !errors.As(err, &ce) {
		return false
	}
	return ce.ErrCode == 40001 || ce.ErrCode == 40014 || ce.ErrCode == 42001
}

// Call runs one SDK call; when WeChat answers that the token is stale, it
// replaces the token once and runs the call once more.
func (c *Client) Call(ctx context.Context, call func() error) error {
	used, err := c.tokens.GetAccessTokenContext(ctx)
	if err != nil {
		return err
	}
	err = call()
	if !tokenStale(err) {
		return err
	}
	if _, ierr := c.tokens.Invalidate(ctx, used); ierr != nil {
		return errors.Join(err, ierr)
	}
	return call()
}

// CallbackIPs lists WeChat's callback source addresses (for allowlists);
// it is also the cheapest call that proves the credentials work.
func (c *Client) CallbackIPs(ctx context.Context) ([]string, error) {
	var ips []string
	err := c.Call(ctx, func() error {
		var err error
		ips, err = c.oa.GetBasic().GetCallbackIP()
		return err
	})
	return ips, err
}
