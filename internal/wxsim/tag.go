package wxsim

const (
	// tagPageSize is how many openids user/tag/get returns at most
	// (UNCONFIRMED: probably 10 000, like user/get).
	tagPageSize = 10000
	// maxTaggingOpenIDs is the documented most openids per batchtagging
	// or batchuntagging call.
	maxTaggingOpenIDs = 50
)

// tagBody is the "tag" object of the tags/* requests and replies.
type tagBody struct {
	ID   int    `json:"id"`
	Name string `json:"name"`
}

type tagRequest struct {
	Tag tagBody `json:"tag"`
}

func okReply() *apiError { return &apiError{CodeOK, "ok"} }

// handleTagCreate serves POST /cgi-bin/tags/create.
func (s *Server) handleTagCreate(c *apiCall) any {
	var req tagRequest
	r, e := s.userCall(c, &req)
	if e != nil {
		return e
	}
	id, e := r.tags.create(req.Tag.Name)
	if e != nil {
		return e
	}
	return &tagRequest{tagBody{id, req.Tag.Name}}
}

type tagListReply struct {
	Tags []TagInfo `json:"tags"`
}

// handleTagGet serves GET /cgi-bin/tags/get: 星标组 and the account's own
// tags, with how many followers hold each.
func (s *Server) handleTagGet(c *apiCall) any {
	r, e := s.userCall(c, nil)
	if e != nil {
		return e
	}
	return &tagListReply{r.tags.list()}
}

// handleTagUpdate serves POST /cgi-bin/tags/update (a rename).
func (s *Server) handleTagUpdate(c *apiCall) any {
	var req tagRequest
	r, e := s.userCall(c, &req)
	if e != nil {
		return e
	}
	slot, e := r.tags.mutable(req.Tag.ID)
	if e != nil {
		return e
	}
	if e := r.tags.checkName(req.Tag.Name, slot); e != nil {
		return e
	}
	r.tags.slots[slot].name = req.Tag.Name
	return okReply()
}

// handleTagDelete serves POST /cgi-bin/tags/delete. The tag leaves every
// fan that held it, followers or not; its id is never used again.
func (s *Server) handleTagDelete(c *apiCall) any {
	var req tagRequest
	r, e := s.userCall(c, &req)
	if e != nil {
		return e
	}
	slot, e := r.tags.mutable(req.Tag.ID)
	if e != nil {
		return e
	}
	if r.tags.slots[slot].count > maxFansToDelete {
		return errTagHasTooManyFans()
	}
	for i := range r.fans {
		r.fans[i].tags.remove(slot)
	}
	r.tags.slots[slot] = tagSlot{}
	return okReply()
}

type tagFansRequest struct {
	TagID      int    `json:"tagid"`
	NextOpenID string `json:"next_openid"`
}

type tagFansReply struct {
	Count      int         `json:"count"`
	Data       *openIDPage `json:"data,omitempty"`
	NextOpenID string      `json:"next_openid"`
}

// handleTagFans serves POST /cgi-bin/user/tag/get: the followers holding
// a tag, in user/get's order, paged like user/get.
func (s *Server) handleTagFans(c *apiCall) any {
	var req tagFansRequest
	r, e := s.userCall(c, &req)
	if e != nil {
		return e
	}
	slot := r.tags.slotOf(req.TagID)
	if slot < 0 {
		return errInvalidTagID()
	}
	if req.NextOpenID != "" && !wellFormedOpenID(req.NextOpenID) {
		return errInvalidOpenID()
	}
	from, e := r.after(req.NextOpenID)
	if e != nil {
		return e
	}
	ids, _ := r.page(from, tagPageSize, func(f *fan) bool { return f.tags.has(slot) })
	reply := &tagFansReply{}
	reply.Count, reply.Data, reply.NextOpenID = pageOf(ids)
	return reply
}

type taggingRequest struct {
	OpenIDList []string `json:"openid_list"`
	TagID      int      `json:"tagid"`
}

// tagging checks a batchtagging or batchuntagging request and returns the
// fans it names and the tag's slot. Any bad openid refuses the whole call.
// Only followers can be tagged; untagging takes anyone who ever followed.
func (r *roster) tagging(req *taggingRequest, tag bool) ([]*fan, int, *apiError) {
	if n := len(req.OpenIDList); n == 0 || n > maxTaggingOpenIDs {
		return nil, 0, errInvalidListSize()
	}
	slot := r.tags.slotOf(req.TagID)
	if slot < 0 {
		return nil, 0, errInvalidTagID()
	}
	fans := make([]*fan, len(req.OpenIDList))
	for i, id := range req.OpenIDList {
		if !wellFormedOpenID(id) {
			return nil, 0, errInvalidOpenID()
		}
		f := r.lookup(id)
		if f == nil || tag && !f.following {
			return nil, 0, errInvalidOpenID()
		}
		fans[i] = f
	}
	return fans, slot, nil
}

// handleBatchTagging serves POST /cgi-bin/tags/members/batchtagging. It
// is all or nothing: if one fan would end up with more than 20 tags, no
// one is tagged. A fan who has the tag already is left as is.
func (s *Server) handleBatchTagging(c *apiCall) any {
	var req taggingRequest
	r, e := s.userCall(c, &req)
	if e != nil {
		return e
	}
	fans, slot, e := r.tagging(&req, true)
	if e != nil {
		return e
	}
	for _, f := range fans {
		if !f.tags.has(slot) && f.tags.len() >= maxTagsPerFan {
			return errFanHasTooManyTags()
		}
	}
	for _, f := range fans {
		if !f.tags.has(slot) {
			f.tags.add(slot)
			r.tags.slots[slot].count++
		}
	}
	return okReply()
}

// handleBatchUntagging serves POST /cgi-bin/tags/members/batchuntagging;
// untagging a fan without the tag is fine.
func (s *Server) handleBatchUntagging(c *apiCall) any {
	var req taggingRequest
	r, e := s.userCall(c, &req)
	if e != nil {
		return e
	}
	fans, slot, e := r.tagging(&req, false)
	if e != nil {
		return e
	}
	for _, f := range fans {
		if f.tags.has(slot) {
			f.tags.remove(slot)
			if f.following {
				r.tags.slots[slot].count--
			}
		}
	}
	return okReply()
}

type tagIDListReply struct {
	TagIDList []int `json:"tagid_list"`
}

// handleTagIDList serves POST /cgi-bin/tags/getidlist: the tags a fan
// holds, ascending.
func (s *Server) handleTagIDList(c *apiCall) any {
	var req struct {
		OpenID string `json:"openid"`
	}
	r, e := s.userCall(c, &req)
	if e != nil {
		return e
	}
	if !wellFormedOpenID(req.OpenID) {
		return errInvalidOpenID()
	}
	f := r.lookup(req.OpenID)
	if f == nil {
		return errInvalidOpenID()
	}
	return &tagIDListReply{r.tags.ids(f.tags)}
}
