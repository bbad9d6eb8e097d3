package wxsim

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
	"time"
)

const (
	minMassOpenIDs = 2
	maxMassOpenIDs = 10000
	// maxClientMsgIDLen is the documented limit; 45067 has been reported
	// for shorter ids, so senders should stay well below it.
	maxClientMsgIDLen = 64
	// massDedupeWindow is how far back WeChat looks for a reused
	// clientmsgid (or content digest).
	massDedupeWindow = 24 * time.Hour
	// monthlyMassCap is how many mass messages a service account's follower
	// receives per calendar month; the rest are filtered.
	monthlyMassCap = 4
)

type massSendRequest struct {
	ToUser            []string    `json:"touser"`
	MsgType           string      `json:"msgtype"`
	Text              *textBody   `json:"text"`
	MPNews            *mediaRef   `json:"mpnews"`
	Images            *imagesBody `json:"images"`
	SendIgnoreReprint int         `json:"send_ignore_reprint"`
	ClientMsgID       string      `json:"clientmsgid"`
}

func (r *massSendRequest) payload() payload {
	p := payload{msgType: r.MsgType, text: textOf(r.Text)}
	switch r.MsgType {
	case SendMPNews:
		p.mediaIDs = mediaIDOf(r.MPNews)
	case SendImage:
		if r.Images != nil {
			p.mediaIDs = r.Images.MediaIDs
		}
	}
	return p
}

// massReply is mass/send's answer, success or 45065: both carry the job's
// msg_id, and msg_data_id for mpnews.
type massReply struct {
	ErrCode   int    `json:"errcode"`
	ErrMsg    string `json:"errmsg"`
	MsgID     int64  `json:"msg_id,omitempty"`
	MsgDataID int64  `json:"msg_data_id,omitempty"`
}

func (r *massReply) errCode() int { return r.ErrCode }

// handleMassSend serves POST /cgi-bin/message/mass/send.
func (s *Server) handleMassSend(c *apiCall) any {
	a, e := s.authorize(c)
	if e != nil {
		return e
	}
	m := &a.msg
	m.init()
	if !m.massRateOK(c.now, s.mass.rateLimit) {
		// UNCONFIRMED: the doc gives the limit (≤60/min) but not its errcode;
		// 45011 is WeChat's generic per-minute quota answer.
		return errMinuteQuota()
	}
	var req massSendRequest
	if err := json.Unmarshal(c.body, &req); err != nil {
		return errDataFormat()
	}
	// UNCONFIRMED: the code for more than 10 000 openids is not documented;
	// 40130 is the list-size error for too few.
	if n := len(req.ToUser); n < minMassOpenIDs || n > maxMassOpenIDs {
		return errInvalidOpenIDListSize()
	}
	for _, id := range req.ToUser {
		if !wellFormedOpenID(id) {
			return errInvalidOpenID()
		}
	}
	// The dedupe check comes before the content check: a retry of an
	// accepted send learns its msg_id (45065) even when its content would
	// no longer pass, as a draft id does once its draft left the box
	// (DraftIDsOnce). UNCONFIRMED: WeChat's order of checks.
	p := req.payload()
	key := massKey(req.ClientMsgID, p, req.ToUser)
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
	job := s.acceptMass(a, c.now, &req, p)
	m.sendKeys[key] = job
	return &massReply{CodeOK, "send job submission success", job.MsgID, job.MsgDataID}
}

// repeated answers a send whose key WeChat accepted within its dedupe
// window: 45066 within the retry gap, else 45065 naming the earlier
// msg_id. It is nil for a new send. Callers hold s.mu.
func (s *Server) repeated(m *appMessages, key string, now time.Time) any {
	prev, ok := m.sendKeys[key]
	if !ok || now.Sub(prev.At) >= massDedupeWindow {
		return nil
	}
	if now.Sub(prev.At) < s.mass.retryGap {
		return errClientMsgIDRetryTooFast()
	}
	return &massReply{CodeClientMsgIDExist, "clientmsgid exist", prev.MsgID, prev.MsgDataID}
}

// massRateOK counts a call against the rolling minute, unless the limit is
// already reached. Callers hold s.mu.
func (m *appMessages) massRateOK(now time.Time, limit int) bool {
	if limit <= 0 {
		return true
	}
	cut := now.Add(-time.Minute)
	i := 0
	for i < len(m.massCalls) && !m.massCalls[i].After(cut) {
		i++
	}
	m.massCalls = m.massCalls[i:]
	if len(m.massCalls) >= limit {
		return false
	}
	m.massCalls = append(m.massCalls, now)
	return true
}

// massKey is the dedupe key of a send: its clientmsgid, or else, as WeChat
// does, a digest of content and scope. A digest is treated like an id, so
// an identical resend also gets 45066 within the retry gap.
func massKey(clientMsgID string, p payload, toUser []string) string {
	if clientMsgID != "" {
		return "id:" + clientMsgID
	}
	sorted := slices.Clone(toUser)
	slices.Sort(sorted)
	sorted = slices.Compact(sorted)
	h := sha256.New()
	for _, part := range append([]string{p.msgType, p.text}, p.mediaIDs...) {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	h.Write([]byte{0})
	for _, id := range sorted {
		h.Write([]byte(id))
		h.Write([]byte{0})
	}
	return "digest:" + hex.EncodeToString(h.Sum(nil))
}

// acceptMass creates the job and delivers it at once: each distinct openid
// that still follows and has not had its monthly four gets one message.
// Callers hold s.mu.
func (s *Server) acceptMass(a *app, now time.Time, req *massSendRequest, p payload) *Job {
	m := &a.msg
	job := &Job{
		MsgID: s.newMsgID(), ClientMsgID: req.ClientMsgID, MsgType: p.msgType,
		At: now, Status: JobSending,
	}
	if p.msgType == SendMPNews {
		s.mass.nextDataID++
		job.MsgDataID = s.mass.nextDataID
	}
	job.Content, job.MediaID = p.summary()
	job.Articles = p.articles
	m.massSent(p)
	month := beijingMonth(now)
	distinct := make([]string, 0, len(req.ToUser))
	for _, id := range req.ToUser {
		f := m.followers[id]
		if f.lastMsg == job.MsgID {
			continue // listed twice: delivered once
		}
		f.lastMsg = job.MsgID
		distinct = append(distinct, id)
		if !f.unfollowed {
			if f.month != month {
				f.month, f.inMonth = month, 0
			}
			if f.inMonth < monthlyMassCap {
				f.inMonth++
				f.total++
				job.Sent++
			} else {
				job.Skipped = append(job.Skipped, id)
			}
		} else {
			job.Skipped = append(job.Skipped, id)
		}
		m.followers[id] = f
	}
	job.ToUser = distinct
	job.Total = len(distinct)
	// FilterCount is what is left after filtering, ≈ Sent + Error.
	job.Filter = job.Sent
	m.jobs = append(m.jobs, job)
	m.jobByID[job.MsgID] = job
	s.scheduleFinish(a, job)
	return job
}
