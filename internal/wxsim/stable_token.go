package wxsim

import (
	"encoding/json"
	"time"
)

const (
	// stableRotateBefore: in normal mode a stable token is replaced once
	// less than this remains, so callers always get expires_in >= 300.
	stableRotateBefore = 5 * time.Minute
	// forceRefreshPerDay and forceRefreshGap are the documented limits on
	// force_refresh:true.
	forceRefreshPerDay = 20
	forceRefreshGap    = 30 * time.Second
)

type stableTokenRequest struct {
	GrantType    string `json:"grant_type"`
	AppID        string `json:"appid"`
	Secret       string `json:"secret"`
	ForceRefresh bool   `json:"force_refresh"`
}

// handleStableToken serves POST /cgi-bin/stable_token. Its tokens are
// separate from /cgi-bin/token's, so fetching one kind never breaks the
// other — the reason multi-instance deployments prefer it.
func (s *Server) handleStableToken(c *apiCall) any {
	var req stableTokenRequest
	if err := json.Unmarshal(c.body, &req); err != nil {
		return errDataFormat()
	}
	if req.AppID != "" {
		c.appID = req.AppID
		c.now = s.nowFor(c.appID)
	}
	a, e := s.credentials(req.GrantType, req.AppID, req.Secret)
	if e != nil {
		return e
	}
	if a.account.refuseIP {
		return errIPNotAllowed(c.remoteIP)
	}
	if req.ForceRefresh {
		if e := a.stableForce.take(c.now); e != nil {
			return e
		}
		if a.stable != nil {
			a.stable.invalidateAt(c.now)
		}
		a.stable = s.issueToken(a, c.now)
		return tokenReply(a.stable, c.now)
	}
	// The token being rotated out keeps working until its own expiry,
	// which is less than stableRotateBefore away.
	if a.stable == nil || a.stable.check(c.now) != nil || a.stable.expires.Sub(c.now) < stableRotateBefore {
		a.stable = s.issueToken(a, c.now)
	}
	return tokenReply(a.stable, c.now)
}

// forceQuota tracks force_refresh use for one app.
type forceQuota struct {
	last  time.Time
	day   string
	count int
}

// take consumes one forced refresh or says why not. WeChat's doc states the
// limits (20/day, 30 s apart) but not the codes; 45009 (daily quota) and
// 45011 (minute quota) are UNCONFIRMED guesses from the generic quota codes.
// Failed attempts don't count, and the day rolls over at Beijing midnight
// because that is when WeChat's quotas reset.
func (q *forceQuota) take(now time.Time) *apiError {
	day := now.In(time.FixedZone("CST", 8*60*60)).Format(time.DateOnly)
	if day != q.day {
		q.day, q.count = day, 0
	}
	if q.count >= forceRefreshPerDay {
		return errDailyQuota()
	}
	if !q.last.IsZero() && now.Sub(q.last) < forceRefreshGap {
		return errMinuteQuota()
	}
	q.last = now
	q.count++
	return nil
}
