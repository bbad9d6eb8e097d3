package wxapi

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wxcast/wxcast/internal/wxsim"
)

// tagFollowers puts n followers on appID's roster holding a new tag and
// returns the tag's id and their openids, in follow order.
func tagFollowers(t *testing.T, appID, name string, n int) (int, []string) {
	t.Helper()
	tag, err := sim.CreateTag(appID, name)
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]string, n)
	fs := make([]wxsim.Follower, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("o%s_%06d", name, i)
		fs[i] = wxsim.Follower{OpenID: ids[i], TagIDs: []int{tag}}
	}
	sim.AddFollowers(appID, fs...)
	return tag, ids
}

func TestMassSendAll(t *testing.T) {
	t.Parallel()
	client, appID := newMassClient(t)
	ctx := testContext(t)
	vip, members := tagFollowers(t, appID, "vip", 3)
	_, others := tagFollowers(t, appID, "other", 2)
	sent, err := client.MassSendAll(ctx, vip, Content{Type: "news", MediaID: "news-1"}, "tag-1")
	if err != nil {
		t.Fatal(err)
	}
	id := sent.MsgID
	jobs := sim.Jobs(appID)
	if sent.MsgDataID == 0 || len(jobs) != 1 || jobs[0].MsgDataID != sent.MsgDataID {
		t.Errorf("msg_data_id %d, want the job's (%+v)", sent.MsgDataID, jobs)
	}
	if len(jobs) != 1 || jobs[0].MsgID != id || jobs[0].TagID != vip || jobs[0].ToAll ||
		jobs[0].MsgType != "mpnews" || jobs[0].MediaID != "news-1" || jobs[0].ClientMsgID != "tag-1" {
		t.Fatalf("jobs = %+v, want one mpnews job to tag %d with msg_id %d", jobs, vip, id)
	}
	if !slices.Equal(jobs[0].ToUser, members) {
		t.Errorf("job reached %v, want %v", jobs[0].ToUser, members)
	}
	got := sim.Deliveries(appID)
	for _, m := range members {
		if got[m] != 1 {
			t.Errorf("%s received %d messages, want 1", m, got[m])
		}
	}
	for _, o := range others {
		if got[o] != 0 {
			t.Errorf("%s (not tagged) received %d messages", o, got[o])
		}
	}
}

func TestMassSendAllErrors(t *testing.T) {
	t.Parallel()
	client, appID := newMassClient(t)
	ctx := testContext(t)
	vip, _ := tagFollowers(t, appID, "vip", 2)
	_, err := client.MassSendAll(ctx, vip+1000, Content{Type: "text", Text: "x"}, "a")
	wantAPIError(t, err, wxsim.CodeInvalidTagID)
	_, err = client.MassSendAll(ctx, vip, Content{Type: "news", MediaID: "nope"}, "b")
	wantAPIError(t, err, wxsim.CodeInvalidMediaID)
	if _, err := client.MassSendAll(ctx, 0, Content{Type: "text", Text: "x"}, "c"); err == nil || ErrCode(err) != 0 {
		t.Errorf("tag 0: err = %v, want a local error", err)
	}
	first, err := client.MassSendAll(ctx, vip, Content{Type: "text", Text: "x"}, "d")
	if err != nil {
		t.Fatal(err)
	}
	_, err = client.MassSendAll(ctx, vip, Content{Type: "text", Text: "x"}, "d")
	wantAPIError(t, err, wxsim.CodeClientMsgIDRetryTooFast)
	sim.AgeMassSends(appID, 2*time.Minute)
	_, err = client.MassSendAll(ctx, vip, Content{Type: "text", Text: "x"}, "d")
	if ae := wantAPIError(t, err, wxsim.CodeClientMsgIDExist); ae.MsgID != first.MsgID {
		t.Errorf("45065 names msg_id %d, want %d", ae.MsgID, first.MsgID)
	}
	if n := len(sim.Jobs(appID)); n != 1 {
		t.Errorf("%d jobs, want 1", n)
	}
}

// The shared mass quota shows in APIQuota under either path, and only
// successful sends spend it.
func TestAPIQuota(t *testing.T) {
	t.Parallel()
	client, appID := newMassClient(t)
	ctx := testContext(t)
	vip, _ := tagFollowers(t, appID, "vip", 2)
	if _, err := client.MassSendAll(ctx, vip, Content{Type: "text", Text: "x"}, "q1"); err != nil {
		t.Fatal(err)
	}
	if _, err := client.MassSend(ctx, []string{"oA", "oB"}, Content{Type: "text", Text: "y"}, "q2"); err != nil {
		t.Fatal(err)
	}
	if _, err := client.MassSendAll(ctx, vip+1000, Content{Type: "text", Text: "z"}, "q3"); err == nil {
		t.Fatal("send to an unknown tag succeeded")
	}
	for _, path := range []string{pathMassSendAll, "/cgi-bin/message/mass/send"} {
		q, err := client.APIQuota(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		if q != (Quota{DailyLimit: 100, Used: 2, Remain: 98}) {
			t.Errorf("%s: %+v, want 100 a day with 2 used", path, q)
		}
	}
	if q, err := client.APIQuota(ctx, pathTagDelete); err != nil || q.DailyLimit == 0 || q.Used != 0 {
		t.Errorf("tags/delete quota %+v, %v", q, err)
	}
}

// DeleteTag deletes a tag, and WeChat's refusal of a tag with more than
// 100,000 followers comes back as 45057.
func TestDeleteTag(t *testing.T) {
	t.Parallel()
	client, appID := newMassClient(t)
	ctx := testContext(t)
	small, _ := tagFollowers(t, appID, "small", 3)
	if err := client.DeleteTag(ctx, small); err != nil {
		t.Fatal(err)
	}
	for _, tag := range sim.WeChatTags(appID) {
		if tag.ID == small {
			t.Errorf("tag %d still exists", small)
		}
	}
	err := client.DeleteTag(ctx, small)
	wantAPIError(t, err, wxsim.CodeInvalidTagID)
	big, _ := tagFollowers(t, appID, "big", 100001)
	err = client.DeleteTag(ctx, big)
	wantAPIError(t, err, wxsim.CodeTagHasTooManyFans)
}

// TagFans pages through a tag's followers, 10,000 at a time.
func TestTagFans(t *testing.T) {
	t.Parallel()
	client, appID := newMassClient(t)
	ctx := testContext(t)
	tag, members := tagFollowers(t, appID, "fans", 10005)
	_, _ = tagFollowers(t, appID, "others", 3)
	var got []string
	next, pages := "", 0
	for {
		ids, n, err := client.TagFans(ctx, tag, next)
		if err != nil {
			t.Fatal(err)
		}
		if len(ids) == 0 || n == "" {
			got = append(got, ids...)
			break
		}
		if len(ids) > 10000 || n != ids[len(ids)-1] {
			t.Fatalf("page %d: %d openids, next %q", pages, len(ids), n)
		}
		got, next, pages = append(got, ids...), n, pages+1
	}
	if !slices.Equal(got, members) || pages < 2 {
		t.Errorf("%d openids over %d pages, want the tag's %d in order", len(got), pages, len(members))
	}
	_, _, err := client.TagFans(ctx, tag+1000, "")
	wantAPIError(t, err, wxsim.CodeInvalidTagID)
}

// MassSpeed reads realspeed (10,000 a minute) as the account sets it.
func TestMassSpeed(t *testing.T) {
	t.Parallel()
	appID, secret := newApp(t)
	client, tokens := newClient(t, replicaStores(t, 1)[0], appID, secret)
	ctx := testContext(t)
	if v, err := client.MassSpeed(ctx); err != nil || v != 800000 {
		t.Fatalf("default speed %d, %v; want 800000", v, err)
	}
	tok, err := tokens.GetAccessTokenContext(ctx)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Post(simURL+"/cgi-bin/message/mass/speed/set?"+url.Values{"access_token": {tok}}.Encode(),
		"application/json", strings.NewReader(`{"speed":3}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if v, err := client.MassSpeed(ctx); err != nil || v != 300000 {
		t.Errorf("speed at level 3: %d, %v; want 300000", v, err)
	}
}
