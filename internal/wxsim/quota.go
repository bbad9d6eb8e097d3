package wxsim

import (
	"encoding/json"
	"strconv"
	"time"
)

// defaultDailyQuotas are the daily API quotas of a new account, by
// path. mass/send and mass/sendall share one quota (quotaGroup). Over a
// quota WeChat answers 45009 until it resets at 00:00 Beijing time.
// WithDailyQuotas, SetDailyQuota and `wxcast sim --quota PATH=N` change
// them; a path not listed has no quota.
//
//	path                                   per day    source
//	/cgi-bin/message/mass/send (+sendall)  100        DOC API_Call_Limits (高级群发)
//	/cgi-bin/media/uploadnews              10         DOC API_Call_Limits
//	/cgi-bin/message/mass/delete           10         DOC API_Call_Limits (删除图文消息)
//	/cgi-bin/draft/add                     1,000      DOC API_Call_Limits (草稿-新建)
//	/cgi-bin/freepublish/submit            100        DOC API_Call_Limits (发布)
//	/cgi-bin/user/get                      500        DOC API_Call_Limits
//	/cgi-bin/user/info                     5,000,000  DOC API_Call_Limits
//	/cgi-bin/message/custom/send           500,000    DOC API_Call_Limits
//	/cgi-bin/message/template/send         100,000    legacy API_Call_Limits
//	/cgi-bin/tags/get                      1,000      COMM (community answer)
//	/cgi-bin/tags/create                   1,000      UNCONFIRMED
//	/cgi-bin/tags/update                   1,000      UNCONFIRMED
//	/cgi-bin/tags/delete                   1,000      UNCONFIRMED
//	/cgi-bin/tags/members/batchtagging     100,000    UNCONFIRMED
//	/cgi-bin/tags/members/batchuntagging   100,000    UNCONFIRMED
//	/cgi-bin/user/tag/get                  100,000    UNCONFIRMED
//
// clear_quota is limited to 10 a month (clearQuotaMonthly), not daily.
//
// The tag APIs are missing from the official table, though developers
// report 45009 from batchtagging (community, 2022). Their limits here are
// generous guesses: tagging a million followers takes 20,000 batchtagging
// calls of 50, which the default allows; tests lower it to reach 45009.
//
// UNCONFIRMED: whether refused calls spend quota. Here only calls that
// succeed count, so a sender that retries refusals is not punished twice.
func defaultDailyQuotas() map[string]int {
	return map[string]int{
		"/cgi-bin/message/mass/send":     100,
		"/cgi-bin/message/mass/delete":   10,
		"/cgi-bin/media/uploadnews":      10,
		"/cgi-bin/draft/add":             1000,
		"/cgi-bin/freepublish/submit":    100,
		"/cgi-bin/user/get":              500,
		"/cgi-bin/user/info":             5000000,
		"/cgi-bin/message/custom/send":   500000,
		"/cgi-bin/message/template/send": 100000,

		"/cgi-bin/tags/get":                    1000,
		"/cgi-bin/tags/create":                 1000,
		"/cgi-bin/tags/update":                 1000,
		"/cgi-bin/tags/delete":                 1000,
		"/cgi-bin/tags/members/batchtagging":   100000,
		"/cgi-bin/tags/members/batchuntagging": 100000,
		"/cgi-bin/user/tag/get":                100000,
	}
}

// quotaGroup is the quota a path spends: mass/sendall shares mass/send's.
func quotaGroup(path string) string {
	if path == "/cgi-bin/message/mass/sendall" {
		return "/cgi-bin/message/mass/send"
	}
	return path
}

// clearQuotaMonthly is how often an account may reset its quotas.
const clearQuotaMonthly = 10

// quotaState counts each app's calls per quota and Beijing day. Guarded by
// Server.mu.
type quotaState struct {
	limits map[string]int            // by quota path; absent: unlimited
	used   map[string]map[string]int // appID → quota path → calls today
	day    map[string]int            // appID → the Beijing day used counts
	clears map[string]int            // appID+month → clear_quota calls
}

func newQuotaState() quotaState {
	return quotaState{limits: defaultDailyQuotas(), used: map[string]map[string]int{}, day: map[string]int{}, clears: map[string]int{}}
}

// WithDailyQuotas overrides the default daily quotas (see
// defaultDailyQuotas) of the paths in limits for every app; n < 0 makes a
// path unlimited. mass/sendall names mass/send's shared quota.
func WithDailyQuotas(limits map[string]int) Option {
	return func(s *Server) {
		for path, n := range limits {
			s.quota.set(path, n)
		}
	}
}

// set sets path's daily limit; n < 0 removes it. Callers hold s.mu or
// own the Server.
func (q *quotaState) set(path string, n int) {
	if n < 0 {
		delete(q.limits, quotaGroup(path))
		return
	}
	q.limits[quotaGroup(path)] = n
}

// SetDailyQuota sets the daily quota of path for every app (n < 0:
// unlimited), e.g. to reach 45009 in a test without 100 sends.
func (s *Server) SetDailyQuota(path string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.quota.set(path, n)
}

// QuotaUsed is how many calls to path appID made today (Beijing day).
func (s *Server) QuotaUsed(appID, path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.usedToday(appID, s.nowFor(appID))[quotaGroup(path)]
}

// usedToday returns appID's counts for the Beijing day of now, starting a
// new day's counts when the day changed. Callers hold s.mu.
func (s *Server) usedToday(appID string, now time.Time) map[string]int {
	q := &s.quota
	d := beijingDay(now)
	if q.day[appID] != d || q.used[appID] == nil {
		q.day[appID], q.used[appID] = d, map[string]int{}
	}
	return q.used[appID]
}

// withQuotas wraps every handler so a spent daily quota answers 45009
// without running it, and a successful call spends one unit.
func withQuotas(routes map[string]route) map[string]route {
	for path, rt := range routes {
		handle, group := rt.handle, quotaGroup(path)
		rt.handle = func(s *Server, c *apiCall) any {
			limit, ok := s.quota.limits[group]
			if !ok || c.appID == "" {
				return handle(s, c)
			}
			used := s.usedToday(c.appID, c.now)
			if used[group] >= limit {
				return errDailyQuota()
			}
			resp := handle(s, c)
			if errCodeOf(resp) == CodeOK {
				used[group]++
			}
			return resp
		}
		routes[path] = rt
	}
	return routes
}

type quotaGetRequest struct {
	CGIPath string `json:"cgi_path"`
}

type quotaGetReply struct {
	ErrCode int    `json:"errcode"`
	ErrMsg  string `json:"errmsg"`
	Quota   struct {
		DailyLimit int `json:"daily_limit"`
		Used       int `json:"used"`
		Remain     int `json:"remain"`
	} `json:"quota"`
}

func (r *quotaGetReply) errCode() int { return r.ErrCode }

// handleQuotaGet serves POST /cgi-bin/openapi/quota/get.
func (s *Server) handleQuotaGet(c *apiCall) any {
	a, e := s.authorize(c)
	if e != nil {
		return e
	}
	var req quotaGetRequest
	if err := json.Unmarshal(c.body, &req); err != nil || req.CGIPath == "" {
		return errDataFormat()
	}
	// UNCONFIRMED: what WeChat answers for an API the account lacks; 48001
	// is what the API itself answers.
	if a.account.kind.lacks(req.CGIPath) {
		return errAPIUnauthorized()
	}
	if req.CGIPath == "/cgi-bin/message/mass/preview" {
		return s.previewQuota(a, c)
	}
	group := quotaGroup(req.CGIPath)
	limit, ok := s.quota.limits[group]
	if !ok {
		return errDataFormat() // UNCONFIRMED: the code for a path without a quota
	}
	r := &quotaGetReply{ErrMsg: "ok"}
	used := s.usedToday(c.appID, c.now)[group]
	r.Quota.DailyLimit, r.Quota.Used, r.Quota.Remain = limit, used, max(limit-used, 0)
	return r
}

type clearQuotaRequest struct {
	AppID string `json:"appid"`
}

// handleClearQuota serves POST /cgi-bin/clear_quota: every quota of the
// app starts again, at most 10 times a month (48006 after).
func (s *Server) handleClearQuota(c *apiCall) any {
	a, e := s.authorize(c)
	if e != nil {
		return e
	}
	var req clearQuotaRequest
	if err := json.Unmarshal(c.body, &req); err != nil {
		return errDataFormat()
	}
	if req.AppID != a.id {
		return errInvalidAppID()
	}
	month := a.id + "|" + strconv.Itoa(int(beijingMonth(c.now)))
	if s.quota.clears[month] >= clearQuotaMonthly {
		return &apiError{CodeClearQuotaLimit, "forbid to clear quota because of reaching the limit"}
	}
	s.quota.clears[month]++
	s.quota.used[a.id] = map[string]int{}
	return &apiError{CodeOK, "ok"}
}
