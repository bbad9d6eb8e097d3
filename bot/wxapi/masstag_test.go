package wxapi

import (
	"fmt"
	"slices"
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
	id, err := client.MassSendAll(ctx, vip, Content{Type: "news", MediaID: "news-1"}, "tag-1")
	if err != nil {
		t.Fatal(err)
	}
	jobs := sim.Jobs(appID)
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
	if ae := wantAPIError(t, err, wxsim.CodeClientMsgIDExist); ae.MsgID != first {
		t.Errorf("45065 names msg_id %d, want %d", ae.MsgID, first)
	}
	if n := len(sim.Jobs(appID)); n != 1 {
		t.Errorf("%d jobs, want 1", n)
	}
}
