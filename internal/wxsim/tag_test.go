package wxsim

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
)

func tagBodyOf(id int, name string) map[string]any {
	return map[string]any{"tag": map[string]any{"id": id, "name": name}}
}

func tagging(ids []string, tag int) map[string]any {
	return map[string]any{"openid_list": ids, "tagid": tag}
}

func TestTagCreate(t *testing.T) {
	e := newMsgEnv(t)
	tests := []struct {
		name, tag string
		wantCode  int
		wantID    int
	}{
		{"first", "vip", 0, 100},
		{"second", "新客", 0, 101},
		{"30 bytes", strings.Repeat("标", 10), 0, 102},
		{"31 bytes", strings.Repeat("a", 31), CodeTagNameTooLong, 0},
		{"33 bytes", strings.Repeat("标", 11), CodeTagNameTooLong, 0},
		{"duplicate", "vip", CodeInvalidTagName, 0},
		{"the system tag's name", "星标组", CodeInvalidTagName, 0},
		{"empty", "", CodeInvalidTagName, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out struct {
				Tag struct {
					ID   int    `json:"id"`
					Name string `json:"name"`
				} `json:"tag"`
			}
			c, raw := e.with(t).api(http.MethodPost, pathTagCreate, nil, tagBodyOf(0, tt.tag), &out)
			if c != tt.wantCode {
				t.Fatalf("errcode %d (%s), want %d", c, raw, tt.wantCode)
			}
			if c == 0 && (out.Tag.ID != tt.wantID || out.Tag.Name != tt.tag) {
				t.Errorf("tag %+v, want id %d", out.Tag, tt.wantID)
			}
		})
	}
}

// 100 tags of the account's own are the limit; 星标组 is not one of them,
// and a deleted tag's id is never handed out again.
func TestTagLimit(t *testing.T) {
	e := newMsgEnv(t)
	for i := range 100 {
		if c := e.code(pathTagCreate, tagBodyOf(0, fmt.Sprint("t", i))); c != 0 {
			t.Fatalf("tag %d: errcode %d", i, c)
		}
	}
	if c := e.code(pathTagCreate, tagBodyOf(0, "one more")); c != CodeTooManyTags {
		t.Fatalf("101st tag: errcode %d, want %d", c, CodeTooManyTags)
	}
	if _, err := e.sim.CreateTag(testApp, "direct"); errCodeOfErr(err) != CodeTooManyTags {
		t.Errorf("CreateTag at the limit: %v", err)
	}
	if n := len(e.sim.WeChatTags(testApp)); n != 101 {
		t.Errorf("tags/get lists %d tags, want 星标组 + 100", n)
	}
	wantCode(t, e.post(pathTagDelete, tagBodyOf(150, "")), 0)
	if id := e.mustTag("again"); id != 200 {
		t.Errorf("new tag after a delete has id %d, want 200 (ids are not reused)", id)
	}
}

// errCodeOfErr reads the errcode of a setup hook's *APIError.
func errCodeOfErr(err error) int {
	if e, ok := err.(*APIError); ok {
		return e.Code
	}
	return 0
}

func TestTagGet(t *testing.T) {
	e := newMsgEnv(t)
	a := e.mustTag("a")
	b := e.mustTag("b")
	e.addFans(fanIDs(3), a, starTagID)
	e.sim.Unfollow(testApp, fanIDs(3)[2])
	var out struct {
		Tags []TagInfo `json:"tags"`
	}
	c, raw := e.api(http.MethodGet, pathTagGet, nil, nil, &out)
	want := []TagInfo{{2, "星标组", 2}, {a, "a", 2}, {b, "b", 0}}
	if c != 0 || !slices.Equal(out.Tags, want) {
		t.Errorf("errcode %d, tags %s, want %v (followers only)", c, raw, want)
	}
	if c, _ := e.api(http.MethodPost, pathTagGet, nil, "{}", nil); c != CodeRequireGET {
		t.Errorf("POST tags/get: errcode %d", c)
	}
}

func TestTagUpdate(t *testing.T) {
	e := newMsgEnv(t)
	a := e.mustTag("a")
	e.mustTag("b")
	tests := []struct {
		name     string
		id       int
		tag      string
		wantCode int
	}{
		{"rename", a, "A", 0},
		{"same name", a, "A", 0},
		{"reserved 0", 0, "x", CodeSystemTag},
		{"reserved 1", 1, "x", CodeSystemTag},
		{"星标组", 2, "x", CodeSystemTag},
		{"unknown", 999, "x", CodeInvalidTagID},
		{"taken", a, "b", CodeInvalidTagName},
		{"too long", a, strings.Repeat("x", 31), CodeTagNameTooLong},
		{"empty", a, "", CodeInvalidTagName},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if c := e.with(t).code(pathTagUpdate, tagBodyOf(tt.id, tt.tag)); c != tt.wantCode {
				t.Errorf("errcode %d, want %d", c, tt.wantCode)
			}
		})
	}
	if got := e.sim.WeChatTags(testApp)[1].Name; got != "A" {
		t.Errorf("tag %d is named %q after the refused updates, want A", a, got)
	}
}

func TestTagDelete(t *testing.T) {
	e := newMsgEnv(t)
	a := e.mustTag("a")
	b := e.mustTag("b")
	ids := fanIDs(3)
	e.addFans(ids, a, b)
	e.sim.Unfollow(testApp, ids[2])
	tests := []struct {
		name     string
		id       int
		wantCode int
	}{
		{"星标组", 2, CodeSystemTag},
		{"reserved 0", 0, CodeSystemTag},
		{"unknown", 777, CodeInvalidTagID},
		{"ok", a, 0},
		{"again", a, CodeInvalidTagID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if c := e.with(t).code(pathTagDelete, tagBodyOf(tt.id, "")); c != tt.wantCode {
				t.Errorf("errcode %d, want %d", c, tt.wantCode)
			}
		})
	}
	for _, id := range ids {
		if got := e.sim.FollowerTagIDs(testApp, id); !slices.Equal(got, []int{b}) {
			t.Errorf("%s holds %v after the delete, want [%d]", id, got, b)
		}
	}
}

// A tag more than 100 000 followers hold cannot be deleted.
func TestTagDeleteTooManyFans(t *testing.T) {
	e := newMsgEnv(t)
	big := e.mustTag("big")
	ids := fanIDs(100001)
	e.addFans(ids, big)
	if c := e.code(pathTagDelete, tagBodyOf(big, "")); c != CodeTagHasTooManyFans {
		t.Fatalf("errcode %d, want %d", c, CodeTagHasTooManyFans)
	}
	wantCode(t, e.post(pathBatchUntag, tagging(ids[:1], big)), 0)
	wantCode(t, e.post(pathTagDelete, tagBodyOf(big, "")), 0)
}

func TestBatchTagging(t *testing.T) {
	e := newMsgEnv(t)
	vip := e.mustTag("vip")
	ids := fanIDs(60)
	e.addFans(ids)
	e.sim.Unfollow(testApp, ids[59])
	// ids[58] holds 20 tags already.
	full := make([]int, 0, 20)
	for i := range 20 {
		full = append(full, e.mustTag(fmt.Sprint("f", i)))
	}
	e.sim.AddFollowers(testApp, Follower{OpenID: ids[58], TagIDs: full})
	withFull := []string{ids[0], ids[58]}

	tests := []struct {
		name     string
		ids      []string
		tag      int
		wantCode int
	}{
		{"empty list", nil, vip, CodeInvalidListSize},
		{"51 openids", ids[:51], vip, CodeInvalidListSize},
		{"unknown tag", ids[:2], 999, CodeInvalidTagID},
		{"tag 0", ids[:2], 0, CodeInvalidTagID},
		{"never followed", []string{ids[0], "oNEVER_00000000000000000000"}, vip, CodeInvalidOpenID},
		{"malformed", []string{ids[0], "x y"}, vip, CodeInvalidOpenID},
		{"unfollowed", []string{ids[0], ids[59]}, vip, CodeInvalidOpenID},
		{"a 21st tag", withFull, vip, CodeFanHasTooManyTags},
		{"50 openids", ids[:50], vip, 0},
		{"again: idempotent", ids[:50], vip, 0},
		{"星标组", ids[:2], starTagID, 0},
		{"a tag the full fan has", withFull, full[0], 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := e.sim.WeChatTags(testApp)
			if c := e.with(t).code(pathBatchTag, tagging(tt.ids, tt.tag)); c != tt.wantCode {
				t.Fatalf("errcode %d, want %d", c, tt.wantCode)
			}
			if after := e.sim.WeChatTags(testApp); tt.wantCode != 0 && !slices.Equal(before, after) {
				t.Errorf("a refused call changed the counts: %v → %v", before, after)
			}
		})
	}
	tags := e.sim.WeChatTags(testApp)
	if tags[0].Count != 2 || tags[1].ID != vip || tags[1].Count != 50 {
		t.Errorf("counts %v: want 星标组 2, vip 50", tags[:2])
	}
	if got := e.sim.FollowerTagIDs(testApp, ids[58]); len(got) != 20 || slices.Contains(got, vip) {
		t.Errorf("the full fan holds %v", got)
	}
	if n := e.sim.CountCalls(testApp, pathBatchTag); n != len(tests) {
		t.Errorf("CountCalls = %d, want %d", n, len(tests))
	}
}

func TestBatchUntagging(t *testing.T) {
	e := newMsgEnv(t)
	vip := e.mustTag("vip")
	ids := fanIDs(4)
	e.addFans(ids[:3], vip)
	e.addFans(ids[3:])
	e.sim.Unfollow(testApp, ids[2])
	tests := []struct {
		name     string
		ids      []string
		tag      int
		wantCode int
	}{
		{"empty list", []string{}, vip, CodeInvalidListSize},
		{"51 openids", fanIDs(51), vip, CodeInvalidListSize},
		{"unknown tag", ids[:1], 12345, CodeInvalidTagID},
		{"never followed", []string{ids[0], "oNEVER_00000000000000000000"}, vip, CodeInvalidOpenID},
		{"holder, non-holder and unfollowed", []string{ids[0], ids[3], ids[2]}, vip, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if c := e.with(t).code(pathBatchUntag, tagging(tt.ids, tt.tag)); c != tt.wantCode {
				t.Fatalf("errcode %d, want %d", c, tt.wantCode)
			}
		})
	}
	want := map[string][]int{ids[0]: {}, ids[1]: {vip}, ids[2]: {}, ids[3]: {}}
	for id, w := range want {
		if got := e.sim.FollowerTagIDs(testApp, id); !slices.Equal(got, w) {
			t.Errorf("%s holds %v, want %v", id, got, w)
		}
	}
	if got := e.sim.WeChatTags(testApp)[1].Count; got != 1 {
		t.Errorf("vip count %d, want 1", got)
	}
}

func TestTagFans(t *testing.T) {
	e := newMsgEnv(t)
	vip := e.mustTag("vip")
	other := e.mustTag("other")
	ids := fanIDs(13000)
	e.addFans(ids[:1000])
	e.addFans(ids[1000:13000], vip)
	e.sim.Unfollow(testApp, ids[1000])
	type page struct {
		Count int `json:"count"`
		Data  struct {
			OpenIDs []string `json:"openid"`
		} `json:"data"`
		NextOpenID string `json:"next_openid"`
	}
	get := func(t *testing.T, tag int, next string) (int, page) {
		var p page
		c, _ := e.with(t).api(http.MethodPost, pathTagFans, nil, map[string]any{"tagid": tag, "next_openid": next}, &p)
		return c, p
	}
	tests := []struct {
		name      string
		tag       int
		next      string
		wantCode  int
		wantCount int
		wantFirst string
		wantNext  string
	}{
		{"first page", vip, "", 0, 10000, ids[1001], ids[11000]},
		{"second page", vip, ids[11000], 0, 1999, ids[11001], ids[12999]},
		{"after the last", vip, ids[12999], 0, 0, "", ""},
		{"from an untagged openid", vip, ids[5], 0, 10000, ids[1001], ids[11000]},
		{"nobody holds it", other, "", 0, 0, "", ""},
		{"unknown tag", 3, "", CodeInvalidTagID, 0, "", ""},
		{"unknown next_openid", vip, "oNEVER_00000000000000000000", CodeInvalidOpenID, 0, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, p := get(t, tt.tag, tt.next)
			if c != tt.wantCode || p.Count != tt.wantCount || len(p.Data.OpenIDs) != tt.wantCount {
				t.Fatalf("errcode %d count %d (%d ids), want %d %d", c, p.Count, len(p.Data.OpenIDs), tt.wantCode, tt.wantCount)
			}
			if tt.wantCount > 0 && p.Data.OpenIDs[0] != tt.wantFirst || p.NextOpenID != tt.wantNext {
				t.Errorf("first %v next %q, want %q %q", p.Data.OpenIDs[:min(1, p.Count)], p.NextOpenID, tt.wantFirst, tt.wantNext)
			}
		})
	}
}

func TestTagIDList(t *testing.T) {
	e := newMsgEnv(t)
	a := e.mustTag("a")
	b := e.mustTag("b")
	ids := fanIDs(2)
	e.sim.AddFollowers(testApp, Follower{OpenID: ids[0], TagIDs: []int{b, starTagID, a}}, Follower{OpenID: ids[1]})
	tests := []struct {
		name     string
		openid   string
		wantCode int
		want     string
	}{
		{"three tags, ascending", ids[0], 0, `{"tagid_list":[2,100,101]}`},
		{"none", ids[1], 0, `{"tagid_list":[]}`},
		{"never followed", "oNEVER_00000000000000000000", CodeInvalidOpenID, ""},
		{"malformed", "", CodeInvalidOpenID, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, raw := e.with(t).api(http.MethodPost, pathTagIDList, nil, map[string]string{"openid": tt.openid}, nil)
			if c != tt.wantCode || tt.want != "" && string(raw) != tt.want {
				t.Errorf("errcode %d %s, want %d %s", c, raw, tt.wantCode, tt.want)
			}
		})
	}
}

// -1 and 45009 can be injected on every user and tag endpoint, and an
// injected failure changes nothing.
func TestUserEndpointFaults(t *testing.T) {
	e := newMsgEnv(t)
	vip := e.mustTag("vip")
	ids := fanIDs(2)
	e.addFans(ids)
	calls := []struct {
		method, path string
		body         any
	}{
		{http.MethodGet, pathUserGet, nil},
		{http.MethodGet, pathUserInfo, nil},
		{http.MethodPost, pathBatchGet, map[string]any{"user_list": []map[string]string{{"openid": ids[0]}}}},
		{http.MethodPost, pathTagCreate, tagBodyOf(0, "new")},
		{http.MethodGet, pathTagGet, nil},
		{http.MethodPost, pathTagUpdate, tagBodyOf(vip, "renamed")},
		{http.MethodPost, pathTagDelete, tagBodyOf(vip, "")},
		{http.MethodPost, pathTagFans, map[string]any{"tagid": vip}},
		{http.MethodPost, pathBatchTag, tagging(ids, vip)},
		{http.MethodPost, pathBatchUntag, tagging(ids, vip)},
		{http.MethodPost, pathTagIDList, map[string]string{"openid": ids[0]}},
	}
	for _, code := range []int{CodeSystemBusy, CodeDailyQuota} {
		for _, c := range calls {
			t.Run(fmt.Sprint(code, c.path), func(t *testing.T) {
				e.sim.FailNext(c.path, code, 1)
				if got, raw := e.with(t).api(c.method, c.path, nil, c.body, nil); got != code {
					t.Errorf("errcode %d (%s), want %d", got, raw, code)
				}
			})
		}
	}
	want := []TagInfo{{2, "星标组", 0}, {vip, "vip", 0}}
	if got := e.sim.WeChatTags(testApp); !slices.Equal(got, want) {
		t.Errorf("tags %v after injected failures, want %v", got, want)
	}
}
