package wxsim

import (
	"maps"
	"time"
)

// TemplateMessage is one accepted template message.
type TemplateMessage struct {
	To          string
	TemplateID  string
	URL         string
	Data        map[string]string // keyword → value
	ClientMsgID string
	MsgID       int64
	At          time.Time
}

type templateRequest struct {
	ToUser     string `json:"touser"`
	TemplateID string `json:"template_id"`
	URL        string `json:"url"`
	Data       map[string]struct {
		Value string `json:"value"`
	} `json:"data"`
	// ClientMsgID is recorded only: whether WeChat dedupes on it (and
	// over which window) is not documented, so every send is accepted.
	ClientMsgID string `json:"client_msg_id"`
}

type templateReply struct {
	ErrCode int    `json:"errcode"`
	ErrMsg  string `json:"errmsg"`
	MsgID   int64  `json:"msgid"`
}

// handleTemplateSend serves POST /cgi-bin/message/template/send. Template
// messages need no customer-service window, only a follower.
func (s *Server) handleTemplateSend(c *apiCall) any {
	var req templateRequest
	m, e := s.messageCall(c, &req)
	if e != nil {
		return e
	}
	if !wellFormedOpenID(req.ToUser) {
		return errInvalidOpenID()
	}
	if !m.templates[req.TemplateID] {
		return errInvalidTemplateID()
	}
	if m.followers[req.ToUser].unfollowed {
		return errRequireSubscribe()
	}
	tm := TemplateMessage{
		To: req.ToUser, TemplateID: req.TemplateID, URL: req.URL,
		Data: make(map[string]string, len(req.Data)), ClientMsgID: req.ClientMsgID,
		MsgID: s.newMsgID(), At: c.now,
	}
	for k, v := range req.Data {
		tm.Data[k] = v.Value
	}
	m.template = append(m.template, tm)
	return &templateReply{CodeOK, "ok", tm.MsgID}
}

// TemplateMessages returns appID's accepted template messages, oldest
// first.
func (s *Server) TemplateMessages(appID string) []TemplateMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	src := s.appMsgs(appID).template
	out := make([]TemplateMessage, len(src))
	for i, tm := range src {
		tm.Data = maps.Clone(tm.Data)
		out[i] = tm
	}
	return out
}
