package wxsim

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"
)

const (
	// defaultMassRetryGap is how soon a clientmsgid may come back before
	// WeChat answers 45066 instead of 45065 ("retried too fast, wait 1 min").
	defaultMassRetryGap = time.Minute
	// defaultMassRateLimit is the documented "≤60 requests/min" of the mass
	// API.
	defaultMassRateLimit = 60
	// firstMsgID and firstMsgDataID start the id counters at sizes like
	// WeChat's, so code that squeezes them into 32 bits shows up.
	firstMsgID     = 3147483000
	firstMsgDataID = 2247483000
)

// massState is the server-wide part of the message endpoints. It is
// guarded by Server.mu, except ctx, cancel and wg, which are safe on their
// own.
type massState struct {
	retryGap  time.Duration
	rateLimit int

	nextMsgID  int64 // shared by mass, preview, template: ids never repeat
	nextDataID int64

	faults map[string]*fault // by path

	// pending counts jobs whose finish (and push) has not happened yet.
	pending int
	// ctx ends the push goroutines and held calls when the Server closes.
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

func newMassState() massState {
	ctx, cancel := context.WithCancel(context.Background())
	return massState{
		retryGap:   defaultMassRetryGap,
		rateLimit:  defaultMassRateLimit,
		nextMsgID:  firstMsgID,
		nextDataID: firstMsgDataID,
		faults:     make(map[string]*fault),
		ctx:        ctx,
		cancel:     cancel,
	}
}

// WithMassRetryGap sets how long after an accepted mass send the same
// clientmsgid answers 45066 rather than 45065 (default one minute).
func WithMassRetryGap(d time.Duration) Option {
	return func(s *Server) { s.mass.retryGap = d }
}

// WithMassRateLimit sets how many mass/send calls an app may make per
// rolling minute before 45011; 0 disables the limit (default 60).
func WithMassRateLimit(n int) Option {
	return func(s *Server) { s.mass.rateLimit = n }
}

// newMsgID hands out the next msg_id. Callers hold s.mu.
func (s *Server) newMsgID() int64 {
	s.mass.nextMsgID++
	return s.mass.nextMsgID
}

// appMessages is one app's state for the message endpoints. Its maps are
// made on first use, so a fresh app needs no setup.
type appMessages struct {
	followers map[string]follower      // openid → state; absent means following
	media     map[string]string        // media_id → kind ("news", "image")
	news      map[string]*newsMaterial // media_id → articles, for kind news
	drafts    draftBox                 // drafts and uploadnews ids (draft.go)
	templates map[string]bool

	jobs     []*Job
	jobByID  map[int64]*Job
	sendKeys map[string]*Job // dedupe key → latest accepted send
	// massCalls are the times of recent mass/send calls, oldest first, for
	// the per-minute limit.
	massCalls []time.Time
	push      *pushTarget

	// toAllDay is the Beijing day of the last successful is_to_all
	// mass/sendall: one a day (45028 after).
	toAllDay int
	// speed is the mass delivery level of speed/set, 0..4.
	speed int

	previews     []Preview
	previewDay   int // Beijing yyyymmdd that previewCount counts
	previewCount int

	windows  map[string]*csWindows
	custom   []CustomMessage
	template []TemplateMessage
}

func (m *appMessages) init() {
	if m.followers != nil {
		return
	}
	m.followers = make(map[string]follower)
	m.media = make(map[string]string)
	m.news = make(map[string]*newsMaterial)
	m.templates = make(map[string]bool)
	m.jobByID = make(map[int64]*Job)
	m.sendKeys = make(map[string]*Job)
	m.windows = make(map[string]*csWindows)
}

// follower is kept by value in a map: a 1 000 000-follower audience must
// not cost a pointer and an allocation each.
type follower struct {
	// lastMsg is the last mass job that listed this openid; it spots an
	// openid listed twice in one touser without a per-call set.
	lastMsg    int64
	total      int32 // mass messages received, ever
	month      int32 // Beijing yyyymm that inMonth counts
	inMonth    int32
	unfollowed bool
}

// appMsgs returns appID's message state, or panics: the setup hooks below
// are test code, and a typo in an AppID should fail loudly, not later as
// a puzzling errcode. Callers hold s.mu.
func (s *Server) appMsgs(appID string) *appMessages {
	a := s.mustApp(appID)
	return &a.msg
}

// mustApp returns appID's state with both endpoint groups ready, or panics
// like appMsgs. Callers hold s.mu.
func (s *Server) mustApp(appID string) *app {
	a, ok := s.apps[appID]
	if !ok {
		panic(fmt.Sprintf("wxsim: unknown app %q (call AddApp first)", appID))
	}
	a.msg.init()
	a.users.init()
	return a
}

// AddMedia registers mediaID as uploaded by appID; kind is "news" (an
// mpnews article, for msgtype mpnews) or "image". News registered here has
// one untitled article; AddNews gives it articles.
func (s *Server) AddMedia(appID, mediaID, kind string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.appMsgs(appID).setMedia(mediaID, kind, s.now())
}

// AddTemplate registers templateID as one of appID's message templates.
func (s *Server) AddTemplate(appID, templateID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.appMsgs(appID).templates[templateID] = true
}

// Unfollow makes openid stop following appID: mass sends filter it out,
// customer-service messages answer 45015, template messages 43004, and a
// roster follower (see AddFollowers) leaves user/get and answers
// subscribe 0 from user/info. A later Interact (or a pushed user message
// or subscribe) makes it follow again.
func (s *Server) Unfollow(appID, openid string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.mustApp(appID)
	m := &a.msg
	f := m.followers[openid]
	f.unfollowed = true
	m.followers[openid] = f
	delete(m.windows, openid)
	if rf := a.users.lookup(openid); rf != nil {
		a.users.unfollow(rf)
	}
}

// Deliveries returns, per openid, how many mass messages appID delivered to
// it; openids that received none are left out.
func (s *Server) Deliveries(appID string) map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int)
	for id, f := range s.appMsgs(appID).followers {
		if f.total > 0 {
			out[id] = int(f.total)
		}
	}
	return out
}

// AgeMassSends makes appID's accepted mass sends and its per-minute call
// count look d older, so tests on a real clock can get past the 45066
// retry gap or the 24 h dedupe window without sleeping. Job finishes and
// pushes keep their real-time schedule.
func (s *Server) AgeMassSends(appID string, d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.appMsgs(appID)
	for _, j := range m.jobs {
		j.At = j.At.Add(-d)
	}
	for i := range m.massCalls {
		m.massCalls[i] = m.massCalls[i].Add(-d)
	}
}

// beijingDate is t's calendar date in Beijing (UTC+8, no DST), where
// WeChat's daily and monthly quotas reset.
func beijingDate(t time.Time) (year int, month time.Month, day int) {
	return t.UTC().Add(8 * time.Hour).Date()
}

func beijingMonth(t time.Time) int32 {
	y, m, _ := beijingDate(t)
	return int32(y*100 + int(m))
}

func beijingDay(t time.Time) int {
	y, m, d := beijingDate(t)
	return y*10000 + int(m)*100 + d
}

// wellFormedOpenID accepts what openids look like: 1..64 characters of
// [A-Za-z0-9_-] (real ones are 28). Anything else is 40003.
func wellFormedOpenID(v string) bool { return urlSafe(v, 1, 64) }

// urlSafe reports whether v has min..max characters, all of
// [A-Za-z0-9_-]: the alphabet of openids and of the simulator's tokens.
func urlSafe(v string, min, max int) bool {
	if len(v) < min || len(v) > max {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
		if !ok {
			return false
		}
	}
	return true
}

// messageCall is how every message endpoint starts: check the access
// token, ready the app's message state and decode the JSON body into req.
func (s *Server) messageCall(c *apiCall, req any) (*appMessages, *apiError) {
	a, e := s.authorize(c)
	if e != nil {
		return nil, e
	}
	a.msg.init()
	if err := json.Unmarshal(c.body, req); err != nil {
		return nil, errDataFormat()
	}
	return &a.msg, nil
}
