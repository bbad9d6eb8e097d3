package wxsim

import (
	"time"
)

// previewsPerDay caps previews per app and Beijing day. The doc confirms
// 100/day for towxname and reports 45009 near 100/day for openids too
// (UNCONFIRMED); one cap for both keeps senders honest.
const previewsPerDay = 100

// Preview is one accepted mass/preview.
type Preview struct {
	// To is the openid, or the WeChat ID when ByWXName is set.
	To       string
	ByWXName bool
	MsgType  string
	Content  string // text
	MediaID  string // mpnews or image
	// Articles are an mpnews preview's articles as they were when it was
	// accepted (see Job.Articles).
	Articles []DraftArticle
	At       time.Time
	MsgID    int64
}

type massPreviewRequest struct {
	ToUser   string    `json:"touser"`
	ToWXName string    `json:"towxname"`
	MsgType  string    `json:"msgtype"`
	Text     *textBody `json:"text"`
	MPNews   *mediaRef `json:"mpnews"`
	// Image is singular here, unlike mass/send's images. A body that
	// sends images (an SDK bug fixed upstream) has no image.media_id and
	// gets 40007, as a missing media_id does everywhere.
	Image *mediaRef `json:"image"`
}

func (r *massPreviewRequest) payload() payload {
	p := payload{msgType: r.MsgType, text: textOf(r.Text)}
	switch r.MsgType {
	case SendMPNews:
		p.mediaIDs = mediaIDOf(r.MPNews)
	case SendImage:
		p.mediaIDs = mediaIDOf(r.Image)
	}
	return p
}

type previewReply struct {
	ErrCode int    `json:"errcode"`
	ErrMsg  string `json:"errmsg"`
	MsgID   int64  `json:"msg_id"`
}

// handleMassPreview serves POST /cgi-bin/message/mass/preview.
func (s *Server) handleMassPreview(c *apiCall) any {
	var req massPreviewRequest
	m, e := s.messageCall(c, &req)
	if e != nil {
		return e
	}
	// towxname wins when both are set, as documented.
	to, byName := req.ToWXName, true
	if to == "" {
		to, byName = req.ToUser, false
		if !wellFormedOpenID(to) {
			return errInvalidOpenID()
		}
	}
	p, e := s.checkMass(m, req.payload())
	if e != nil {
		return e
	}
	if !byName && m.followers[to].unfollowed {
		return errRequireSubscribe() // UNCONFIRMED for previews
	}
	if day := beijingDay(c.now); day != m.previewDay {
		m.previewDay, m.previewCount = day, 0
	}
	if m.previewCount >= previewsPerDay {
		return errDailyQuota()
	}
	m.previewCount++
	pv := Preview{To: to, ByWXName: byName, MsgType: p.msgType, At: c.now, MsgID: s.newMsgID(),
		Articles: p.articles}
	pv.Content, pv.MediaID = p.summary()
	m.previews = append(m.previews, pv)
	return &previewReply{CodeOK, "preview success", pv.MsgID}
}

// Previews returns appID's accepted previews, oldest first.
func (s *Server) Previews(appID string) []Preview {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := append([]Preview(nil), s.appMsgs(appID).previews...)
	for i := range out {
		out[i].Articles = cloneArticles(out[i].Articles)
	}
	return out
}
