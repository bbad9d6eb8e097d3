package wxsim

import (
	"fmt"
	"time"
)

// Follower is one follower as a test sets it up; the fields are the ones
// user/info reports.
type Follower struct {
	OpenID  string
	UnionID string
	// SubscribeTime is when they followed; zero means the Server's clock
	// now. It must fall before 2038: the SDK decodes it into an int32.
	SubscribeTime time.Time
	// SubscribeScene is one of the Scene constants; "" means SceneOthers.
	SubscribeScene string
	QRScene        int
	QRSceneStr     string
	// Language is zh_CN (the default for ""), zh_TW, zh_HK or en.
	Language string
	Remark   string
	// TagIDs are tags the follower holds: 2 (星标组) or ids from CreateTag,
	// at most 20.
	TagIDs []int
}

// AddFollowers puts fs on appID's roster, following, in the given order
// after the followers already there. An openid already on the roster has
// its details replaced; if it had unfollowed it follows again and moves to
// the end. Like the other setup hooks it panics on a malformed openid, an
// unknown tag, scene or language, or more than 20 tags.
func (s *Server) AddFollowers(appID string, fs ...Follower) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.mustApp(appID)
	r := &a.users
	now := s.now()
	for _, f := range fs {
		v := r.fanOf(f, now)
		if old := r.lookup(f.OpenID); old != nil {
			r.refollow(old, now)
			r.countTags(old, -1)
			v.pos, v.following = old.pos, true
			*old = v
			r.countTags(old, 1)
		} else {
			r.add(v)
		}
		i := r.index[f.OpenID]
		delete(r.extra, i)
		if v.hasExtra {
			r.extra[i] = fanExtra{unionID: f.UnionID, remark: f.Remark, qrSceneStr: f.QRSceneStr}
		}
		if mf, ok := a.msg.followers[f.OpenID]; ok && mf.unfollowed {
			mf.unfollowed = false
			a.msg.followers[f.OpenID] = mf
		}
	}
}

// fanOf validates f and packs it, not yet placed in the order.
func (r *roster) fanOf(f Follower, now time.Time) fan {
	if !wellFormedOpenID(f.OpenID) {
		panic(fmt.Sprintf("wxsim: malformed openid %q", f.OpenID))
	}
	if len(f.TagIDs) > maxTagsPerFan {
		panic(fmt.Sprintf("wxsim: %s holds %d tags, WeChat allows %d", f.OpenID, len(f.TagIDs), maxTagsPerFan))
	}
	at := f.SubscribeTime
	if at.IsZero() {
		at = now
	}
	scenes, langs := sceneNames(), languageNames()
	v := fan{
		openid:   f.OpenID,
		since:    unixSeconds(at),
		qrScene:  int32(f.QRScene),
		scene:    indexOf(scenes[:], f.SubscribeScene, "subscribe scene"),
		lang:     indexOf(langs[:], f.Language, "language"),
		hasExtra: f.UnionID != "" || f.Remark != "" || f.QRSceneStr != "",
	}
	for _, id := range f.TagIDs {
		slot := r.tags.slotOf(id)
		if slot < 0 {
			panic(fmt.Sprintf("wxsim: %s: no tag %d (create it with CreateTag)", f.OpenID, id))
		}
		v.tags.add(slot)
	}
	return v
}

// CreateTag creates a tag on appID as tags/create would, without a call
// being recorded. The error is an *APIError with WeChat's errcode when
// WeChat would refuse the name or the account has 100 tags.
func (s *Server) CreateTag(appID, name string) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, e := s.mustApp(appID).users.tags.create(name)
	if e != nil {
		return 0, &APIError{Code: e.Code, Msg: e.Msg}
	}
	return id, nil
}

// APIError is a refusal in WeChat's terms, returned by setup hooks that
// apply an endpoint's rules (CreateTag).
type APIError struct {
	Code int
	Msg  string
}

func (e *APIError) Error() string { return fmt.Sprintf("wxsim: errcode %d: %s", e.Code, e.Msg) }

// WeChatTags returns appID's tags as tags/get lists them: 星标组 first,
// then by id, each with how many followers hold it.
func (s *Server) WeChatTags(appID string) []TagInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.mustApp(appID).users.tags.list()
}

// FollowerTagIDs returns the tag ids openid holds on appID, ascending, or
// nil if openid is not on the roster. An unfollowed openid keeps its tags.
func (s *Server) FollowerTagIDs(appID, openid string) []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := &s.mustApp(appID).users
	f := r.lookup(openid)
	if f == nil {
		return nil
	}
	return r.tags.ids(f.tags)
}

// FollowerCount reports how many openids follow appID on its roster.
func (s *Server) FollowerCount(appID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.mustApp(appID).users.following
}
