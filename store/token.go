package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// Tokens keeps one account's WeChat access token where every replica can
// read it, and a lease so that only one replica fetches a new one at a time.
type Tokens struct {
	s     *Store
	appID string
}

// Tokens returns the token store of one account.
func (s *Store) Tokens(appID string) *Tokens { return &Tokens{s: s, appID: appID} }

// Token is a cached access token.
type Token struct {
	Value     string
	ExpiresAt time.Time
}

// Get returns the cached token; ok is false when there is none.
func (t *Tokens) Get(ctx context.Context) (tok Token, ok bool, err error) {
	v, err := t.s.rdb.Get(ctx, t.s.keys.token(t.appID)).Result()
	if errors.Is(err, redis.Nil) {
		return Token{}, false, nil
	}
	if err != nil {
		return Token{}, false, fmt.Errorf("store: get token: %w", err)
	}
	exp, val, found := strings.Cut(v, ":")
	n, perr := strconv.ParseInt(exp, 10, 64)
	if !found || perr != nil || val == "" {
		return Token{}, false, nil
	}
	return Token{Value: val, ExpiresAt: time.Unix(n, 0)}, true, nil
}

// Set caches tok until its expiry.
func (t *Tokens) Set(ctx context.Context, tok Token, now time.Time) error {
	ttl := tok.ExpiresAt.Sub(now)
	if ttl <= 0 {
		return fmt.Errorf("store: set token: already expired")
	}
	v := strconv.FormatInt(tok.ExpiresAt.Unix(), 10) + ":" + tok.Value
	if err := t.s.rdb.Set(ctx, t.s.keys.token(t.appID), v, ttl).Err(); err != nil {
		return fmt.Errorf("store: set token: %w", err)
	}
	return nil
}

// AcquireLease tries to become the one replica allowed to fetch a token.
func (t *Tokens) AcquireLease(ctx context.Context, owner string, ttl time.Duration) (bool, error) {
	ok, err := t.s.rdb.SetNX(ctx, t.s.keys.tokenLease(t.appID), owner, ttl).Result()
	if err != nil {
		return false, fmt.Errorf("store: acquire token lease: %w", err)
	}
	return ok, nil
}

// ReleaseLease gives the lease back if owner still holds it.
func (t *Tokens) ReleaseLease(ctx context.Context, owner string) error {
	if err := t.s.lease.Run(ctx, t.s.rdb, []string{t.s.keys.tokenLease(t.appID)}, owner).Err(); err != nil && !errors.Is(err, redis.Nil) {
		return fmt.Errorf("store: release token lease: %w", err)
	}
	return nil
}

// releaseScript deletes a lease only when its value is still the caller's,
// so a replica whose lease expired cannot free another replica's lease.
const releaseScript = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`
