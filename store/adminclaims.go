package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// AdminClaims keeps the one-time codes that let a person show their
// openid to `wxcast admins add`: the command offers a code, the server
// that receives it in a follower's message claims it for that follower,
// and the command takes the claimant's openid back. A code is one string
// key, `p` while it waits and `c<openid>` once claimed; every key carries
// the hash tag {adm}.
type AdminClaims struct {
	s     *Store
	claim *redis.Script
}

// AdminClaims returns the store of one-time admin codes.
func (s *Store) AdminClaims() *AdminClaims {
	return &AdminClaims{s: s, claim: redis.NewScript(claimScript)}
}

func (k keys) adminClaim(code string) string { return k.prefix + "adm:{adm}:claim:" + code }

// ClaimResult is what one claim of a code came to.
type ClaimResult int

// The outcomes of AdminClaims.Claim.
const (
	// ClaimNone: no code waits under that name (never offered, expired,
	// withdrawn, or claimed by someone else).
	ClaimNone ClaimResult = iota
	// ClaimTaken: this call claimed the code.
	ClaimTaken
	// ClaimRepeated: the same openid had claimed it already (a retried
	// delivery, or the code sent twice); nothing changed.
	ClaimRepeated
)

// ClaimKeep is how long a claimed code is kept at least, for the waiting
// command to read it even if the claim came in its last moment.
const ClaimKeep = time.Minute

// claimScript claims a waiting code for ARGV[1], in one step, so that of
// two replicas (or two deliveries) claiming at once exactly one takes it.
// A claimed code lives on for ARGV[2] ms at least.
//
// KEYS: 1 the code. ARGV: 1 openid, 2 keep (ms).
const claimScript = `
local v = redis.call('GET', KEYS[1])
if not v then return 0 end
if v == 'p' then
  redis.call('SET', KEYS[1], 'c' .. ARGV[1], 'KEEPTTL')
  if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[2]) then
    redis.call('PEXPIRE', KEYS[1], ARGV[2])
  end
  return 1
end
if v == 'c' .. ARGV[1] then return 2 end
return 0
`

// Offer stores code as waiting for ttl. ok is false when the code exists
// already (the caller draws another).
func (c *AdminClaims) Offer(ctx context.Context, code string, ttl time.Duration) (ok bool, err error) {
	if ttl <= 0 {
		return false, errors.New("store: offer an admin code: the lifetime must be positive")
	}
	ok, err = c.s.rdb.SetNX(ctx, c.s.keys.adminClaim(code), "p", ttl).Result()
	if err != nil {
		return false, fmt.Errorf("store: offer an admin code: %w", err)
	}
	return ok, nil
}

// Claim claims a waiting code for openid.
func (c *AdminClaims) Claim(ctx context.Context, code, openid string) (ClaimResult, error) {
	n, err := c.claim.Run(ctx, c.s.rdb, []string{c.s.keys.adminClaim(code)}, openid, ClaimKeep.Milliseconds()).Int()
	if err != nil {
		return ClaimNone, fmt.Errorf("store: claim an admin code: %w", err)
	}
	return ClaimResult(n), nil
}

// Claimant reads a code: the openid that claimed it ("" while it waits),
// and whether the code exists at all.
func (c *AdminClaims) Claimant(ctx context.Context, code string) (openid string, exists bool, err error) {
	v, err := c.s.rdb.Get(ctx, c.s.keys.adminClaim(code)).Result()
	if errors.Is(err, redis.Nil) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("store: read an admin code: %w", err)
	}
	openid, claimed := strings.CutPrefix(v, "c")
	if !claimed {
		openid = ""
	}
	return openid, true, nil
}

// Withdraw deletes a code whatever its state and returns the openid that
// had claimed it ("" if none did). Deleting and reading are one step: a
// claim either lands before, and is returned, or finds the code gone.
func (c *AdminClaims) Withdraw(ctx context.Context, code string) (openid string, err error) {
	v, err := c.s.rdb.GetDel(ctx, c.s.keys.adminClaim(code)).Result()
	if errors.Is(err, redis.Nil) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("store: withdraw an admin code: %w", err)
	}
	openid, claimed := strings.CutPrefix(v, "c")
	if !claimed {
		return "", nil
	}
	return openid, nil
}
