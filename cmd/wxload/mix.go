package main

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/wxcast/wxcast/internal/wxsim"
)

// Kinds of callback the generator sends, as counted in reports.
const (
	kindText      = "text"
	kindClick     = "click"
	kindLocation  = "location_report"
	kindSubscribe = "subscribe"
)

// share is one kind's weight in the request mix.
type share struct {
	kind   string
	weight int
}

// defaultMix is what an Official Account mostly sees: followers writing,
// some menu clicks, periodic location reports and a trickle of follows.
func defaultMix() []share {
	return []share{
		{kindText, 80},
		{kindClick, 10},
		{kindLocation, 6},
		{kindSubscribe, 4},
	}
}

// hanzi are common characters that texts are drawn from.
const hanzi = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处理府研"

// menuKeys are the click keys of a typical custom menu.
func menuKeys() []string {
	return []string{"MENU_NEWS", "MENU_ACTIVITY", "MENU_SIGNIN", "MENU_COUPON", "MENU_CONTACT", "MENU_HELP"}
}

// qrScenes are the parametric QR scenes followers subscribe through; ""
// is a plain follow (search, profile card).
func qrScenes() []string {
	return []string{"", "", "poster_2024_spring", "store_sh_0012", "store_bj_0031", "event_expo", "invite_10086"}
}

// openID names follower i. It has the length and alphabet of a real
// openid (28 characters, starting with "o").
func openID(i int) string {
	s := strconv.Itoa(i)
	return "owxload" + strings.Repeat("0", 21-len(s)) + s
}

// chineseText returns between lo and hi characters of plausible text.
// Every character of hanzi is 3 bytes of UTF-8, so one is picked by
// slicing, without decoding the string.
func chineseText(rng *rand.Rand, lo, hi int) string {
	n := lo + rng.IntN(hi-lo+1)
	b := make([]byte, 0, 3*n)
	for range n {
		i := 3 * rng.IntN(len(hanzi)/3)
		b = append(b, hanzi[i:i+3]...)
	}
	return string(b)
}

// shanghai returns a position in or around Shanghai and a precision in
// metres, as location reports carry.
func shanghai(rng *rand.Rand) (lat, lng, precision float64) {
	return 31.10 + rng.Float64()*0.25, 121.30 + rng.Float64()*0.30, 30 + rng.Float64()*90
}

// mix draws callbacks. Each worker owns one; MsgIds come from a counter
// shared by all so that no two text messages of a run share an id.
type mix struct {
	rng       *rand.Rand
	followers int
	msgIDs    *atomic.Int64
	shares    []share
	total     int
	keys      []string
	scenes    []string
}

func newMix(rng *rand.Rand, followers int, msgIDs *atomic.Int64, shares []share) *mix {
	m := &mix{rng: rng, followers: followers, msgIDs: msgIDs, shares: shares, keys: menuKeys(), scenes: qrScenes()}
	for _, s := range shares {
		m.total += s.weight
	}
	return m
}

// next returns the next callback and its kind. CreateTime is left 0: the
// client stamps it with its clock when the request is built.
func (m *mix) next() (wxsim.Message, string) {
	from := openID(m.rng.IntN(m.followers))
	kind := m.pick()
	switch kind {
	case kindClick:
		return wxsim.Click(from, m.keys[m.rng.IntN(len(m.keys))]), kind
	case kindLocation:
		lat, lng, prec := shanghai(m.rng)
		return wxsim.LocationReport(from, lat, lng, prec), kind
	case kindSubscribe:
		return wxsim.Subscribe(from, m.scenes[m.rng.IntN(len(m.scenes))]), kind
	}
	return wxsim.Text(from, chineseText(m.rng, 5, 30), m.msgIDs.Add(1)), kindText
}

// pick draws a kind with the mix's weights.
func (m *mix) pick() string {
	n := m.rng.IntN(m.total)
	for _, s := range m.shares {
		if n < s.weight {
			return s.kind
		}
		n -= s.weight
	}
	return m.shares[len(m.shares)-1].kind
}
