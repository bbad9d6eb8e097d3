package wxsim

import (
	"fmt"
	"time"
)

// Subscribe scenes: how a follower came to follow, as user/info's
// subscribe_scene reports it.
const (
	SceneSearch           = "ADD_SCENE_SEARCH"
	SceneAccountMigration = "ADD_SCENE_ACCOUNT_MIGRATION"
	SceneProfileCard      = "ADD_SCENE_PROFILE_CARD"
	SceneQRCode           = "ADD_SCENE_QR_CODE"
	SceneProfileLink      = "ADD_SCENE_PROFILE_LINK"
	SceneProfileItem      = "ADD_SCENE_PROFILE_ITEM"
	ScenePaid             = "ADD_SCENE_PAID"
	SceneAdvertisement    = "ADD_SCENE_WECHAT_ADVERTISEMENT"
	SceneReprint          = "ADD_SCENE_REPRINT"
	SceneLivestream       = "ADD_SCENE_LIVESTREAM"
	SceneChannels         = "ADD_SCENE_CHANNELS"
	SceneOthers           = "ADD_SCENE_OTHERS"
)

// sceneNames lists the scenes a fan's scene byte indexes; 0 is the
// default, ADD_SCENE_OTHERS.
func sceneNames() [12]string {
	return [...]string{
		SceneOthers, SceneSearch, SceneAccountMigration, SceneProfileCard, SceneQRCode,
		SceneProfileLink, SceneProfileItem, ScenePaid, SceneAdvertisement, SceneReprint,
		SceneLivestream, SceneChannels,
	}
}

// languageNames lists the languages a fan's lang byte indexes; 0 is the
// default, zh_CN.
func languageNames() [4]string { return [...]string{"zh_CN", "zh_TW", "zh_HK", "en"} }

// indexOf finds v in names for the packed fields above; test setup with an
// unknown value is a typo, so it panics.
func indexOf(names []string, v, what string) uint8 {
	if v == "" {
		return 0
	}
	for i, n := range names {
		if n == v {
			return uint8(i)
		}
	}
	panic(fmt.Sprintf("wxsim: unknown %s %q (want one of %q)", what, v, names))
}

// fan is one openid that follows or once followed the account. A roster
// keeps fans by value in one slice, 48 bytes each and one pointer (the
// openid, which PopulateFollowers carves out of one shared string), so a
// million of them cost no per-fan allocation. The rare string fields live
// in roster.extra.
type fan struct {
	openid string
	// since is subscribe_time in unix seconds: the SDK decodes it into an
	// int32, so it stays below 2038.
	since   uint32
	pos     int32 // index in roster.order, kept after an unfollow
	qrScene int32
	scene   uint8 // index in sceneNames
	lang    uint8 // index in languageNames
	// following is false after an unfollow; the fan keeps its tags, but
	// counts and lists only cover followers.
	following bool
	hasExtra  bool
	tags      tagSet
}

// fanExtra holds the fields most fans leave empty.
type fanExtra struct {
	unionID    string
	remark     string
	qrSceneStr string
}

// roster is an app's followers and tags, for the user-management
// endpoints. Its maps are made on first use.
type roster struct {
	fans  []fan
	index map[string]int32 // openid → fans index
	// order is the user/get order: fans indices in follow order. An
	// unfollow leaves a -1 in its fan's place (so paging from that openid
	// still works); a refollow appends. Holes are never compacted: they
	// cost 4 bytes each and only slow paging over long runs of unfollows.
	order     []int32
	following int
	extra     map[int32]fanExtra
	tags      tagTable
}

func (r *roster) init() {
	if r.index != nil {
		return
	}
	r.index = make(map[string]int32)
	r.extra = make(map[int32]fanExtra)
	r.tags.init()
}

// lookup returns the fan of openid, or nil if it never followed.
func (r *roster) lookup(openid string) *fan {
	i, ok := r.index[openid]
	if !ok {
		return nil
	}
	return &r.fans[i]
}

// add appends a new following fan and returns it. Callers checked that
// f.openid is not in the roster.
func (r *roster) add(f fan) *fan {
	i := int32(len(r.fans))
	f.following = true
	f.pos = int32(len(r.order))
	r.fans = append(r.fans, f)
	r.order = append(r.order, i)
	r.index[f.openid] = i
	r.following++
	r.countTags(&r.fans[i], 1)
	return &r.fans[i]
}

// unfollow takes f out of the user/get order and the tag counts.
func (r *roster) unfollow(f *fan) {
	if !f.following {
		return
	}
	f.following = false
	r.order[f.pos] = -1
	r.following--
	r.countTags(f, -1)
}

// refollow makes an unfollowed f follow again at the end of the order,
// since at.
func (r *roster) refollow(f *fan, at time.Time) {
	if f.following {
		return
	}
	f.following = true
	f.since = unixSeconds(at)
	f.pos = int32(len(r.order))
	r.order = append(r.order, r.index[f.openid])
	r.following++
	r.countTags(f, 1)
}

// countTags moves the counts of f's tags by d.
func (r *roster) countTags(f *fan, d int) {
	f.tags.each(func(slot int) { r.tags.slots[slot].count += d })
}

// page returns up to limit following fans after order position from
// (exclusive; -1 for the start) that keep says to list, and the position
// of the last one. It costs O(scanned), not O(roster).
func (r *roster) page(from, limit int, keep func(*fan) bool) ([]string, int) {
	out := make([]string, 0, min(limit, r.following))
	last := from
	for p := from + 1; p < len(r.order) && len(out) < limit; p++ {
		i := r.order[p]
		if i < 0 || !keep(&r.fans[i]) {
			continue
		}
		out = append(out, r.fans[i].openid)
		last = p
	}
	return out, last
}

// after resolves a next_openid to the order position to continue after: -1
// for "", an error for an openid that never followed.
func (r *roster) after(next string) (int, *apiError) {
	if next == "" {
		return -1, nil
	}
	f := r.lookup(next)
	if f == nil {
		return 0, errInvalidOpenID()
	}
	return int(f.pos), nil
}

func unixSeconds(t time.Time) uint32 {
	s := t.Unix()
	if s < 0 || s > 1<<31-1 {
		panic(fmt.Sprintf("wxsim: subscribe time %v does not fit the SDK's int32 subscribe_time", t))
	}
	return uint32(s)
}
