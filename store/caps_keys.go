package store

import (
	"hash/fnv"
	"strconv"
)

// capShards is how many hashes hold one period's counters or one day's
// receipts.
const capShards = 256

// capShardOf is the cap hash an openid's counters and receipts live in.
func capShardOf(openid string) int {
	h := fnv.New32a()
	_, _ = h.Write([]byte(openid))
	return int(h.Sum32() % capShards)
}

// Frequency-cap keys. Count changes a batch's once-marker, the counters of
// every period and the day's receipts in one Lua script, so they all share
// the hash tag {cap}: in a Cluster they live in one slot, which is what
// lets a batch be counted atomically, exactly once. The counters and
// receipts are spread over capShards hashes per period or day: few enough
// that a batch of 10,000 costs the script a few hundred calls (one HMGET
// and one HSET per hash) rather than one per follower, many enough that a
// hash that expires (some 4,000 fields for a million followers) is freed
// without stalling Redis.

func (k keys) capKey(rest string) string { return k.prefix + "cap:{cap}:" + rest }

// capCounter is the hash of one shard's counters in period: field openid,
// value the number of broadcasts counted, then in a reservation's first
// period "|" and the newest receipt "id@unix".
func (k keys) capCounter(period string, shard int) string {
	return k.capKey("n:" + period + ":" + strconv.Itoa(shard))
}

// capOnce marks that part (a run of at most CapBatchMax openids) of batch
// of broadcast id was counted.
func (k keys) capOnce(id int64, batch, part int) string {
	s := "once:" + strconv.FormatInt(id, 10) + ":" + strconv.Itoa(batch)
	if part > 0 {
		s += ":" + strconv.Itoa(part)
	}
	return k.capKey(s)
}

// capUnsub is the set of followers who unsubscribed after broadcast id.
func (k keys) capUnsub(id int64) string { return k.capKey("u:" + strconv.FormatInt(id, 10)) }
