package wxsim

// callbackIP is what getcallbackip reports: the simulator pushes from
// loopback, so an IP allowlist built from this answer admits its pushes.
const callbackIP = "127.0.0.1"

type callbackIPResponse struct {
	IPList []string `json:"ip_list"`
}

// handleCallbackIP serves GET /cgi-bin/getcallbackip.
func (s *Server) handleCallbackIP(c *apiCall) any {
	if _, e := s.authorize(c); e != nil {
		return e
	}
	return callbackIPResponse{IPList: []string{callbackIP}}
}
