package wxsim

import "encoding/json"

const (
	// userPageSize is the documented most openids user/get returns.
	userPageSize = 10000
	// maxBatchGet is the documented most users user/info/batchget takes.
	maxBatchGet = 100
)

// userCall is how every user-management and tag endpoint starts: check the
// access token, ready the app's roster and, when req is not nil, decode
// the JSON body into it.
func (s *Server) userCall(c *apiCall, req any) (*roster, *apiError) {
	a, e := s.authorize(c)
	if e != nil {
		return nil, e
	}
	a.users.init()
	if req != nil {
		if err := json.Unmarshal(c.body, req); err != nil {
			return nil, errDataFormat()
		}
	}
	return &a.users, nil
}

// openIDPage is the list part of user/get and user/tag/get.
type openIDPage struct {
	OpenIDs []string `json:"openid"`
}

// userListReply is user/get's answer. WeChat leaves data out of the last,
// empty page (UNCONFIRMED; clients read either way).
type userListReply struct {
	Total      int         `json:"total"`
	Count      int         `json:"count"`
	Data       *openIDPage `json:"data,omitempty"`
	NextOpenID string      `json:"next_openid"`
}

// pageReply builds the list fields shared by user/get and user/tag/get:
// a page's next_openid is its last openid; an empty page has none.
func pageOf(ids []string) (int, *openIDPage, string) {
	if len(ids) == 0 {
		return 0, nil, ""
	}
	return len(ids), &openIDPage{ids}, ids[len(ids)-1]
}

// handleUserGet serves GET /cgi-bin/user/get: the followers in follow
// order, 10 000 a page, continuing after next_openid.
func (s *Server) handleUserGet(c *apiCall) any {
	r, e := s.userCall(c, nil)
	if e != nil {
		return e
	}
	next := c.query.Get("next_openid")
	if next != "" && !wellFormedOpenID(next) {
		return errInvalidOpenID()
	}
	from, e := r.after(next)
	if e != nil {
		return e
	}
	ids, _ := r.page(from, userPageSize, func(*fan) bool { return true })
	reply := &userListReply{Total: r.following}
	reply.Count, reply.Data, reply.NextOpenID = pageOf(ids)
	return reply
}

// userInfo is user/info's answer for a follower. nickname, headimgurl,
// sex and region are gone since 2021-12-27, so they are not sent.
type userInfo struct {
	Subscribe      int    `json:"subscribe"`
	OpenID         string `json:"openid"`
	Language       string `json:"language"`
	SubscribeTime  int64  `json:"subscribe_time"`
	UnionID        string `json:"unionid,omitempty"`
	Remark         string `json:"remark"`
	GroupID        int    `json:"groupid"`
	TagIDList      []int  `json:"tagid_list"`
	SubscribeScene string `json:"subscribe_scene"`
	QRScene        int    `json:"qr_scene"`
	QRSceneStr     string `json:"qr_scene_str"`
}

// unsubscribedInfo is user/info's answer for someone who unfollowed:
// "subscribe 0, nothing else returned".
type unsubscribedInfo struct {
	Subscribe int    `json:"subscribe"`
	OpenID    string `json:"openid"`
}

// info looks openid up for user/info and batchget: 40003 unless it is
// well formed and followed at some time.
func (r *roster) info(openid string) (any, *apiError) {
	if !wellFormedOpenID(openid) {
		return nil, errInvalidOpenID()
	}
	f := r.lookup(openid)
	if f == nil {
		return nil, errInvalidOpenID()
	}
	if !f.following {
		return &unsubscribedInfo{OpenID: openid}, nil
	}
	scenes, langs := sceneNames(), languageNames()
	x := r.extra[r.index[openid]]
	return &userInfo{
		Subscribe: 1, OpenID: openid, Language: langs[f.lang],
		SubscribeTime: int64(f.since), UnionID: x.unionID, Remark: x.remark,
		TagIDList: r.tags.ids(f.tags), SubscribeScene: scenes[f.scene],
		QRScene: int(f.qrScene), QRSceneStr: x.qrSceneStr,
	}, nil
}

// handleUserInfo serves GET /cgi-bin/user/info. lang only chose the
// language of the region names WeChat no longer sends, so any value is
// accepted (no source says WeChat checks it).
func (s *Server) handleUserInfo(c *apiCall) any {
	r, e := s.userCall(c, nil)
	if e != nil {
		return e
	}
	info, e := r.info(c.query.Get("openid"))
	if e != nil {
		return e
	}
	return info
}

type batchGetRequest struct {
	UserList []struct {
		OpenID string `json:"openid"`
		Lang   string `json:"lang"`
	} `json:"user_list"`
}

type batchGetReply struct {
	UserInfoList []any `json:"user_info_list"`
}

// handleBatchGet serves POST /cgi-bin/user/info/batchget: up to 100
// users, each answered as user/info would; one openid that never followed
// fails the whole call.
func (s *Server) handleBatchGet(c *apiCall) any {
	var req batchGetRequest
	r, e := s.userCall(c, &req)
	if e != nil {
		return e
	}
	if n := len(req.UserList); n == 0 || n > maxBatchGet {
		// UNCONFIRMED: the documentation gives the limit, not its code;
		// 40032 is WeChat's "invalid openid list size", as for tagging.
		return errInvalidListSize()
	}
	out := make([]any, len(req.UserList))
	for i, u := range req.UserList {
		info, e := r.info(u.OpenID)
		if e != nil {
			return e
		}
		out[i] = info
	}
	return &batchGetReply{out}
}
