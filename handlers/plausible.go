package handlers

import (
	"math"
	"net/http"
	"time"

	"go.uber.org/zap"

	"github.com/wxcast/wxcast/bot"
)

// Reasons a signed callback is answered success but not recorded.
const (
	ignoreFuture      = "future_create_time"
	ignoreCoordinates = "bad_coordinates"
)

// maxPrecision bounds a LOCATION event's precision in meters: no position
// is less precise than the earth's circumference.
const maxPrecision = 4.1e7

// implausible returns why m, although signed, cannot be true, or "".
//
// A CreateTime further ahead than the replay window allows would be kept
// as the follower's latest time and outrank every later real event (a
// subscribe dated ten years ahead outlives the unsubscribe after it).
// Times in the past stay as they are: WeChat retries late deliveries with
// their first CreateTime.
//
// Coordinates that are NaN, infinite or off the globe are refused with the
// whole callback rather than dropped from it: WeChat never sends them, so
// the callback is made up, and a location event without its location
// would still count as one in the follower's profile.
func (s *Server) implausible(m *bot.Message) string {
	if time.Unix(m.CreateTime, 0).Sub(s.cfg.Now()) > s.cfg.TimestampTolerance {
		return ignoreFuture
	}
	// The fields are 0 when absent, which every check accepts. Scale (a
	// map's zoom level) is not stored: it only has to be a number.
	if !within(m.LocationX, -90, 90) || !within(m.LocationY, -180, 180) || !within(m.Scale, 0, math.MaxFloat64) ||
		!within(m.Latitude, -90, 90) || !within(m.Longitude, -180, 180) || !within(m.Precision, 0, maxPrecision) {
		return ignoreCoordinates
	}
	return ""
}

// within reports whether x is a number in [lo, hi]: NaN is not, and
// neither is an infinity past the bound.
func within(x, lo, hi float64) bool { return x >= lo && x <= hi }

// ignore answers success to a signed callback that is not recorded:
// WeChat would only retry an error, and a sender of made-up callbacks
// learns nothing. It is counted by reason and logged sampled.
func (s *Server) ignore(w http.ResponseWriter, m *bot.Message, reason string) {
	s.metrics.ignored.WithLabelValues(reason).Inc()
	s.metrics.callbacks.WithLabelValues("unknown", "ignored").Inc()
	s.quiet.get(reason).Warn("callback ignored", zap.String("reason", reason),
		zap.String("openid", m.OpenID), zap.Int64("create_time", m.CreateTime))
	s.answer(w, *m, bot.Reply{}, false, 0, "", "")
}
