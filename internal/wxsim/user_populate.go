package wxsim

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"time"
)

const (
	// openIDLen is the length of real openids ("o" + 27 characters).
	openIDLen = 28
	// openIDAlphabet is base64url, the characters real openids use.
	openIDAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	// populateSpan is how far back PopulateFollowers spreads follow times.
	populateSpan = 3 * 365 * 24 * time.Hour
)

// PopulateFollowers adds n following followers to appID's roster for
// benchmarks and load tests, after those already there, with subscribe
// times rising over the last three years (or since the last follower).
// Openids are 28 characters of [A-Za-z0-9_-] with a per-app prefix, like
// real ones, and are fixed by seed and the roster's size, so the same
// calls give the same followers.
// Scenes and languages vary; about a third of the followers get one to
// three of the app's own tags, if it has any (create them first with
// CreateTag). Bulk followers have no unionid, remark or qr_scene_str; use
// AddFollowers for those.
//
// A million followers take about 150 MB: one shared string for the
// openids, 48 bytes per follower and the openid index, with no allocation
// per follower.
func (s *Server) PopulateFollowers(appID string, n int, seed int64) {
	if n <= 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r := &s.mustApp(appID).users
	base := len(r.fans)
	r.reserve(n)
	rng := rand.New(rand.NewPCG(uint64(seed), uint64(base)))
	ids := newOpenIDs(appID, seed, base, n, rng)
	own := r.tags.ownSlots()
	end := s.now()
	start := end.Add(-populateSpan)
	if last := r.lastSince(); last.After(start) {
		start = last // times keep rising after the roster's last follower
	}
	step := end.Sub(start) / time.Duration(n)
	for i := range n {
		f := fan{
			openid: ids[i*openIDLen : (i+1)*openIDLen],
			since:  unixSeconds(start.Add(step * time.Duration(i))),
		}
		f.scene, f.qrScene = randomScene(rng)
		f.lang = randomLanguage(rng)
		if len(own) > 0 && rng.IntN(3) == 0 {
			for range 1 + rng.IntN(3) {
				f.tags.add(own[rng.IntN(len(own))])
			}
		}
		if r.lookup(f.openid) != nil {
			panic(fmt.Sprintf("wxsim: PopulateFollowers made openid %s twice; use another seed", f.openid))
		}
		r.add(f)
	}
}

// lastSince is the latest subscribe time on the roster, or zero.
func (r *roster) lastSince() time.Time {
	var last uint32
	for _, f := range r.fans {
		last = max(last, f.since)
	}
	if last == 0 {
		return time.Time{}
	}
	return time.Unix(int64(last), 0)
}

// reserve makes room for n more fans at once, so a bulk add does not
// rehash the index or copy the slices over and over.
func (r *roster) reserve(n int) {
	r.fans = append(make([]fan, 0, len(r.fans)+n), r.fans...)
	r.order = append(make([]int32, 0, len(r.order)+n), r.order...)
	if n > len(r.index) {
		index := make(map[string]int32, len(r.index)+n)
		for k, v := range r.index {
			index[k] = v
		}
		r.index = index
	}
}

// newOpenIDs returns n openids laid end to end in one string. Each is "o",
// five characters derived from appID, eleven that encode a bijective mix
// of the follower's index (so one seed never repeats an openid) and eleven
// random ones.
func newOpenIDs(appID string, seed int64, base, n int, rng *rand.Rand) string {
	h := fnv.New64a()
	h.Write([]byte(appID))
	prefix := appendBase64(append(make([]byte, 0, 6), 'o'), h.Sum64(), 5)
	buf := make([]byte, 0, n*openIDLen)
	for i := range n {
		buf = append(buf, prefix...)
		buf = appendBase64(buf, mix64(uint64(base+i)^uint64(seed)), 11)
		buf = appendBase64(buf, rng.Uint64(), 11)
	}
	return string(buf)
}

// appendBase64 appends the low 6·k bits of x as k openid characters.
func appendBase64(b []byte, x uint64, k int) []byte {
	for range k {
		b = append(b, openIDAlphabet[x&63])
		x >>= 6
	}
	return b
}

// mix64 is the splitmix64 finalizer: a bijection on uint64 that scatters
// consecutive indexes.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// randomScene picks a subscribe scene with rough real-world weights; QR
// follows get a qr_scene.
func randomScene(rng *rand.Rand) (uint8, int32) {
	weights := [...]int{ // in sceneNames order, summing to 100
		5,  // others
		30, // search
		1,  // account migration
		8,  // profile card
		25, // QR code
		10, // profile link
		5,  // profile item
		3,  // paid
		5,  // advertisement
		3,  // reprint
		2,  // livestream
		3,  // channels
	}
	names := sceneNames()
	x := rng.IntN(100)
	for i, w := range weights {
		if x < w {
			if names[i] == SceneQRCode {
				return uint8(i), int32(1 + rng.IntN(100000))
			}
			return uint8(i), 0
		}
		x -= w
	}
	return 0, 0
}

// randomLanguage is mostly zh_CN, with some en, zh_TW and zh_HK.
func randomLanguage(rng *rand.Rand) uint8 {
	switch x := rng.IntN(100); {
	case x < 85:
		return 0 // zh_CN
	case x < 93:
		return 3 // en
	case x < 97:
		return 1 // zh_TW
	default:
		return 2 // zh_HK
	}
}
