package wxsim

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/silenceper/wechat/v2/officialaccount/config"
	sdkctx "github.com/silenceper/wechat/v2/officialaccount/context"
	"github.com/silenceper/wechat/v2/officialaccount/user"
	"github.com/silenceper/wechat/v2/util"
)

// sdkRoute sends the SDK's api.weixin.qq.com traffic to a test server.
type sdkRoute struct{ base *url.URL }

func (rt sdkRoute) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.URL.Host == "api.weixin.qq.com" {
		r = r.Clone(r.Context())
		r.URL.Scheme, r.URL.Host, r.Host = rt.base.Scheme, rt.base.Host, rt.base.Host
	}
	return http.DefaultTransport.RoundTrip(r)
}

// fixedToken is an SDK access-token handle that always answers tok.
type fixedToken string

func (f fixedToken) GetAccessToken() (string, error) { return string(f), nil }

// sdkUser returns the SDK's user client talking to e. The SDK sends every
// call through one process-wide client, so tests using it must not run in
// parallel; the route is undone when the test ends.
func sdkUser(t *testing.T, e *msgEnv) *user.User {
	t.Helper()
	base, err := url.Parse(e.url)
	if err != nil {
		t.Fatal(err)
	}
	prev := util.DefaultHTTPClient
	util.DefaultHTTPClient = &http.Client{Transport: sdkRoute{base}}
	t.Cleanup(func() { util.DefaultHTTPClient = prev })
	return user.NewUser(&sdkctx.Context{Config: &config.Config{AppID: testApp}, AccessTokenHandle: fixedToken(e.tok)})
}

// The SDK's officialaccount/user package works against the simulator
// unchanged, errors included.
func TestUserSDK(t *testing.T) {
	e := newMsgEnv(t)
	u := sdkUser(t, e)
	ids := fanIDs(23000)
	e.addFans(ids)
	e.sim.AddFollowers(testApp, Follower{
		OpenID: "oSDK_0000000000000000000000", UnionID: "oU", SubscribeScene: SceneQRCode, QRScene: 7,
		QRSceneStr: "s", Language: "en", Remark: "r", TagIDs: []int{starTagID},
	})

	all, err := u.ListAllUserOpenIDs()
	if err != nil || len(all) != 23001 || !slices.Equal(all[:23000], ids) {
		t.Fatalf("ListAllUserOpenIDs: %d ids, %v", len(all), err)
	}
	if e.sim.CountCalls(testApp, pathUserGet) != 3 {
		t.Errorf("%d user/get calls for 23 001 followers, want 3", e.sim.CountCalls(testApp, pathUserGet))
	}

	info, err := u.GetUserInfo("oSDK_0000000000000000000000")
	if err != nil || info.Subscribe != 1 || info.UnionID != "oU" || info.SubscribeScene != SceneQRCode ||
		info.QrScene != 7 || info.QrSceneStr != "s" || info.Language != "en" || info.Remark != "r" ||
		!slices.Equal(info.TagIDList, []int32{2}) || int64(info.SubscribeTime) != simStart().Unix() {
		t.Errorf("GetUserInfo = %+v, %v", info, err)
	}
	if _, err := u.GetUserInfo("oNEVER_00000000000000000000"); err == nil || !strings.Contains(err.Error(), "40003") {
		t.Errorf("GetUserInfo of a stranger: %v, want errcode 40003", err)
	}

	e.sim.Unfollow(testApp, ids[1])
	list, err := u.BatchGetUserInfo(user.BatchGetUserInfoParams{UserList: []user.BatchGetUserListItem{
		{OpenID: ids[0], Lang: "zh_CN"}, {OpenID: ids[1]},
	}})
	if err != nil || len(list.UserInfoList) != 2 || list.UserInfoList[0].Subscribe != 1 || list.UserInfoList[1].Subscribe != 0 {
		t.Errorf("BatchGetUserInfo = %+v, %v", list, err)
	}

	tag, err := u.CreateTag("vip")
	if err != nil || tag.ID != 100 || tag.Name != "vip" {
		t.Fatalf("CreateTag = %+v, %v", tag, err)
	}
	if _, err := u.CreateTag("vip"); err == nil || !strings.Contains(err.Error(), "45157") {
		t.Errorf("duplicate CreateTag: %v", err)
	}
	if err := u.UpdateTag(tag.ID, "VIP"); err != nil {
		t.Errorf("UpdateTag: %v", err)
	}
	if err := u.UpdateTag(2, "x"); err == nil || !strings.Contains(err.Error(), "45058") {
		t.Errorf("UpdateTag of 星标组: %v", err)
	}
	if err := u.BatchTag(ids[:50], tag.ID); err == nil || !strings.Contains(err.Error(), "40003") {
		t.Errorf("BatchTag with an unfollowed openid: %v", err)
	}
	if err := u.BatchTag(ids[2:52], tag.ID); err != nil {
		t.Errorf("BatchTag: %v", err)
	}
	if err := u.BatchTag(ids[:51], tag.ID); err == nil || !strings.Contains(err.Error(), "40032") {
		t.Errorf("BatchTag of 51: %v", err)
	}
	tags, err := u.GetTag()
	if err != nil || len(tags) != 2 || tags[1].Name != "VIP" || tags[1].Count != 50 || tags[0].Count != 1 {
		t.Errorf("GetTag = %v, %v", tags, err)
	}
	fans, err := u.OpenIDListByTag(tag.ID)
	if err != nil || fans.Count != 50 || !slices.Equal(fans.Data.OpenIDs, ids[2:52]) || fans.NextOpenID != ids[51] {
		t.Errorf("OpenIDListByTag = %+v, %v", fans, err)
	}
	if got, err := u.UserTidList(ids[2]); err != nil || !slices.Equal(got, []int32{100}) {
		t.Errorf("UserTidList = %v, %v", got, err)
	}
	if err := u.BatchUntag(ids[:10], tag.ID); err != nil {
		t.Errorf("BatchUntag: %v", err)
	}
	if err := u.DeleteTag(tag.ID); err != nil {
		t.Errorf("DeleteTag: %v", err)
	}
	if err := u.DeleteTag(tag.ID); err == nil || !strings.Contains(err.Error(), "45159") {
		t.Errorf("second DeleteTag: %v", err)
	}

	e.sim.FailNext(pathUserGet, CodeDailyQuota, 1)
	if _, err := u.ListUserOpenIDs(); err == nil || !strings.Contains(err.Error(), "45009") {
		t.Errorf("ListUserOpenIDs under an injected 45009: %v", err)
	}
}
