package store

import (
	"hash/fnv"
	"strconv"
)

// Shards is the number of hashes follower profiles are spread over. A
// segment is counted by reading every shard with HGETALL: a few thousand
// big replies cost Redis far less than a million small ones. Changing it
// moves every follower to another shard, so it is fixed.
const Shards = 16384

// keys names every Redis key. Everything that belongs to one follower
// carries the hash tag of the follower's shard, {<shard>}, so the profile
// shard, the history and the dedup marks live in one Cluster slot and the
// per-callback Lua script may touch them together.
type keys struct{ prefix string }

// shardOf is the follower's shard: FNV-1a of the openid, mod Shards.
func shardOf(openid string) int {
	h := fnv.New32a()
	_, _ = h.Write([]byte(openid))
	return int(h.Sum32() % Shards)
}

func tag(shard int) string { return "{" + strconv.Itoa(shard) + "}" }

// shard is the hash holding the profiles of one shard: field openid, value
// the encoded profile (see blob.go).
func (k keys) shard(n int) string { return k.prefix + "p:" + tag(n) }

// profile is the shard hash of openid's profile.
func (k keys) profile(openid string) string { return k.shard(shardOf(openid)) }

func (k keys) history(openid string) string {
	return k.prefix + "h:" + tag(shardOf(openid)) + ":" + openid
}

// dedup marks one delivery of a callback; id is already unique per follower.
func (k keys) dedup(openid, id string) string {
	return k.prefix + "d:" + tag(shardOf(openid)) + ":" + openid + ":" + id
}

// token and tokenLease share the tag {wxtoken:appid} for one slot per account.
func (k keys) token(appID string) string      { return k.prefix + "wx:{wxtoken:" + appID + "}:token" }
func (k keys) tokenLease(appID string) string { return k.prefix + "wx:{wxtoken:" + appID + "}:lease" }

// quotaWall marks an API path whose daily quota WeChat reported spent.
func (k keys) quotaWall(appID, path string) string {
	return k.prefix + "wx:{wxquota:" + appID + "}:" + path
}

// quotaCount is the cached reading of an API path's daily quota;
// quotaValue another cached number of the account (the delivery speed).
func (k keys) quotaCount(appID, path string) string {
	return k.prefix + "wx:{wxquota:" + appID + "}:left:" + path
}
func (k keys) quotaValue(appID, name string) string {
	return k.prefix + "wx:{wxquota:" + appID + "}:value:" + name
}
