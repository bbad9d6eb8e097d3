package wxsim

type uploadNewsReply struct {
	Type      string `json:"type"`
	MediaID   string `json:"media_id"`
	CreatedAt int64  `json:"created_at"`
}

// handleUploadNews serves POST /cgi-bin/media/uploadnews: the articles,
// validated as draft/add validates them, become a mass-send news id whose
// words never change. Mass send and preview accept it in every DraftMode;
// it is neither a draft nor permanent material (get_material: 40007). Ids
// are UPNEWS_0001, … per app. Its daily quota (10) is in quota.go.
func (s *Server) handleUploadNews(c *apiCall) any {
	var req draftAddRequest
	m, e := s.messageCall(c, &req)
	if e != nil {
		return e
	}
	arts, e := m.checkArticles(req.Articles)
	if e != nil {
		return e
	}
	id := m.newID("UPNEWS")
	m.box().uploads[id] = &mediaNews{articles: arts, created: c.now}
	return &uploadNewsReply{Type: MediaNews, MediaID: id, CreatedAt: c.now.Unix()}
}

// handleRetiredNews serves material/add_news and material/update_news,
// offline since 2022-02-28: 45103 to any caller with a valid token.
func (s *Server) handleRetiredNews(c *apiCall) any {
	if _, e := s.authorize(c); e != nil {
		return e
	}
	return errAPIUnsupported()
}
