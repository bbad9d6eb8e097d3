package broadcast

import (
	"hash/fnv"
	"strconv"
)

// ArmOf puts openid into broadcast id's holdout (-1) or one of n
// variants, deterministically: the same follower lands in the same arm of
// the same broadcast on every replica, in every step and after a crash,
// and in unrelated arms of different broadcasts. holdout is in per cent.
func ArmOf(openid string, id int64, holdout, n int) int {
	h := fnv.New64a()
	_, _ = h.Write([]byte(openid))
	_, _ = h.Write([]byte{':'})
	_, _ = h.Write([]byte(strconv.FormatInt(id, 10)))
	v := mix(h.Sum64())
	if int(v%10000) < holdout*100 {
		return -1
	}
	return int((v / 10000) % uint64(n))
}

// mix spreads the bits of an FNV hash, whose low bits depend little on the
// last bytes written.
func mix(x uint64) uint64 {
	x ^= x >> 33
	x *= 0xff51afd7ed558ccd
	x ^= x >> 33
	x *= 0xc4ceb9fe1a85ec53
	x ^= x >> 33
	return x
}
