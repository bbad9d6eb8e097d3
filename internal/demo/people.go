package demo

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/wxcast/wxcast/store"
)

// person is a simulated follower, or an admin, as the demo plays them.
type person struct {
	openid string
	label  string
	admin  bool

	// What the crowd makes them do: the QR scene of their first follow
	// ("" for a search), where they are, and their membership data (nil
	// for most followers).
	scene    string
	lat, lng float64
	place    string
	attrs    map[string]any

	// mu makes one person do one thing at a time, as a phone would, and
	// guards the fields below.
	mu       sync.Mutex
	followed bool
	joined   bool // followed at least once
	// head is the newest history entry after their last push, so the next
	// push tells its own tag changes from earlier ones.
	head *store.HistoryEntry
}

type place struct {
	name     string
	lat, lng float64
	weight   int
}

// places a follower may report, with their share of followers: most in
// Shanghai, so the example rules' shanghai tag fills up.
func places() []place {
	return []place{
		{"上海市静安区", 31.2286, 121.4480, 50},
		{"上海市浦东新区", 31.2215, 121.5440, 20},
		{"北京市朝阳区", 39.9219, 116.4436, 15},
		{"广州市天河区", 23.1246, 113.3612, 10},
		{"杭州市西湖区", 30.2590, 120.1300, 5},
	}
}

type scene struct {
	scene  string
	weight int
}

// scenes of the account's parametric QR codes: store codes (the example
// rules tag them from_store_qr), a launch poster and a Moments ad.
func scenes() []scene {
	return []scene{
		{"", 45}, // found the account by search: no scene
		{"store_sh_0012", 15},
		{"store_sh_0031", 10},
		{"store_bj_0007", 8},
		{"launch_poster", 12},
		{"ad_moments", 10},
	}
}

// newCrowd makes n followers from seed: the same seed gives the same
// people, openids included.
func newCrowd(n int, seed uint64) []*person {
	rng := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	scenes, places := scenes(), places()
	out := make([]*person, n)
	for i := range out {
		p := &person{openid: openid(rng), label: fmt.Sprintf("粉丝%04d", i+1)}
		p.scene = scenes[pick(rng, len(scenes), func(i int) int { return scenes[i].weight })].scene
		if rng.IntN(100) < 60 {
			pl := places[pick(rng, len(places), func(i int) int { return places[i].weight })]
			// Jitter within a few hundred metres.
			p.lat = pl.lat + (rng.Float64()-0.5)*0.01
			p.lng = pl.lng + (rng.Float64()-0.5)*0.01
			p.place = pl.name
		}
		if rng.IntN(100) < 30 {
			p.attrs = memberAttrs(rng)
		}
		out[i] = p
	}
	return out
}

// memberAttrs is what the membership system knows of a member, typed as
// the example rules declare it.
func memberAttrs(rng *rand.Rand) map[string]any {
	cities := []string{"上海", "上海", "上海", "北京", "广州", "杭州"}
	level := rng.IntN(6)
	spend := float64(rng.IntN(200*(level+1))*10) + 0.5
	last := time.Now().Add(-time.Duration(rng.IntN(90*24)) * time.Hour).UTC().Truncate(time.Second)
	return map[string]any{
		"vip_level":     level,
		"total_spend":   spend,
		"city":          cities[rng.IntN(len(cities))],
		"last_order_at": last.Format(time.RFC3339),
	}
}

// openid makes a 28-character OpenID of the shape WeChat issues ("o"
// then 27 characters of the URL-safe base64 alphabet).
func openid(rng *rand.Rand) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	b := make([]byte, 28)
	b[0] = 'o'
	for i := 1; i < len(b); i++ {
		b[i] = alphabet[rng.IntN(len(alphabet))]
	}
	return string(b)
}

// pick draws an index in [0, n) with the given weights.
func pick(rng *rand.Rand, n int, weight func(int) int) int {
	total := 0
	for i := range n {
		total += weight(i)
	}
	r := rng.IntN(total)
	for i := range n {
		if r -= weight(i); r < 0 {
			return i
		}
	}
	return n - 1
}
