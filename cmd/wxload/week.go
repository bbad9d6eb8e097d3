package main

import (
	"context"
	"math/rand/v2"
	"slices"
	"sync/atomic"
	"time"

	"github.com/wxcast/wxcast/bot"
	"github.com/wxcast/wxcast/internal/wxsim"
	"github.com/wxcast/wxcast/store"
)

// week returns a realistic week of callbacks from one follower, oldest
// first, ending before end: a subscribe through a parametric QR code at
// the start, 8 to 12 texts of 5 to 30 characters, 2 to 4 menu clicks and
// one location report, spread over the 7 days.
func week(rng *rand.Rand, openid, originalID string, end time.Time, msgIDs *atomic.Int64) []wxsim.Message {
	return weeks(rng, openid, originalID, end, msgIDs, 1)
}

// weeks is n weeks of callbacks at week's pace: n times as many texts,
// clicks and location reports, spread over 7n days.
func weeks(rng *rand.Rand, openid, originalID string, end time.Time, msgIDs *atomic.Int64, n int) []wxsim.Message {
	begin := end.Add(-time.Duration(7*n) * 24 * time.Hour).Unix()
	subAt := begin + rng.Int64N(12*3600)
	later := func() int64 { return subAt + 1 + rng.Int64N(end.Unix()-subAt-1) }

	scenes := qrScenes()
	scene := ""
	for scene == "" {
		scene = scenes[rng.IntN(len(scenes))]
	}
	out := []wxsim.Message{wxsim.Subscribe(openid, scene)}
	out[0].CreateTime = subAt
	for range n * (8 + rng.IntN(5)) {
		m := wxsim.Text(openid, chineseText(rng, 5, 30), msgIDs.Add(1))
		m.CreateTime = later()
		out = append(out, m)
	}
	keys := menuKeys()
	for range n * (2 + rng.IntN(3)) {
		m := wxsim.Click(openid, keys[rng.IntN(len(keys))])
		m.CreateTime = later()
		out = append(out, m)
	}
	for range n {
		lat, lng, prec := shanghai(rng)
		loc := wxsim.LocationReport(openid, lat, lng, prec)
		loc.CreateTime = later()
		out = append(out, loc)
	}
	for i := range out {
		out[i].ToUserName = originalID
	}
	slices.SortStableFunc(out, func(a, b wxsim.Message) int { return int(a.CreateTime - b.CreateTime) })
	return out
}

// botMessage is what handlers' decoding makes of m on the wire, field for
// field (see handlers/decode.go), for the fields week uses.
func botMessage(m wxsim.Message) bot.Message {
	return bot.Message{
		ToUser: m.ToUserName, OpenID: m.FromUserName, CreateTime: m.CreateTime,
		MsgType: m.MsgType, MsgID: m.MsgID, Event: m.Event, EventKey: m.EventKey, Ticket: m.Ticket,
		Content: m.Content, LocationX: m.LocationX, LocationY: m.LocationY, Scale: float64(m.Scale),
		Label: m.Label, Latitude: m.Latitude, Longitude: m.Longitude, Precision: m.Precision,
	}
}

// arrival replays callbacks as if each arrived when it was created: the
// store ages the rolling day and hour windows by the event's own time,
// as it would have live.
type arrival struct{ *store.Followers }

// Record records ev with ev.At as the server clock.
func (a arrival) Record(ctx context.Context, ev store.Event, _ time.Time, mark store.Mark) (store.Outcome, error) {
	return a.Followers.Record(ctx, ev, ev.At, mark)
}
