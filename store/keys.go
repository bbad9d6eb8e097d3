package store

// keys names every Redis key. Follower keys carry the hash tag {openid} so
// one follower's profile, history and dedup marks live in one Cluster slot.
type keys struct{ prefix string }

func (k keys) profile(openid string) string { return k.prefix + "f:{" + openid + "}" }
func (k keys) history(openid string) string { return k.prefix + "h:{" + openid + "}" }

// dedup marks one delivery of a callback; id is already unique per follower.
func (k keys) dedup(openid, id string) string { return k.prefix + "d:{" + openid + "}:" + id }

// profilePattern matches every profile key, for scans.
func (k keys) profilePattern() string { return k.prefix + "f:{*" }

// token and tokenLease share the tag {wxtoken:appid} for one slot per account.
func (k keys) token(appID string) string      { return k.prefix + "wx:{wxtoken:" + appID + "}:token" }
func (k keys) tokenLease(appID string) string { return k.prefix + "wx:{wxtoken:" + appID + "}:lease" }
