package wxsim

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestMassSendValidation(t *testing.T) {
	e := newMsgEnv(t)
	e.sim.AddMedia(testApp, "news1", MediaNews)
	e.sim.AddMedia(testApp, "img1", MediaImage)
	two := openids("a", 2)
	tests := []struct {
		name string
		body any
		code int
	}{
		{"not JSON", "{", CodeDataFormat},
		{"no openid", massText(nil, "hi", ""), CodeInvalidOpenIDListSize},
		{"one openid", massText(two[:1], "hi", ""), CodeInvalidOpenIDListSize},
		{"10001 openids", massText(openids("b", 10001), "hi", ""), CodeInvalidOpenIDListSize},
		{"malformed openid", massText([]string{"oA", "o B"}, "hi", ""), CodeInvalidOpenID},
		{"empty openid", massText([]string{"oA", ""}, "hi", ""), CodeInvalidOpenID},
		{"65-char openid", massText([]string{"oA", strings.Repeat("o", 65)}, "hi", ""), CodeInvalidOpenID},
		{"voice", map[string]any{"touser": two, "msgtype": "voice"}, CodeInvalidMessageType},
		{"no msgtype", map[string]any{"touser": two}, CodeInvalidMessageType},
		{"empty text", massText(two, " ", ""), CodeEmptyContent},
		{"no text", map[string]any{"touser": two, "msgtype": "text"}, CodeEmptyContent},
		{"unknown news", massNews(two, "nope", ""), CodeInvalidMediaID},
		{"image as news", massNews(two, "img1", ""), CodeInvalidMediaID},
		{"no mpnews", map[string]any{"touser": two, "msgtype": "mpnews"}, CodeInvalidMediaID},
		{"image without ids", map[string]any{"touser": two, "msgtype": "image", "images": map[string]any{}}, CodeInvalidMediaID},
		{"news as image", map[string]any{"touser": two, "msgtype": "image",
			"images": map[string]any{"media_ids": []string{"img1", "news1"}}}, CodeInvalidMediaID},
		{"clientmsgid 65 bytes", massText(two, "hi", strings.Repeat("x", 65)), CodeClientMsgIDTooLong},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantCode(t, e.with(t).post(pathMassSend, tt.body), tt.code)
		})
	}
	if jobs := e.sim.Jobs(testApp); len(jobs) != 0 {
		t.Errorf("rejected sends created jobs: %+v", jobs)
	}

	q := "access_token=garbage"
	r := e.do("POST", pathMassSend+"?"+q, nil, "{}")
	wantErr(t, r, CodeInvalidAccessToken, "invalid access_token")
}

func TestMassSendAccepts(t *testing.T) {
	e := newMsgEnv(t)
	e.sim.AddMedia(testApp, "news1", MediaNews)
	e.sim.AddMedia(testApp, "img1", MediaImage)
	e.sim.AddMedia(testApp, "img2", MediaImage)
	to := openids("a", 3)
	image := map[string]any{"touser": to, "msgtype": "image",
		"images": map[string]any{"media_ids": []string{"img1", "img2"}}, "clientmsgid": "c3"}
	tests := []struct {
		name     string
		body     any
		dataID   bool
		content  string
		mediaID  string
		clientID string
	}{
		{"text", massText(to, "hello", "c1"), false, "hello", "", "c1"},
		{"mpnews", massNews(to, "news1", "c2"), true, "", "news1", "c2"},
		{"image", image, false, "", "img1,img2", "c3"},
		{"10000 openids", massText(openids("b", 10000), "hello", "c4"), false, "hello", "", "c4"},
	}
	var last int64
	for _, tt := range tests {
		r := e.post(pathMassSend, tt.body)
		if r.ErrCode != 0 || r.ErrMsg != "send job submission success" || r.MsgID <= last {
			t.Fatalf("%s: %+v, want success with msg_id > %d", tt.name, r, last)
		}
		last = r.MsgID
		if (r.MsgDataID != 0) != tt.dataID {
			t.Errorf("%s: msg_data_id %d, want one only for mpnews", tt.name, r.MsgDataID)
		}
		jobs := e.sim.Jobs(testApp)
		j := jobs[len(jobs)-1]
		if j.MsgID != r.MsgID || j.MsgDataID != r.MsgDataID || j.Content != tt.content ||
			j.MediaID != tt.mediaID || j.ClientMsgID != tt.clientID || !j.At.Equal(simStart()) {
			t.Errorf("%s: job %+v", tt.name, j)
		}
		if j.Status != JobSendSuccess {
			t.Errorf("%s: status %s, want %s without SetPush", tt.name, j.Status, JobSendSuccess)
		}
	}
}

func TestMassSendDeliveries(t *testing.T) {
	e := newMsgEnv(t)
	e.sim.Unfollow(testApp, "oGone")
	// A duplicate is delivered once; an unfollowed openid is filtered.
	r := e.post(pathMassSend, massText([]string{"oA", "oB", "oA", "oGone"}, "m0", "0"))
	wantCode(t, r, 0)
	j := e.sim.Jobs(testApp)[0]
	if !slices.Equal(j.ToUser, []string{"oA", "oB", "oGone"}) || !slices.Equal(j.Skipped, []string{"oGone"}) ||
		j.Total != 3 || j.Filter != 2 || j.Sent != 2 || j.Errors != 0 {
		t.Errorf("job = %+v", j)
	}
	// Four a month per follower: oA already has one, oC none.
	for i := 1; i <= 4; i++ {
		wantCode(t, e.post(pathMassSend, massText([]string{"oA", "oC"}, "m", string(rune('0'+i)))), 0)
	}
	j = e.sim.Jobs(testApp)[4]
	if j.Total != 2 || j.Sent != 1 || j.Filter != 1 || !slices.Equal(j.Skipped, []string{"oA"}) {
		t.Errorf("fifth send of the month = %+v, want oA filtered", j)
	}
	want := map[string]int{"oA": 4, "oB": 1, "oC": 4}
	if got := e.sim.Deliveries(testApp); !mapsEqual(got, want) {
		t.Errorf("deliveries = %v, want %v", got, want)
	}
	// 2024-06-01 00:00 Beijing starts a new month.
	e.advance(31 * 24 * time.Hour)
	wantCode(t, e.post(pathMassSend, massText([]string{"oA", "oC"}, "m", "june")), 0)
	if d := e.sim.Deliveries(testApp); d["oA"] != 5 || d["oC"] != 5 {
		t.Errorf("June deliveries = %v, want the cap reset", d)
	}
	// Everyone filtered: the job fails.
	wantCode(t, e.post(pathMassSend, massText([]string{"oGone", "oGone2"}, "m", "none")), 0)
	e.sim.Unfollow(testApp, "oGone2")
	if j := e.sim.Jobs(testApp); j[len(j)-1].Status != JobSendSuccess {
		// oGone2 was still following when the send was accepted.
		t.Errorf("status = %s", j[len(j)-1].Status)
	}
	wantCode(t, e.post(pathMassSend, massText([]string{"oGone", "oGone2"}, "m", "none2")), 0)
	if j := e.sim.Jobs(testApp); j[len(j)-1].Status != JobSendFail || j[len(j)-1].Sent != 0 {
		t.Errorf("all-filtered job = %+v, want %s", j[len(j)-1], JobSendFail)
	}
}

func mapsEqual(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func TestMassSendDedupe(t *testing.T) {
	e := newMsgEnv(t)
	e.sim.AddMedia(testApp, "news1", MediaNews)
	to := openids("a", 2)
	first := e.post(pathMassSend, massNews(to, "news1", "batch-1"))
	wantCode(t, first, 0)

	// Same clientmsgid within the retry gap, even with other content.
	wantCode(t, e.post(pathMassSend, massText(openids("z", 2), "other", "batch-1")), CodeClientMsgIDRetryTooFast)
	e.advance(time.Minute)
	r := e.post(pathMassSend, massNews(to, "news1", "batch-1"))
	if r.ErrCode != CodeClientMsgIDExist || r.ErrMsg != "clientmsgid exist" ||
		r.MsgID != first.MsgID || r.MsgDataID != first.MsgDataID {
		t.Fatalf("retry after a minute = %+v, want 45065 naming %+v", r, first)
	}
	e.advance(24*time.Hour - time.Minute)
	again := e.post(pathMassSend, massNews(to, "news1", "batch-1"))
	if again.ErrCode != 0 || again.MsgID == first.MsgID {
		t.Fatalf("after 24 h = %+v, want a new job", again)
	}

	// Without clientmsgid the digest of content and scope is the id: the
	// order of touser does not matter, the content does.
	wantCode(t, e.post(pathMassSend, massText([]string{"oA", "oB"}, "x", "")), 0)
	wantCode(t, e.post(pathMassSend, massText([]string{"oB", "oA"}, "x", "")), CodeClientMsgIDRetryTooFast)
	wantCode(t, e.post(pathMassSend, massText([]string{"oB", "oA"}, "y", "")), 0)
	wantCode(t, e.post(pathMassSend, massText([]string{"oA", "oC"}, "x", "")), 0)
	e.sim.AgeMassSends(testApp, 2*time.Minute)
	wantCode(t, e.post(pathMassSend, massText([]string{"oA", "oB", "oA"}, "x", "")), CodeClientMsgIDExist)
	if n := len(e.sim.Jobs(testApp)); n != 5 {
		t.Errorf("%d jobs, want 5", n)
	}
}

func TestMassSendRetryGapOption(t *testing.T) {
	e := newMsgEnv(t, WithMassRetryGap(0))
	to := openids("a", 2)
	first := e.post(pathMassSend, massText(to, "x", "id"))
	if r := e.post(pathMassSend, massText(to, "x", "id")); r.ErrCode != CodeClientMsgIDExist || r.MsgID != first.MsgID {
		t.Fatalf("got %+v, want 45065 at once with no retry gap", r)
	}
}

func TestMassSendRateLimit(t *testing.T) {
	e := newMsgEnv(t, WithMassRateLimit(3))
	for i := range 3 {
		wantCode(t, e.post(pathMassSend, massText(openids("a", 2), "x", string(rune('a'+i)))), 0)
	}
	// Rejected calls count too: the limit is on requests.
	wantCode(t, e.post(pathMassSend, "{"), CodeMinuteQuota)
	e.advance(59 * time.Second)
	wantCode(t, e.post(pathMassSend, massText(openids("a", 2), "x", "d")), CodeMinuteQuota)
	e.advance(time.Second)
	wantCode(t, e.post(pathMassSend, massText(openids("a", 2), "x", "d")), 0)

	off := newMsgEnv(t, WithMassRateLimit(0))
	for i := range 100 {
		wantCode(t, off.post(pathMassSend, massText(openids("a", 2), "x", string(rune('a'+i)))), 0)
	}
}

func TestMassSendDefaultRateLimit(t *testing.T) {
	e := newMsgEnv(t)
	for i := range defaultMassRateLimit {
		wantCode(t, e.post(pathMassSend, massText(openids("a", 2), "x", string(rune('a'+i)))), 0)
	}
	wantCode(t, e.post(pathMassSend, massText(openids("a", 2), "x", "last")), CodeMinuteQuota)
}
