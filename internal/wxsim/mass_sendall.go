package wxsim

import (
	"encoding/json"
	"strconv"
)

// Error codes only mass/sendall answers. They live here rather than in
// errors.go to keep that shared file's edits small.
const (
	// CodeNoMassQuota is WeChat's "has no masssend quota": an is_to_all
	// send after the day's one successful to-all send.
	CodeNoMassQuota = 45028
)

func errNoMassQuota() *apiError { return &apiError{CodeNoMassQuota, "has no masssend quota"} }

// sendAllFilter is mass/sendall's audience: every follower, or the
// followers holding tag_id at the moment of the call.
type sendAllFilter struct {
	IsToAll bool `json:"is_to_all"`
	TagID   int  `json:"tag_id"`
}

// massSendAllRequest is mass/send's body with a filter for touser (a
// touser in it is ignored).
type massSendAllRequest struct {
	Filter sendAllFilter `json:"filter"`
	massSendRequest
}

// scope is the dedupe scope of a filter, standing in for mass/send's
// openid list in massKey. ':' is not in the openid alphabet, so a scope
// never equals an openid list.
func (f sendAllFilter) scope() []string {
	if f.IsToAll {
		return []string{"filter:all"}
	}
	return []string{"filter:tag:" + strconv.Itoa(f.TagID)}
}

// handleMassSendAll serves POST /cgi-bin/message/mass/sendall. It shares
// mass/send's daily quota (quotaGroup), its per-minute limit, its
// clientmsgid dedupe and its jobs: the job's ToUser is the followers the
// filter selected at the time of the call, and it finishes and pushes
// MASSSENDJOBFINISH like a mass/send job.
func (s *Server) handleMassSendAll(c *apiCall) any {
	a, e := s.authorize(c)
	if e != nil {
		return e
	}
	a.users.init()
	m := &a.msg
	m.init()
	if !m.massRateOK(c.now, s.mass.rateLimit) {
		return errMinuteQuota() // as mass/send: UNCONFIRMED code
	}
	var req massSendAllRequest
	if err := json.Unmarshal(c.body, &req); err != nil {
		return errDataFormat()
	}
	slot := -1
	if !req.Filter.IsToAll {
		// UNCONFIRMED: the code for an unknown tag_id in sendall is not
		// documented; 45159 is what the tag API answers for one.
		if slot = a.users.tags.slotOf(req.Filter.TagID); slot < 0 {
			return errInvalidTagID()
		}
	}
	// The message part is mass/send's, validated the same way (drafts,
	// uploadnews ids and material for mpnews).
	send := req.massSendRequest
	// The dedupe check comes first, as in mass/send: a retry of an
	// accepted send learns its msg_id even when its draft id would no
	// longer pass.
	p := send.payload()
	key := massKey(req.ClientMsgID, p, req.Filter.scope())
	if r := s.repeated(m, key, c.now); r != nil {
		return r
	}
	p, e = s.checkMass(m, p)
	if e != nil {
		return e
	}
	if len(req.ClientMsgID) > maxClientMsgIDLen {
		return errClientMsgIDTooLong()
	}
	today := beijingDay(c.now)
	if req.Filter.IsToAll && m.toAllDay == today {
		return errNoMassQuota()
	}
	// A subscription account has one successful mass send a day, whatever
	// its audience (WeChat's mass-send documentation); the code is to-all's.
	if a.account.kind.subscription() && a.account.massDay == today {
		return errNoMassQuota()
	}
	send.ToUser = a.users.holding(slot)
	job := s.acceptMass(a, c.now, &send, p)
	job.TagID, job.ToAll = req.Filter.TagID, req.Filter.IsToAll
	if req.Filter.IsToAll {
		job.TagID = 0
		m.toAllDay = today
	}
	m.sendKeys[key] = job
	a.account.massDay = today
	return &massReply{CodeOK, "send job submission success", job.MsgID, job.MsgDataID}
}

// holding lists, in user/get order, the followers holding the tag in
// slot, or every follower for slot -1. One pass over the roster, one
// allocation.
func (r *roster) holding(slot int) []string {
	n := r.following
	if slot >= 0 {
		n = r.tags.slots[slot].count
	}
	out := make([]string, 0, n)
	for _, i := range r.order {
		if i < 0 {
			continue
		}
		f := &r.fans[i]
		if f.following && (slot < 0 || f.tags.has(slot)) {
			out = append(out, f.openid)
		}
	}
	return out
}
