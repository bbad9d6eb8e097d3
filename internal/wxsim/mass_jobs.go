package wxsim

import (
	"slices"
	"time"
)

// Mass job statuses, as mass/get reports them.
const (
	JobSending     = "SENDING"
	JobSendSuccess = "SEND_SUCCESS"
	JobSendFail    = "SEND_FAIL"
	JobDeleted     = "DELETE"
)

// Job is one accepted mass send.
type Job struct {
	MsgID       int64
	MsgDataID   int64 // mpnews only
	ClientMsgID string
	MsgType     string
	// Content is a text job's text; MediaID an mpnews or image job's
	// media_id(s), comma-separated.
	Content, MediaID string
	// Articles are an mpnews job's articles as they were when WeChat
	// accepted the send: a draft's, a media/uploadnews id's or permanent
	// material's words, whatever an editor changed later. Nil for text
	// and image.
	Articles []DraftArticle
	// ToUser is the distinct openids of the request, in request order;
	// Skipped those of them the job did not reach (unfollowed, or over
	// the monthly cap), usually few.
	ToUser  []string
	Skipped []string
	At      time.Time
	Status  string
	// Total counts ToUser; Filter those left after filtering unfollowed
	// users and the monthly cap; Sent those delivered; Errors is 0.
	Total, Filter, Sent, Errors int
	// PushAttempts and Pushed describe the MASSSENDJOBFINISH push: how many
	// tries it took and whether one was answered 2xx.
	PushAttempts int
	Pushed       bool

	// TagID is a mass/sendall job's filter.tag_id, ToAll its is_to_all;
	// a mass/send job has neither.
	TagID int
	ToAll bool
}

// Jobs returns copies of appID's accepted mass sends, oldest first.
func (s *Server) Jobs(appID string) []Job {
	s.mu.Lock()
	defer s.mu.Unlock()
	src := s.appMsgs(appID).jobs
	out := make([]Job, len(src))
	for i, j := range src {
		out[i] = *j
		out[i].ToUser = slices.Clone(j.ToUser)
		out[i].Skipped = slices.Clone(j.Skipped)
		out[i].Articles = cloneArticles(j.Articles)
	}
	return out
}

// finalStatus is what a job becomes once it has finished. UNCONFIRMED: a
// job that reached nobody is reported as failed; WeChat's behaviour for it
// is undocumented, but it gives tests a way to see SEND_FAIL.
func finalStatus(j *Job) (job, push string) {
	if j.Sent == 0 {
		return JobSendFail, "send fail"
	}
	return JobSendSuccess, "send success"
}

type massIDRequest struct {
	MsgID      flexID `json:"msg_id"`
	ArticleIdx int    `json:"article_idx"`
}

// jobOf parses a msg_id request and finds the app's job. Callers hold s.mu.
func (s *Server) jobOf(c *apiCall) (*massIDRequest, *Job, *apiError) {
	var req massIDRequest
	m, e := s.messageCall(c, &req)
	if e != nil {
		return nil, nil, e
	}
	job, ok := m.jobByID[int64(req.MsgID)]
	if !ok {
		return nil, nil, errInvalidMsgID()
	}
	return &req, job, nil
}

// handleMassDelete serves POST /cgi-bin/message/mass/delete. Only mpnews
// can be deleted here (mpvideo is not simulated); the simulated articles
// are single, so article_idx is 0 (the whole message) or 1.
func (s *Server) handleMassDelete(c *apiCall) any {
	req, job, e := s.jobOf(c)
	if e != nil {
		return e
	}
	if job.MsgType != SendMPNews {
		// UNCONFIRMED: no code is documented for "this type cannot be
		// deleted"; 40059 is what a msg_id that cannot be deleted gets.
		return errInvalidMsgID()
	}
	if req.ArticleIdx < 0 || req.ArticleIdx > 1 {
		return errInvalidArticleIdx()
	}
	job.Status = JobDeleted
	return &apiError{CodeOK, "ok"}
}

type massStatusReply struct {
	MsgID     int64  `json:"msg_id"`
	MsgStatus string `json:"msg_status"`
}

// handleMassGet serves POST /cgi-bin/message/mass/get.
func (s *Server) handleMassGet(c *apiCall) any {
	_, job, e := s.jobOf(c)
	if e != nil {
		return e
	}
	return massStatusReply{MsgID: job.MsgID, MsgStatus: job.Status}
}
