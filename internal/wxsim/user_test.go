package wxsim

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestUserGetPages(t *testing.T) {
	e := newMsgEnv(t)
	ids := fanIDs(25000)
	e.addFans(ids)
	tests := []struct {
		name      string
		next      string
		wantCount int
		wantFirst string
		wantNext  string
	}{
		{"first page", "", 10000, ids[0], ids[9999]},
		{"second page", ids[9999], 10000, ids[10000], ids[19999]},
		{"last page", ids[19999], 5000, ids[20000], ids[24999]},
		{"after the last", ids[24999], 0, "", ""},
		{"from the middle", ids[123], 10000, ids[124], ids[10123]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, p := e.with(t).userGet(tt.next)
			if c != 0 || p.Total != 25000 || p.Count != tt.wantCount || len(p.Data.OpenIDs) != tt.wantCount {
				t.Fatalf("errcode %d total %d count %d (%d ids), want 0 25000 %d", c, p.Total, p.Count, len(p.Data.OpenIDs), tt.wantCount)
			}
			if tt.wantCount > 0 && p.Data.OpenIDs[0] != tt.wantFirst {
				t.Errorf("first %q, want %q", p.Data.OpenIDs[0], tt.wantFirst)
			}
			if p.NextOpenID != tt.wantNext {
				t.Errorf("next_openid %q, want %q", p.NextOpenID, tt.wantNext)
			}
		})
	}
	if got := e.allFollowers(); !slices.Equal(got, ids) {
		t.Errorf("paging gave %d openids, not the %d in follow order", len(got), len(ids))
	}
}

func TestUserGetEmptyAccount(t *testing.T) {
	e := newMsgEnv(t)
	c, raw := e.api(http.MethodGet, pathUserGet, nil, nil, nil)
	if c != 0 || string(raw) != `{"total":0,"count":0,"next_openid":""}` {
		t.Errorf("errcode %d, body %s", c, raw)
	}
}

func TestUserGetErrors(t *testing.T) {
	e := newMsgEnv(t)
	e.addFans(fanIDs(3))
	tests := []struct {
		name   string
		method string
		q      url.Values
		tok    string
		want   int
	}{
		{"never followed", http.MethodGet, url.Values{"next_openid": {"oNEVER_followed_00000000000"}}, e.tok, CodeInvalidOpenID},
		{"malformed", http.MethodGet, url.Values{"next_openid": {"not an openid"}}, e.tok, CodeInvalidOpenID},
		{"POST", http.MethodPost, nil, e.tok, CodeRequireGET},
		{"no token", http.MethodGet, nil, "", CodeAccessTokenMissing},
		{"malformed token", http.MethodGet, nil, "not a token", CodeInvalidAccessToken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			te := e.with(t)
			te.tok = tt.tok
			if c, raw := te.api(tt.method, pathUserGet, tt.q, nil, nil); c != tt.want {
				t.Errorf("errcode %d (%s), want %d", c, raw, tt.want)
			}
		})
	}
}

func TestUserInfo(t *testing.T) {
	e := newMsgEnv(t)
	vip := e.mustTag("vip")
	at := time.Date(2023, 3, 4, 5, 6, 7, 0, time.UTC)
	e.sim.AddFollowers(testApp,
		Follower{
			OpenID: "oFULL_000000000000000000000", UnionID: "oUNION_0000000000000000000", SubscribeTime: at,
			SubscribeScene: SceneQRCode, QRScene: 98765, QRSceneStr: "poster", Language: "en",
			Remark: "the boss", TagIDs: []int{vip, starTagID},
		},
		Follower{OpenID: "oPLAIN_00000000000000000000", SubscribeTime: at},
		Follower{OpenID: "oGONE_000000000000000000000", SubscribeTime: at, TagIDs: []int{vip}},
	)
	e.sim.Unfollow(testApp, "oGONE_000000000000000000000")
	tests := []struct {
		name, openid, lang string
		want               string // exact body
		wantCode           int
	}{
		{"every field", "oFULL_000000000000000000000", "zh_CN",
			`{"subscribe":1,"openid":"oFULL_000000000000000000000","language":"en","subscribe_time":1677906367,"unionid":"oUNION_0000000000000000000","remark":"the boss","groupid":0,"tagid_list":[2,100],"subscribe_scene":"ADD_SCENE_QR_CODE","qr_scene":98765,"qr_scene_str":"poster"}`, 0},
		{"defaults, no unionid", "oPLAIN_00000000000000000000", "",
			`{"subscribe":1,"openid":"oPLAIN_00000000000000000000","language":"zh_CN","subscribe_time":1677906367,"remark":"","groupid":0,"tagid_list":[],"subscribe_scene":"ADD_SCENE_OTHERS","qr_scene":0,"qr_scene_str":""}`, 0},
		{"unfollowed: subscribe 0 only", "oGONE_000000000000000000000", "en",
			`{"subscribe":0,"openid":"oGONE_000000000000000000000"}`, 0},
		{"never followed", "oNEVER_00000000000000000000", "zh_CN", "", CodeInvalidOpenID},
		{"malformed", "o/../etc", "zh_CN", "", CodeInvalidOpenID},
		{"missing", "", "zh_CN", "", CodeInvalidOpenID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := url.Values{"openid": {tt.openid}, "lang": {tt.lang}}
			c, raw := e.with(t).api(http.MethodGet, pathUserInfo, q, nil, nil)
			if c != tt.wantCode {
				t.Fatalf("errcode %d (%s), want %d", c, raw, tt.wantCode)
			}
			if tt.want != "" && string(raw) != tt.want {
				t.Errorf("got  %s\nwant %s", raw, tt.want)
			}
		})
	}
}

func TestBatchGet(t *testing.T) {
	e := newMsgEnv(t)
	ids := fanIDs(120)
	e.addFans(ids)
	e.sim.Unfollow(testApp, ids[5])
	list := func(ids ...string) map[string]any {
		l := make([]map[string]string, len(ids))
		for i, id := range ids {
			l[i] = map[string]string{"openid": id, "lang": "zh_CN"}
		}
		return map[string]any{"user_list": l}
	}
	tests := []struct {
		name     string
		body     any
		wantCode int
		wantSubs []int // subscribe per user, when it succeeds
	}{
		{"100", list(ids[:100]...), 0, nil},
		{"mixed", list(ids[4], ids[5], ids[6]), 0, []int{1, 0, 1}},
		{"101", list(ids[:101]...), CodeInvalidListSize, nil},
		{"empty", list(), CodeInvalidListSize, nil},
		{"one never followed", list(ids[0], "oNEVER_00000000000000000000"), CodeInvalidOpenID, nil},
		{"one malformed", list(ids[0], "bad id"), CodeInvalidOpenID, nil},
		{"not JSON", "{", CodeDataFormat, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out struct {
				List []struct {
					Subscribe int    `json:"subscribe"`
					OpenID    string `json:"openid"`
					Time      int64  `json:"subscribe_time"`
				} `json:"user_info_list"`
			}
			c, raw := e.with(t).api(http.MethodPost, pathBatchGet, nil, tt.body, &out)
			if c != tt.wantCode {
				t.Fatalf("errcode %d (%s), want %d", c, raw, tt.wantCode)
			}
			for i, s := range tt.wantSubs {
				if out.List[i].Subscribe != s || (s == 0) != (out.List[i].Time == 0) {
					t.Errorf("user %d: %+v, want subscribe %d", i, out.List[i], s)
				}
			}
			if tt.name == "100" && (len(out.List) != 100 || out.List[99].OpenID != ids[99]) {
				t.Errorf("got %d users", len(out.List))
			}
		})
	}
}

// An unfollow takes a roster follower out of user/get and the message
// endpoints; any later interaction brings it back at the end, with a new
// subscribe_time.
func TestUnfollowAndRefollow(t *testing.T) {
	e := newMsgEnv(t)
	ids := fanIDs(4)
	e.addFans(ids)
	e.sim.Unfollow(testApp, ids[1])
	if got := e.allFollowers(); !slices.Equal(got, []string{ids[0], ids[2], ids[3]}) {
		t.Fatalf("after unfollow: %v", got)
	}
	if _, p := e.userGet(ids[1]); !slices.Equal(p.Data.OpenIDs, ids[2:]) || p.Total != 3 {
		t.Errorf("paging from the unfollowed openid: %+v", p)
	}
	if got := e.sim.FollowerCount(testApp); got != 3 {
		t.Errorf("FollowerCount %d, want 3", got)
	}
	// The mass-send side sees the same unfollow.
	wantCode(t, e.post(pathMassSend, massText(ids[:2], "hi", "u1")), 0)
	if d := e.sim.Deliveries(testApp); d[ids[1]] != 0 || d[ids[0]] != 1 {
		t.Errorf("deliveries %v: the unfollowed openid got one", d)
	}

	e.clock.Advance(time.Hour)
	e.sim.Interact(testApp, ids[1], TriggerSubscribe, time.Time{})
	if got := e.allFollowers(); !slices.Equal(got, []string{ids[0], ids[2], ids[3], ids[1]}) {
		t.Fatalf("after refollow: %v", got)
	}
	var info struct {
		Subscribe int   `json:"subscribe"`
		Time      int64 `json:"subscribe_time"`
	}
	e.tok = e.token(testApp, "s").AccessToken
	e.api(http.MethodGet, pathUserInfo, url.Values{"openid": {ids[1]}}, nil, &info)
	if info.Subscribe != 1 || info.Time != simStart().Add(time.Hour).Unix() {
		t.Errorf("refollowed info %+v, want subscribe 1 at %d", info, simStart().Add(time.Hour).Unix())
	}
}

// A subscribe from an openid the roster never saw puts it on the roster.
func TestSubscribeAddsToRoster(t *testing.T) {
	e := newMsgEnv(t)
	e.sim.Interact(testApp, "oNEWCOMER_00000000000000000", TriggerSubscribe, time.Time{})
	e.sim.Interact(testApp, "oCHATTER_000000000000000000", TriggerMessage, time.Time{})
	if got := e.allFollowers(); !slices.Equal(got, []string{"oNEWCOMER_00000000000000000"}) {
		t.Errorf("roster %v, want only the subscriber", got)
	}
}

func TestAddFollowersReplaces(t *testing.T) {
	e := newMsgEnv(t)
	a := e.mustTag("a")
	b := e.mustTag("b")
	ids := fanIDs(3)
	e.addFans(ids, a)
	e.sim.Unfollow(testApp, ids[0])
	e.sim.AddFollowers(testApp, Follower{OpenID: ids[0], TagIDs: []int{b}}, Follower{OpenID: ids[2], Remark: "x"})
	if got := e.allFollowers(); !slices.Equal(got, []string{ids[1], ids[2], ids[0]}) {
		t.Errorf("order %v: a re-added unfollower goes last, a follower stays", got)
	}
	want := []TagInfo{{2, "星标组", 0}, {a, "a", 1}, {b, "b", 1}}
	if got := e.sim.WeChatTags(testApp); !slices.Equal(got, want) {
		t.Errorf("tags %v, want %v", got, want)
	}
	if got := e.sim.FollowerTagIDs(testApp, ids[0]); !slices.Equal(got, []int{b}) {
		t.Errorf("tags of re-added %v", got)
	}
}

func TestSetupPanics(t *testing.T) {
	e := newMsgEnv(t)
	tests := []struct {
		name string
		f    Follower
		want string
	}{
		{"malformed openid", Follower{OpenID: "a b"}, "malformed openid"},
		{"unknown tag", Follower{OpenID: "oX", TagIDs: []int{100}}, "no tag 100"},
		{"unknown scene", Follower{OpenID: "oX", SubscribeScene: "QR"}, "subscribe scene"},
		{"unknown language", Follower{OpenID: "oX", Language: "fr"}, "language"},
		{"21 tags", Follower{OpenID: "oX", TagIDs: make([]int, 21)}, "21 tags"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				r := recover()
				if s, _ := r.(string); !strings.Contains(s, tt.want) {
					t.Errorf("panic %v, want one naming %q", r, tt.want)
				}
			}()
			e.sim.AddFollowers(testApp, tt.f)
		})
	}
}

func TestPopulateFollowers(t *testing.T) {
	a, b := NewServer(), NewServer()
	for _, s := range []*Server{a, b} {
		s.AddApp(testApp, "s")
		if _, err := s.CreateTag(testApp, "t1"); err != nil {
			t.Fatal(err)
		}
		s.PopulateFollowers(testApp, 5000, 7)
		s.PopulateFollowers(testApp, 5000, 7) // continues, no repeats
	}
	ra, rb := &a.apps[testApp].users, &b.apps[testApp].users
	if len(ra.fans) != 10000 || ra.following != 10000 || len(ra.index) != 10000 {
		t.Fatalf("%d fans, %d following, %d indexed", len(ra.fans), ra.following, len(ra.index))
	}
	scenes, langs := map[uint8]int{}, map[uint8]int{}
	tagged := 0
	for i, f := range ra.fans {
		if f.openid != rb.fans[i].openid || f.scene != rb.fans[i].scene || f.tags != rb.fans[i].tags {
			t.Fatalf("fan %d differs between runs with one seed", i)
		}
		if len(f.openid) != 28 || f.openid[0] != 'o' || !wellFormedOpenID(f.openid) {
			t.Fatalf("openid %q does not look real", f.openid)
		}
		if i > 0 && f.since < ra.fans[i-1].since {
			t.Fatalf("subscribe times go back at %d", i)
		}
		if (sceneNames()[f.scene] == SceneQRCode) != (f.qrScene > 0) {
			t.Fatalf("fan %d: scene %d with qr_scene %d", i, f.scene, f.qrScene)
		}
		scenes[f.scene]++
		langs[f.lang]++
		if f.tags.len() > 0 {
			tagged++
		}
	}
	if len(scenes) < 8 || len(langs) != 4 || tagged < 2500 || tagged > 4200 {
		t.Errorf("not varied: %d scenes, %d languages, %d tagged", len(scenes), len(langs), tagged)
	}
	if got := a.WeChatTags(testApp)[1].Count; got != tagged {
		t.Errorf("tag count %d, want %d", got, tagged)
	}
	c := NewServer()
	c.AddApp(testApp, "s")
	c.PopulateFollowers(testApp, 10, 8)
	if c.apps[testApp].users.fans[0].openid == ra.fans[0].openid {
		t.Error("another seed gave the same openids")
	}
}

func TestSceneWeights(t *testing.T) {
	// randomScene's weights must cover sceneNames and sum to 100.
	for seed := range uint64(2000) {
		s, _ := randomSceneSeed(seed)
		if int(s) >= len(sceneNames()) {
			t.Fatalf("scene %d out of range", s)
		}
	}
}

func randomSceneSeed(seed uint64) (uint8, int32) {
	return randomScene(randFor(seed))
}

// The SDK's struct for user/info decodes what the simulator sends.
func TestUserInfoJSONFieldsMatchSDK(t *testing.T) {
	var m map[string]any
	raw, _ := json.Marshal(&userInfo{TagIDList: []int{}})
	_ = json.Unmarshal(raw, &m)
	for _, k := range []string{"subscribe", "openid", "language", "subscribe_time", "remark", "groupid", "tagid_list", "subscribe_scene", "qr_scene", "qr_scene_str"} {
		if _, ok := m[k]; !ok {
			t.Errorf("user/info lacks %q", k)
		}
	}
}
