package wxsim

// maxDraftPage is the largest count draft/batchget accepts.
const maxDraftPage = 20

type draftAddRequest struct {
	Articles []wireArticle `json:"articles"`
}

type mediaIDReply struct {
	MediaID string `json:"media_id"`
}

// handleDraftAdd serves POST /cgi-bin/draft/add.
func (s *Server) handleDraftAdd(c *apiCall) any {
	var req draftAddRequest
	m, e := s.messageCall(c, &req)
	if e != nil {
		return e
	}
	arts, e := m.checkArticles(req.Articles)
	if e != nil {
		return e
	}
	return &mediaIDReply{m.addDraft(arts, c.now).id}
}

type draftReply struct {
	NewsItem   []wireArticle `json:"news_item"`
	CreateTime int64         `json:"create_time"`
	UpdateTime int64         `json:"update_time"`
}

// boxDraft parses a {media_id} body and finds the draft in the box; a
// draft that is not there (never was, deleted, mass-sent) is 40007.
func (s *Server) boxDraft(c *apiCall, req any, id func() string) (*appMessages, *draft, *apiError) {
	m, e := s.messageCall(c, req)
	if e != nil {
		return nil, nil, e
	}
	d, ok := m.box().drafts[id()]
	if !ok {
		return nil, nil, errInvalidMediaID()
	}
	return m, d, nil
}

// handleDraftGet serves POST /cgi-bin/draft/get.
func (s *Server) handleDraftGet(c *apiCall) any {
	var req mediaRef
	_, d, e := s.boxDraft(c, &req, func() string { return req.MediaID })
	if e != nil {
		return e
	}
	return &draftReply{wireArticles(d.articles, true), d.created.Unix(), d.updated.Unix()}
}

type draftUpdateRequest struct {
	MediaID  string       `json:"media_id"`
	Index    int          `json:"index"`
	Articles *wireArticle `json:"articles"`
}

// handleDraftUpdate serves POST /cgi-bin/draft/update: article index
// (0-based) is replaced as a whole.
func (s *Server) handleDraftUpdate(c *apiCall) any {
	var req draftUpdateRequest
	m, d, e := s.boxDraft(c, &req, func() string { return req.MediaID })
	if e != nil {
		return e
	}
	if req.Index < 0 || req.Index >= len(d.articles) {
		return errInvalidArgs()
	}
	if req.Articles == nil {
		return errEmptyNews()
	}
	a := req.Articles.article()
	if e := m.checkArticle(a); e != nil {
		return e
	}
	a.URL = d.articles[req.Index].URL
	d.articles[req.Index] = a
	d.updated = c.now
	return &apiError{CodeOK, "ok"}
}

// handleDraftDelete serves POST /cgi-bin/draft/delete.
func (s *Server) handleDraftDelete(c *apiCall) any {
	var req mediaRef
	m, d, e := s.boxDraft(c, &req, func() string { return req.MediaID })
	if e != nil {
		return e
	}
	delete(m.box().drafts, d.id)
	return &apiError{CodeOK, "ok"}
}

type draftBatchGetRequest struct {
	Offset    int `json:"offset"`
	Count     int `json:"count"`
	NoContent int `json:"no_content"`
}

type draftBatchItem struct {
	MediaID string `json:"media_id"`
	Content struct {
		NewsItem   []wireArticle `json:"news_item"`
		CreateTime int64         `json:"create_time"`
		UpdateTime int64         `json:"update_time"`
	} `json:"content"`
	UpdateTime int64 `json:"update_time"`
}

type draftBatchGetReply struct {
	TotalCount int              `json:"total_count"`
	ItemCount  int              `json:"item_count"`
	Item       []draftBatchItem `json:"item"`
}

// handleDraftBatchGet serves POST /cgi-bin/draft/batchget: count (1..20)
// drafts from offset, most recently updated first. UNCONFIRMED: the order
// (the doc does not say; the console lists the newest first).
func (s *Server) handleDraftBatchGet(c *apiCall) any {
	var req draftBatchGetRequest
	m, e := s.messageCall(c, &req)
	if e != nil {
		return e
	}
	if req.Count < 1 || req.Count > maxDraftPage || req.Offset < 0 {
		return errInvalidArgs()
	}
	all := m.box().newestFirst()
	r := &draftBatchGetReply{TotalCount: len(all), Item: []draftBatchItem{}}
	for _, d := range all[min(req.Offset, len(all)):min(req.Offset+req.Count, len(all))] {
		it := draftBatchItem{MediaID: d.id, UpdateTime: d.updated.Unix()}
		it.Content.NewsItem = wireArticles(d.articles, req.NoContent != 1)
		it.Content.CreateTime, it.Content.UpdateTime = d.created.Unix(), d.updated.Unix()
		r.Item = append(r.Item, it)
	}
	r.ItemCount = len(r.Item)
	return r
}

type draftCountReply struct {
	TotalCount int `json:"total_count"`
}

// handleDraftCount serves GET /cgi-bin/draft/count (GET, unlike the rest
// of the draft box, as documented).
func (s *Server) handleDraftCount(c *apiCall) any {
	a, e := s.authorize(c)
	if e != nil {
		return e
	}
	a.msg.init()
	return &draftCountReply{len(a.msg.box().drafts)}
}
