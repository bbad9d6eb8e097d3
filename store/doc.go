// Package store keeps wxcast's state in Redis through go-redis v9: follower
// profiles and their recent history, callback deduplication, and the shared
// WeChat access token.
//
// Every key starts with the configured prefix. Keys that belong to one
// follower share the hash tag {openid}, so the Lua scripts that touch several
// of them at once stay within one slot on Redis Cluster.
package store
