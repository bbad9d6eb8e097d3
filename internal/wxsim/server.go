package wxsim

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"sync"
	"time"

	"go.uber.org/zap"
)

// maxRequestBody caps what the simulator reads from one request. The largest
// legitimate body is a mass send to 10 000 openids (~300 KB), so 8 MiB only
// stops runaway tests, not real traffic.
const maxRequestBody = 8 << 20

// Server is a fake of api.weixin.qq.com. It implements http.Handler so tests
// can wrap it in httptest.NewServer and point the SDK at its URL. One Server
// can host many apps; all state is keyed by AppID and guarded by one mutex,
// so parallel tests may share it.
type Server struct {
	now    func() time.Time
	log    *zap.Logger
	routes map[string]route

	// mu guards everything below. Handlers run with it held; they do no I/O,
	// so one lock keeps the token rules simple without hurting throughput.
	mu     sync.Mutex
	apps   map[string]*app
	tokens map[string]*accessToken // every token ever issued, by value
	calls  map[string][]Call       // by resolved AppID ("" if unknown)
	// lean drops the query and body of recorded calls (see WithLeanCallLog).
	lean bool

	// mass holds the message endpoints' server-wide settings and state
	// (options, msg_id counter, injected faults, pending pushes).
	mass massState
	// quota counts calls against the daily API quotas (see quota.go).
	quota quotaState
	// clocks are per-app clocks (SetAppClock), by AppID.
	clocks map[string]func() time.Time
	// draftMode is the DraftMode of apps without their own (draft_modes.go).
	draftMode DraftMode
}

// SetAppClock makes the calls of appID (and the tokens issued to it) run
// on now instead of the Server's clock, so a test can move one app's time
// (a back-off, WeChat's minute between two sends with one clientmsgid, a
// day's quota) while other tests share the Server.
func (s *Server) SetAppClock(appID string, now func() time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.clocks[appID] = now
}

// nowFor is appID's time. Callers hold s.mu.
func (s *Server) nowFor(appID string) time.Time {
	if now, ok := s.clocks[appID]; ok {
		return now()
	}
	return s.now()
}

// Option configures a Server.
type Option func(*Server)

// WithClock replaces time.Now, so tests can move past token expiry and
// quota windows without sleeping.
func WithClock(now func() time.Time) Option {
	return func(s *Server) { s.now = now }
}

// WithLeanCallLog keeps only the time, path, app and errcode of each
// call, not its query and body: a benchmark making tens of thousands of
// calls then measures its own memory, not the simulator's log.
func WithLeanCallLog() Option {
	return func(s *Server) { s.lean = true }
}

// WithLogger makes the Server log each call at debug level.
func WithLogger(log *zap.Logger) Option {
	return func(s *Server) { s.log = log }
}

// NewServer returns an empty simulator; register apps with AddApp.
func NewServer(opts ...Option) *Server {
	s := &Server{
		now:    time.Now,
		log:    zap.NewNop(),
		apps:   make(map[string]*app),
		tokens: make(map[string]*accessToken),
		calls:  make(map[string][]Call),
		mass:   newMassState(),
		quota:  newQuotaState(),
		clocks: make(map[string]func() time.Time),
	}
	for _, o := range opts {
		o(s)
	}
	s.routes = routeTable()
	return s
}

// route binds a WeChat path to the one method it accepts and its handler.
type route struct {
	method string
	handle func(*Server, *apiCall) any
}

// routeTable lists every endpoint in one place; a new endpoint group adds
// its lines here and its handlers in its own file.
//
// Every handler runs behind withFaults, so FailNext and DropAfterAccept work
// on any path, behind withQuotas, so daily quotas hold on every path, and
// behind withPermissions, so an account kind's missing APIs answer 48001.
func routeTable() map[string]route {
	return withFaults(withQuotas(withPermissions(map[string]route{
		"/cgi-bin/token":                 {http.MethodGet, (*Server).handleToken},
		"/cgi-bin/stable_token":          {http.MethodPost, (*Server).handleStableToken},
		"/cgi-bin/getcallbackip":         {http.MethodGet, (*Server).handleCallbackIP},
		"/cgi-bin/message/mass/send":     {http.MethodPost, (*Server).handleMassSend},
		"/cgi-bin/message/mass/preview":  {http.MethodPost, (*Server).handleMassPreview},
		"/cgi-bin/message/mass/delete":   {http.MethodPost, (*Server).handleMassDelete},
		"/cgi-bin/message/mass/get":      {http.MethodPost, (*Server).handleMassGet},
		"/cgi-bin/message/custom/send":   {http.MethodPost, (*Server).handleCustomSend},
		"/cgi-bin/message/template/send": {http.MethodPost, (*Server).handleTemplateSend},
		"/cgi-bin/material/get_material": {http.MethodPost, (*Server).handleGetMaterial},

		"/cgi-bin/draft/add":            {http.MethodPost, (*Server).handleDraftAdd},
		"/cgi-bin/draft/get":            {http.MethodPost, (*Server).handleDraftGet},
		"/cgi-bin/draft/update":         {http.MethodPost, (*Server).handleDraftUpdate},
		"/cgi-bin/draft/delete":         {http.MethodPost, (*Server).handleDraftDelete},
		"/cgi-bin/draft/batchget":       {http.MethodPost, (*Server).handleDraftBatchGet},
		"/cgi-bin/draft/count":          {http.MethodGet, (*Server).handleDraftCount},
		"/cgi-bin/media/uploadnews":     {http.MethodPost, (*Server).handleUploadNews},
		"/cgi-bin/material/add_news":    {http.MethodPost, (*Server).handleRetiredNews},
		"/cgi-bin/material/update_news": {http.MethodPost, (*Server).handleRetiredNews},

		"/cgi-bin/user/get":                    {http.MethodGet, (*Server).handleUserGet},
		"/cgi-bin/user/info":                   {http.MethodGet, (*Server).handleUserInfo},
		"/cgi-bin/user/info/batchget":          {http.MethodPost, (*Server).handleBatchGet},
		"/cgi-bin/tags/create":                 {http.MethodPost, (*Server).handleTagCreate},
		"/cgi-bin/tags/get":                    {http.MethodGet, (*Server).handleTagGet},
		"/cgi-bin/tags/update":                 {http.MethodPost, (*Server).handleTagUpdate},
		"/cgi-bin/tags/delete":                 {http.MethodPost, (*Server).handleTagDelete},
		"/cgi-bin/user/tag/get":                {http.MethodPost, (*Server).handleTagFans},
		"/cgi-bin/tags/members/batchtagging":   {http.MethodPost, (*Server).handleBatchTagging},
		"/cgi-bin/tags/members/batchuntagging": {http.MethodPost, (*Server).handleBatchUntagging},
		"/cgi-bin/tags/getidlist":              {http.MethodPost, (*Server).handleTagIDList},

		"/cgi-bin/message/mass/sendall":   {http.MethodPost, (*Server).handleMassSendAll},
		"/cgi-bin/message/mass/speed/get": {http.MethodPost, (*Server).handleMassSpeedGet},
		"/cgi-bin/message/mass/speed/set": {http.MethodPost, (*Server).handleMassSpeedSet},

		"/cgi-bin/openapi/quota/get": {http.MethodPost, (*Server).handleQuotaGet},
		"/sns/oauth2/access_token":   {http.MethodGet, (*Server).handleOAuthToken},
		"/cgi-bin/clear_quota":       {http.MethodPost, (*Server).handleClearQuota},

		"/datacube/getarticletotaldetail": {http.MethodPost, (*Server).handleArticleTotalDetail},
	})))
}

// apiCall is one request as a handler sees it. Handlers set appID when they
// learn it from the body, so the recorded Call names the right app.
type apiCall struct {
	method string
	path   string
	query  url.Values
	body   []byte
	now    time.Time
	appID  string
	// remoteIP is the caller's address, which 40164 names.
	remoteIP string
	// drop is set by DropAfterAccept: the call was handled, but its answer
	// is never written.
	drop bool
}

// ServeHTTP answers like WeChat: JSON bodies, HTTP 200 even for errors.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/connect/oauth2/authorize" {
		s.handleAuthorize(w, r) // a page on open.weixin.qq.com, not the API
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxRequestBody))
	if err != nil {
		http.Error(w, "wxsim: read body: "+err.Error(), http.StatusBadRequest)
		return
	}
	c := &apiCall{method: r.Method, path: r.URL.Path, query: r.URL.Query(), body: body, remoteIP: hostOf(r.RemoteAddr)}
	status, resp := s.dispatch(c)
	if c.drop {
		s.holdDropped(r)
		return
	}
	code := errCodeOf(resp)
	s.log.Debug("wxsim api call",
		zap.String("method", c.method),
		zap.String("path", c.path),
		zap.String("appid", c.appID),
		zap.Int("errcode", code))

	if raw, ok := resp.(*rawReply); ok {
		w.Header().Set("Content-Type", raw.contentType)
		w.WriteHeader(status)
		_, _ = w.Write(raw.body)
		return
	}
	payload, err := json.Marshal(resp)
	if err != nil {
		// Only handler bugs get here; a 500 makes them loud in tests.
		http.Error(w, "wxsim: encode response: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; encoding=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(payload)
}

// dispatch routes c, runs its handler under the lock and records the call.
func (s *Server) dispatch(c *apiCall) (int, any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c.appID = s.appIDFromQuery(c.query)
	c.now = s.nowFor(c.appID)

	status := http.StatusOK
	var resp any
	rt, ok := s.routes[c.path]
	switch {
	case !ok:
		status = http.StatusNotFound
		resp = &apiError{CodeNotFound, "wxsim: no such endpoint " + c.path}
	case rt.method != c.method:
		resp = methodError(rt.method)
	default:
		resp = rt.handle(s, c)
	}
	s.record(c, errCodeOf(resp))
	return status, resp
}

// appIDFromQuery finds the app a request belongs to before any handler runs,
// so even rejected calls are recorded under the right app. A known token
// counts even if it is expired or revoked: it still names its app.
func (s *Server) appIDFromQuery(q url.Values) string {
	if id := q.Get("appid"); id != "" {
		return id
	}
	if t, ok := s.tokens[q.Get("access_token")]; ok {
		return t.appID
	}
	return ""
}

func methodError(want string) *apiError {
	if want == http.MethodPost {
		return errRequirePOST()
	}
	return errRequireGET()
}

// errCodeOf reads the errcode of any reply that carries one (*apiError,
// and error replies with extra fields such as 45065's msg_id).
func errCodeOf(resp any) int {
	if e, ok := resp.(interface{ errCode() int }); ok {
		return e.errCode()
	}
	return CodeOK
}
