// Package store is wxcast's one adapter to Redis, through go-redis v9: it
// keeps follower profiles and their recent history, callback
// deduplication, the shared WeChat access token, broadcasts, caps and
// the sync state. Nothing else in wxcast talks to Redis.
//
// It connects to the deployment a [Conn] describes (single server,
// Sentinel or Cluster) and never starts one: the caller maps its
// configuration to a Conn, and the embedded in-memory server used when
// redis.url is empty belongs to the caller too (internal/embedredis,
// wired by internal/redisconn). So store imports no other wxcast package,
// in particular not configs, bot, rules or handlers; they depend on it,
// or declare the small interfaces it satisfies.
//
// Every key starts with the configured prefix. Keys that belong to one
// follower share the hash tag {openid}, so the Lua scripts that touch several
// of them at once stay within one slot on Redis Cluster.
package store
