package wxsim

// Error codes of mass/speed/set. They live here rather than in errors.go
// to keep that shared file's edits small.
const (
	// CodeSpeedOutOfRange means speed/set's speed is not 0..4.
	CodeSpeedOutOfRange = 45083
	// CodeSpeedMissing means speed/set came without a speed.
	CodeSpeedMissing = 45084
)

// realSpeeds is WeChat's delivery speed of each level 0..4, in 10,000
// recipients a minute (WeChat's mass/speed/get documentation).
func realSpeeds() [5]int { return [...]int{80, 60, 45, 30, 10} }

type speedReply struct {
	Speed     int `json:"speed"`
	RealSpeed int `json:"realspeed"`
}

// handleMassSpeedGet serves POST /cgi-bin/message/mass/speed/get: the
// account's level (0 until set) and its real speed.
func (s *Server) handleMassSpeedGet(c *apiCall) any {
	a, e := s.authorize(c)
	if e != nil {
		return e
	}
	return &speedReply{a.msg.speed, realSpeeds()[a.msg.speed]}
}

// handleMassSpeedSet serves POST /cgi-bin/message/mass/speed/set.
// UNCONFIRMED: the errmsg texts; the codes are WxJava's.
func (s *Server) handleMassSpeedSet(c *apiCall) any {
	var req struct {
		Speed *int `json:"speed"`
	}
	m, e := s.messageCall(c, &req)
	if e != nil {
		return e
	}
	if req.Speed == nil {
		return &apiError{CodeSpeedMissing, "speed is missing"}
	}
	if *req.Speed < 0 || *req.Speed >= len(realSpeeds()) {
		return &apiError{CodeSpeedOutOfRange, "speed out of range, must be 0 to 4"}
	}
	m.speed = *req.Speed
	return okReply()
}
