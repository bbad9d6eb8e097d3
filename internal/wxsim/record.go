package wxsim

import (
	"bytes"
	"net/url"
	"time"
)

// Call is one request the Server received, kept so tests can assert what
// the code under test actually sent (and how often).
type Call struct {
	Time   time.Time
	Method string
	Path   string
	// AppID comes from the appid parameter (query or JSON body) or from the
	// access token; it is "" when neither identifies an app.
	AppID string
	Query url.Values
	Body  []byte
	// ErrCode is the errcode the simulator answered with, 0 on success.
	ErrCode int
}

// record appends c to its app's log. Callers hold s.mu.
func (s *Server) record(c *apiCall, code int) {
	call := Call{
		Time:    c.now,
		Method:  c.method,
		Path:    c.path,
		AppID:   c.appID,
		Query:   c.query,
		Body:    c.body,
		ErrCode: code,
	}
	if s.lean {
		call.Query, call.Body = nil, nil
	}
	s.calls[c.appID] = append(s.calls[c.appID], call)
}

// Calls returns a deep copy of the calls recorded for appID, oldest first.
// Use "" for calls that named no known app.
func (s *Server) Calls(appID string) []Call { return s.LastCalls(appID, -1) }

// LastCalls is Calls for the newest n calls only; n < 0 means all.
func (s *Server) LastCalls(appID string, n int) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	src := s.calls[appID]
	if n >= 0 && len(src) > n {
		src = src[len(src)-n:]
	}
	out := make([]Call, len(src))
	for i, c := range src {
		c.Query = cloneValues(c.Query)
		c.Body = bytes.Clone(c.Body)
		out[i] = c
	}
	return out
}

// CountCalls reports how many calls appID made to path, whatever their
// outcome; useful to check caching ("the token was fetched once").
func (s *Server) CountCalls(appID, path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, c := range s.calls[appID] {
		if c.Path == path {
			n++
		}
	}
	return n
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}
