package wxsim

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"
)

const pathMassSendAll = "/cgi-bin/message/mass/sendall"

// sendAllText is a mass/sendall body for a text message to tagID (0 with
// toAll for everyone).
func sendAllText(tagID int, toAll bool, text, clientMsgID string) map[string]any {
	return map[string]any{
		"filter":  map[string]any{"is_to_all": toAll, "tag_id": tagID},
		"msgtype": "text", "text": map[string]string{"content": text},
		"clientmsgid": clientMsgID,
	}
}

// wantDeliveries fails unless exactly the openids in want received one
// mass message each.
func wantDeliveries(t *testing.T, sim *Server, want []string) {
	t.Helper()
	got := sim.Deliveries(testApp)
	for _, id := range want {
		if got[id] != 1 {
			t.Errorf("%s received %d mass messages, want 1", id, got[id])
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d openids received mass messages, want %d: %v", len(got), len(want), got)
	}
}

func TestMassSendAllByTag(t *testing.T) {
	e := newMsgEnv(t)
	vip, other := e.mustTag("vip"), e.mustTag("other")
	ids := fanIDs(9)
	e.addFans(ids[:5], vip)
	e.addFans(ids[5:8], other)
	e.addFans(ids[8:])
	e.sim.Unfollow(testApp, ids[4]) // holds vip but no longer follows

	r := e.post(pathMassSendAll, sendAllText(vip, false, "hello vip", "c1"))
	wantCode(t, r, 0)
	if r.MsgID == 0 || r.ErrMsg != "send job submission success" {
		t.Fatalf("reply %+v", r)
	}
	jobs := e.sim.Jobs(testApp)
	if len(jobs) != 1 {
		t.Fatalf("%d jobs, want 1", len(jobs))
	}
	j := jobs[0]
	if j.MsgID != r.MsgID || j.TagID != vip || j.ToAll || j.Content != "hello vip" || j.ClientMsgID != "c1" {
		t.Errorf("job %+v", j)
	}
	if !slices.Equal(j.ToUser, ids[:4]) || j.Total != 4 || j.Sent != 4 || len(j.Skipped) != 0 {
		t.Errorf("job reached %v (total %d, sent %d, skipped %v), want the four following vip fans", j.ToUser, j.Total, j.Sent, j.Skipped)
	}
	wantDeliveries(t, e.sim, ids[:4])

	// The audience is the tag's members at the time of the call.
	if c := e.code(pathBatchTag, map[string]any{"openid_list": []string{ids[8]}, "tagid": vip}); c != 0 {
		t.Fatalf("batchtagging: %d", c)
	}
	wantCode(t, e.post(pathMassSendAll, sendAllText(vip, false, "again", "c2")), 0)
	if j := e.sim.Jobs(testApp)[1]; !slices.Equal(j.ToUser, append(slices.Clone(ids[:4]), ids[8])) {
		t.Errorf("second job reached %v", j.ToUser)
	}
	if got := e.sim.Deliveries(testApp); got[ids[0]] != 2 || got[ids[8]] != 1 || got[ids[5]] != 0 {
		t.Errorf("deliveries after the second send: %v", got)
	}
}

func TestMassSendAllRefusals(t *testing.T) {
	e := newMsgEnv(t)
	vip := e.mustTag("vip")
	e.addFans(fanIDs(3), vip)
	e.sim.AddMedia(testApp, "img1", MediaImage)
	news := func(mediaID string) map[string]any {
		return map[string]any{"filter": map[string]any{"tag_id": vip}, "msgtype": "mpnews", "mpnews": map[string]string{"media_id": mediaID}}
	}
	cases := []struct {
		name string
		body any
		want int
	}{
		{"unknown tag", sendAllText(999, false, "x", "a"), CodeInvalidTagID},
		{"no tag and not to all", sendAllText(0, false, "x", "a"), CodeInvalidTagID},
		{"bad json", `{"filter":`, CodeDataFormat},
		{"empty text", sendAllText(vip, false, " ", "a"), CodeEmptyContent},
		{"unknown media", news("nope"), CodeInvalidMediaID},
		{"image id as mpnews", news("img1"), CodeInvalidMediaID},
		{"bad msgtype", map[string]any{"filter": map[string]any{"tag_id": vip}, "msgtype": "voice"}, CodeInvalidMessageType},
		{"clientmsgid too long", sendAllText(vip, false, "x", strings.Repeat("a", 65)), CodeClientMsgIDTooLong},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			wantCode(t, e.post(pathMassSendAll, c.body), c.want)
		})
	}
	if n := len(e.sim.Jobs(testApp)); n != 0 {
		t.Errorf("%d jobs after refusals, want 0", n)
	}
	if n := e.sim.QuotaUsed(testApp, pathMassSend); n != 0 {
		t.Errorf("refusals spent %d of the mass quota", n)
	}
	wantDeliveries(t, e.sim, nil)
}

func TestMassSendAllMedia(t *testing.T) {
	e := newMsgEnv(t)
	vip := e.mustTag("vip")
	e.addFans(fanIDs(2), vip)
	e.sim.AddMedia(testApp, "news1", MediaNews)
	e.sim.AddMedia(testApp, "img1", MediaImage)
	r := e.post(pathMassSendAll, map[string]any{
		"filter": map[string]any{"tag_id": vip}, "msgtype": "mpnews",
		"mpnews": map[string]string{"media_id": "news1"}, "send_ignore_reprint": 1,
	})
	wantCode(t, r, 0)
	if r.MsgDataID == 0 {
		t.Error("mpnews send without msg_data_id")
	}
	r = e.post(pathMassSendAll, map[string]any{
		"filter": map[string]any{"tag_id": vip}, "msgtype": "image",
		"images": map[string]any{"media_ids": []string{"img1"}},
	})
	wantCode(t, r, 0)
	if r.MsgDataID != 0 {
		t.Errorf("image send has msg_data_id %d", r.MsgDataID)
	}
	jobs := e.sim.Jobs(testApp)
	if jobs[0].MediaID != "news1" || jobs[1].MediaID != "img1" || jobs[1].MsgType != SendImage {
		t.Errorf("jobs %+v", jobs)
	}
}

func TestMassSendAllClientMsgID(t *testing.T) {
	e := newMsgEnv(t)
	vip, other := e.mustTag("vip"), e.mustTag("other")
	e.addFans(fanIDs(3), vip, other)
	first := e.post(pathMassSendAll, sendAllText(vip, false, "x", "same"))
	wantCode(t, first, 0)
	wantCode(t, e.post(pathMassSendAll, sendAllText(vip, false, "x", "same")), CodeClientMsgIDRetryTooFast)
	e.clock.Advance(2 * time.Minute)
	dup := e.post(pathMassSendAll, sendAllText(other, false, "y", "same"))
	wantCode(t, dup, CodeClientMsgIDExist)
	if dup.MsgID != first.MsgID {
		t.Errorf("45065 carries msg_id %d, want %d", dup.MsgID, first.MsgID)
	}
	// A mass/send with the id is a duplicate too: one id space per account.
	wantCode(t, e.post(pathMassSend, massText(fanIDs(2), "z", "same")), CodeClientMsgIDExist)

	// Without clientmsgid the digest of content and scope dedupes: the
	// same text to another tag is a new send, to the same tag is not.
	wantCode(t, e.post(pathMassSendAll, sendAllText(vip, false, "digest", "")), 0)
	wantCode(t, e.post(pathMassSendAll, sendAllText(other, false, "digest", "")), 0)
	e.clock.Advance(2 * time.Minute)
	wantCode(t, e.post(pathMassSendAll, sendAllText(vip, false, "digest", "")), CodeClientMsgIDExist)

	e.clock.Advance(24 * time.Hour)
	e.tok = e.token(testApp, "s").AccessToken
	wantCode(t, e.post(pathMassSendAll, sendAllText(vip, false, "x", "same")), 0)
	if n := len(e.sim.Jobs(testApp)); n != 4 {
		t.Errorf("%d jobs, want 4", n)
	}
}

func TestMassSendAllToAllOncePerDay(t *testing.T) {
	e := newMsgEnv(t)
	vip := e.mustTag("vip")
	ids := fanIDs(4)
	e.addFans(ids[:2], vip)
	e.addFans(ids[2:])
	r := e.post(pathMassSendAll, sendAllText(0, true, "everyone", "all1"))
	wantCode(t, r, 0)
	j := e.sim.Jobs(testApp)[0]
	if !j.ToAll || j.TagID != 0 || !slices.Equal(j.ToUser, ids) {
		t.Errorf("to-all job %+v", j)
	}
	wantDeliveries(t, e.sim, ids)
	wantCode(t, e.post(pathMassSendAll, sendAllText(0, true, "again", "all2")), CodeNoMassQuota)
	// Tag sends are not limited by it.
	wantCode(t, e.post(pathMassSendAll, sendAllText(vip, false, "tag", "t1")), 0)
	// The next Beijing day allows one more. simStart is in the Beijing
	// morning or later; a day on is certainly the next Beijing day.
	e.clock.Advance(24 * time.Hour)
	e.tok = e.token(testApp, "s").AccessToken
	wantCode(t, e.post(pathMassSendAll, sendAllText(0, true, "next day", "all3")), 0)
	wantCode(t, e.post(pathMassSendAll, sendAllText(0, true, "next day 2", "all4")), CodeNoMassQuota)
}

func TestMassSendAllSharesQuotaAndRate(t *testing.T) {
	t.Run("daily quota", func(t *testing.T) {
		e := newMsgEnv(t)
		vip := e.mustTag("vip")
		e.addFans(fanIDs(2), vip)
		e.sim.SetDailyQuota(pathMassSendAll, 2)
		wantCode(t, e.post(pathMassSend, massText(fanIDs(2), "a", "1")), 0)
		wantCode(t, e.post(pathMassSendAll, sendAllText(vip, false, "b", "2")), 0)
		wantCode(t, e.post(pathMassSendAll, sendAllText(vip, false, "c", "3")), CodeDailyQuota)
		wantCode(t, e.post(pathMassSend, massText(fanIDs(2), "d", "4")), CodeDailyQuota)
		if n := e.sim.QuotaUsed(testApp, pathMassSendAll); n != 2 {
			t.Errorf("sendall quota used %d, want 2", n)
		}
	})
	t.Run("per minute", func(t *testing.T) {
		e := newMsgEnv(t, WithMassRateLimit(2))
		vip := e.mustTag("vip")
		e.addFans(fanIDs(2), vip)
		wantCode(t, e.post(pathMassSend, massText(fanIDs(2), "a", "1")), 0)
		wantCode(t, e.post(pathMassSendAll, sendAllText(vip, false, "b", "2")), 0)
		wantCode(t, e.post(pathMassSendAll, sendAllText(vip, false, "c", "3")), CodeMinuteQuota)
		wantCode(t, e.post(pathMassSend, massText(fanIDs(2), "d", "4")), CodeMinuteQuota)
		e.clock.Advance(time.Minute + time.Second)
		wantCode(t, e.post(pathMassSendAll, sendAllText(vip, false, "c", "3")), 0)
	})
}

func TestMassSendAllJobFinishPush(t *testing.T) {
	e := newMsgEnv(t)
	vip := e.mustTag("vip")
	e.addFans(fanIDs(3), vip)
	e.addFans(fanIDs(5)[3:])
	sink := &callbackSink{}
	e.sim.SetPush(testApp, newSinkClient(t, sink, nil), 0)
	r := e.post(pathMassSendAll, sendAllText(vip, false, "hi", "p"))
	wantCode(t, r, 0)
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	if err := e.sim.WaitJobsPushed(ctx); err != nil {
		t.Fatal(err)
	}
	if len(sink.got) != 1 {
		t.Fatalf("got %d pushes, want 1", len(sink.got))
	}
	m := sink.got[0]
	want := MassSendJobFinish(accountOpenID(testApp), r.MsgID, "send success", 3, 3, 3, 0)
	want.ToUserName, want.CreateTime = "gh_test", m.CreateTime
	if m != want {
		t.Errorf("push = %+v\nwant %+v", m, want)
	}
	if s := e.post(pathMassGet, map[string]any{"msg_id": r.MsgID}); s.MsgStatus != JobSendSuccess {
		t.Errorf("mass/get = %+v", s)
	}
}

// A draft sent by tag leaves the box like one sent by openid list, and
// the job keeps its words; DraftIDsOnce then refuses the id.
func TestMassSendAllDraft(t *testing.T) {
	e := newMsgEnv(t, WithDraftMode(DraftIDsOnce))
	vip := e.mustTag("vip")
	e.addFans(fanIDs(2), vip)
	id := e.sim.AddDraft(testApp, DraftArticle{Title: "标题", Content: "<p>正文</p>"})
	body := func(clientMsgID string) map[string]any {
		return map[string]any{"filter": map[string]any{"tag_id": vip}, "msgtype": "mpnews",
			"mpnews": map[string]string{"media_id": id}, "clientmsgid": clientMsgID}
	}
	wantCode(t, e.post(pathMassSendAll, body("d1")), 0)
	if _, inBox := e.sim.Draft(testApp, id); inBox {
		t.Error("the draft is still in the box after a tag send")
	}
	j := e.sim.Jobs(testApp)[0]
	if j.MediaID != id || len(j.Articles) != 1 || j.Articles[0].Title != "标题" {
		t.Errorf("job = %+v, want the draft's words", j)
	}
	// A retry of the accepted send learns its msg_id, as with mass/send;
	// only a new send with the draft id is refused.
	e.advance(2 * time.Minute)
	wantCode(t, e.post(pathMassSendAll, body("d1")), CodeClientMsgIDExist)
	wantCode(t, e.post(pathMassSendAll, body("d2")), CodeInvalidMediaID)
}

// A deleted tag's id is gone: a send to it is refused, not sent to no one.
func TestMassSendAllDeletedTag(t *testing.T) {
	e := newMsgEnv(t)
	gone := e.mustTag("gone")
	e.addFans(fanIDs(2), gone)
	if c := e.code(pathTagDelete, map[string]any{"tag": map[string]int{"id": gone}}); c != 0 {
		t.Fatalf("tags/delete: %d", c)
	}
	wantCode(t, e.post(pathMassSendAll, sendAllText(gone, false, "x", "g")), CodeInvalidTagID)
}
