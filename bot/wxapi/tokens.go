package wxapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/silenceper/wechat/v2/credential"
	"go.uber.org/zap"

	"github.com/wxcast/wxcast/store"
)

// TokenStore is where replicas share one access token, and the lease that
// lets one of them at a time fetch a new one.
type TokenStore interface {
	Get(ctx context.Context) (store.Token, bool, error)
	Set(ctx context.Context, tok store.Token, now time.Time) error
	AcquireLease(ctx context.Context, owner string, ttl time.Duration) (bool, error)
	ReleaseLease(ctx context.Context, owner string) error
}

// Fetcher asks WeChat for a token; force asks for a new one even if the
// current one is still valid.
type Fetcher func(ctx context.Context, force bool) (token string, expiresIn int64, err error)

// Tokens hands out the shared access token. WeChat invalidates a token
// when another is fetched, so replicas that fetch on their own overwrite
// each other (errcode 40001): here only the holder of a Redis lease
// fetches, and everyone else reads what it stored.
type Tokens struct {
	store TokenStore
	fetch Fetcher
	owner string
	now   func() time.Time
	log   *zap.Logger
	// lease bounds a fetch; it is also how long others wait for one.
	lease time.Duration
	// ticker paces Keep: a time.Ticker delivering every d until stop.
	ticker func(d time.Duration) (c <-chan time.Time, stop func())
}

var _ credential.AccessTokenContextHandle = (*Tokens)(nil)

// NewTokens returns the token handle of one replica.
func NewTokens(s TokenStore, fetch Fetcher, now func() time.Time, log *zap.Logger) *Tokens {
	var b [8]byte
	_, _ = rand.Read(b[:])
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = zap.NewNop()
	}
	return &Tokens{store: s, fetch: fetch, owner: hex.EncodeToString(b[:]), now: now, log: log, lease: 15 * time.Second,
		ticker: realTicker}
}

func realTicker(d time.Duration) (<-chan time.Time, func()) {
	t := time.NewTicker(d)
	return t.C, t.Stop
}

// pathStableToken is WeChat's stable-token endpoint.
const pathStableToken = "/cgi-bin/stable_token"

// StableFetcher fetches stable tokens. Stable tokens are the right kind
// for several replicas: asking again returns the same token while it is
// valid, instead of invalidating it. WeChat's refusal comes back as an
// *APIError, so its errcode (40164: this IP is not in the allowlist,
// 40013/40125: wrong AppID or AppSecret) reaches whoever reads the error;
// the SDK's own call flattens it into text.
func StableFetcher(appID, secret string) Fetcher {
	return func(ctx context.Context, force bool) (string, int64, error) {
		raw, err := postJSON(ctx, "https://"+apiHost+pathStableToken, map[string]any{
			"grant_type": "client_credential", "appid": appID, "secret": secret, "force_refresh": force,
		})
		if err != nil {
			return "", 0, fmt.Errorf("wxapi: %s: %w", pathStableToken, err)
		}
		var a struct {
			AccessToken string `json:"access_token"`
			ExpiresIn   int64  `json:"expires_in"`
		}
		if err := decodeAnswer(pathStableToken, raw, &a); err != nil {
			return "", 0, err
		}
		return a.AccessToken, a.ExpiresIn, nil
	}
}

// GetAccessToken implements the SDK's token handle.
func (t *Tokens) GetAccessToken() (string, error) {
	return t.GetAccessTokenContext(context.Background())
}

// GetAccessTokenContext returns the shared token, fetching one (under the
// lease) when there is none or it is about to expire.
func (t *Tokens) GetAccessTokenContext(ctx context.Context) (string, error) {
	tok, ok, err := t.store.Get(ctx)
	if err != nil {
		return "", fmt.Errorf("wxapi: token: %w", err)
	}
	if ok && tok.ExpiresAt.Sub(t.now()) > 30*time.Second {
		return tok.Value, nil
	}
	return t.refresh(ctx, "", 30*time.Second)
}

// Invalidate is called when WeChat refused bad as stale. Unless another
// replica has already replaced it, a new token is fetched: first normally,
// then with force_refresh if WeChat still returns the refused one.
func (t *Tokens) Invalidate(ctx context.Context, bad string) (string, error) {
	return t.refresh(ctx, bad, 30*time.Second)
}

// Keep refreshes the token ahead of its expiry until ctx ends, so that no
// API caller ever waits for a fetch.
func (t *Tokens) Keep(ctx context.Context, every, ahead time.Duration) {
	tick, stop := t.ticker(every)
	defer stop()
	for {
		tok, ok, err := t.store.Get(ctx)
		if err == nil && (!ok || tok.ExpiresAt.Sub(t.now()) < ahead) {
			_, err = t.refresh(ctx, "", ahead)
		}
		switch {
		case err == nil:
			t.log.Debug("WeChat access token is fresh", zap.Duration("ahead", ahead))
		case ctx.Err() == nil:
			t.log.Warn("keep WeChat access token fresh", zap.Error(err))
		}
		select {
		case <-ctx.Done():
			return
		case <-tick:
		}
	}
}

// refresh fetches a new token under the lease unless, once the lease is
// held, the stored token is already good: not bad and valid beyond ahead.
func (t *Tokens) refresh(ctx context.Context, bad string, ahead time.Duration) (string, error) {
	deadline := time.Now().Add(t.lease)
	for {
		got, err := t.store.AcquireLease(ctx, t.owner, t.lease)
		if err != nil {
			return "", fmt.Errorf("wxapi: token: %w", err)
		}
		if got {
			defer func() { _ = t.store.ReleaseLease(context.WithoutCancel(ctx), t.owner) }()
			return t.fetchLocked(ctx, bad, ahead)
		}
		// Someone else is fetching: use theirs as soon as it lands.
		if tok, ok, err := t.store.Get(ctx); err == nil && ok && tok.Value != bad && tok.ExpiresAt.Sub(t.now()) > ahead {
			return tok.Value, nil
		}
		if time.Now().After(deadline) {
			return "", errors.New("wxapi: token: timed out waiting for another replica to fetch it")
		}
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func (t *Tokens) fetchLocked(ctx context.Context, bad string, ahead time.Duration) (string, error) {
	if tok, ok, err := t.store.Get(ctx); err == nil && ok && tok.Value != bad && tok.ExpiresAt.Sub(t.now()) > ahead {
		return tok.Value, nil
	}
	val, expires, err := t.fetch(ctx, false)
	if err == nil && bad != "" && val == bad {
		val, expires, err = t.fetch(ctx, true)
	}
	if err != nil {
		return "", fmt.Errorf("wxapi: fetch token: %w", err)
	}
	// Keep a margin so no caller holds a token WeChat has just retired.
	ttl := time.Duration(expires)*time.Second - 60*time.Second
	if ttl < 30*time.Second {
		ttl = time.Duration(expires) * time.Second / 2
	}
	now := t.now()
	if err := t.store.Set(ctx, store.Token{Value: val, ExpiresAt: now.Add(ttl)}, now); err != nil {
		return "", fmt.Errorf("wxapi: token: %w", err)
	}
	t.log.Info("fetched a new WeChat access token", zap.Int64("expires_in", expires), zap.Bool("replaced_stale", bad != ""))
	return val, nil
}
