package wxsim

import (
	"net/http"
	"time"
)

// dropHoldMax bounds how long a dropped call holds its connection when the
// client never gives up, so a test without a timeout fails instead of
// hanging forever.
const dropHoldMax = time.Minute

// fault is what a test asked to go wrong on one path.
type fault struct {
	failCode int
	failN    int
	dropN    int
}

func (s *Server) faultFor(path string) *fault {
	f, ok := s.mass.faults[path]
	if !ok {
		f = &fault{}
		s.mass.faults[path] = f
	}
	return f
}

// FailNext makes the next n calls to path (on any app) answer errcode code,
// e.g. -1 system busy or 45009, without doing anything else: nothing is
// accepted, so a retry is safe.
func (s *Server) FailNext(path string, code, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.faultFor(path)
	f.failCode, f.failN = code, n
}

// DropAfterAccept makes the next n calls to path (on any app) that succeed
// do all their work (a mass send is accepted, its job created and its
// deliveries counted) and then never answer: the connection is held until
// the client gives up, then closed. This is a timeout after WeChat accepted
// a send, the case an exactly-once sender must get right. Calls that fail
// are answered normally and do not count towards n.
func (s *Server) DropAfterAccept(path string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faultFor(path).dropN = n
}

// withFaults wraps every handler so the faults above apply to any route.
func withFaults(routes map[string]route) map[string]route {
	for path, rt := range routes {
		handle := rt.handle
		rt.handle = func(s *Server, c *apiCall) any { return s.faulty(c, handle) }
		routes[path] = rt
	}
	return routes
}

// faulty runs handle unless a fault says otherwise. Callers hold s.mu.
func (s *Server) faulty(c *apiCall, handle func(*Server, *apiCall) any) any {
	f, ok := s.mass.faults[c.path]
	if !ok {
		return handle(s, c)
	}
	if f.failN > 0 {
		f.failN--
		return errForCode(f.failCode)
	}
	resp := handle(s, c)
	if f.dropN > 0 && errCodeOf(resp) == CodeOK {
		f.dropN--
		c.drop = true
	}
	return resp
}

// holdDropped keeps a dropped call's connection open without answering
// until the client gives up (its request context ends), then aborts it so
// no response is ever written.
func (s *Server) holdDropped(r *http.Request) {
	t := time.NewTimer(dropHoldMax)
	defer t.Stop()
	select {
	case <-r.Context().Done():
	case <-s.mass.ctx.Done():
	case <-t.C:
	}
	// net/http closes the connection without a response and without
	// logging a stack trace for this sentinel.
	panic(http.ErrAbortHandler)
}
