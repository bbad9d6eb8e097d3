package wxsim

import (
	"context"
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"
)

func TestMassDeleteAndGet(t *testing.T) {
	e := newMsgEnv(t)
	e.sim.AddMedia(testApp, "news1", MediaNews)
	news := e.post(pathMassSend, massNews(openids("a", 2), "news1", "n"))
	text := e.post(pathMassSend, massText(openids("a", 2), "hi", "t"))

	other := newMsgEnv(t) // another simulator's job is unknown here
	foreign := other.post(pathMassSend, massText(openids("a", 2), "hi", "t"))

	tests := []struct {
		name string
		path string
		body any
		code int
	}{
		{"get bad JSON", pathMassGet, "{", CodeDataFormat},
		{"get unknown", pathMassGet, map[string]any{"msg_id": 42}, CodeInvalidMsgID},
		{"get no id", pathMassGet, map[string]any{}, CodeInvalidMsgID},
		{"delete unknown", pathMassDelete, map[string]any{"msg_id": foreign.MsgID + 1000}, CodeInvalidMsgID},
		{"delete text", pathMassDelete, map[string]any{"msg_id": text.MsgID}, CodeInvalidMsgID},
		{"delete idx 2", pathMassDelete, map[string]any{"msg_id": news.MsgID, "article_idx": 2}, CodeInvalidArticleIdx},
		{"delete idx -1", pathMassDelete, map[string]any{"msg_id": news.MsgID, "article_idx": -1}, CodeInvalidArticleIdx},
		{"delete bad JSON", pathMassDelete, `{"msg_id":"x"}`, CodeDataFormat},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantCode(t, e.with(t).post(tt.path, tt.body), tt.code)
		})
	}

	r := e.post(pathMassGet, `{"msg_id":"`+strconv.FormatInt(news.MsgID, 10)+`"}`) // the doc's string form
	if r.ErrCode != 0 || r.MsgID != news.MsgID || r.MsgStatus != JobSendSuccess {
		t.Fatalf("get = %+v", r)
	}
	wantCode(t, e.post(pathMassDelete, map[string]any{"msg_id": news.MsgID, "article_idx": 1}), 0)
	if r := e.post(pathMassGet, map[string]any{"msg_id": news.MsgID}); r.MsgStatus != JobDeleted {
		t.Errorf("status after delete = %+v", r)
	}
	if j := e.sim.Jobs(testApp)[0]; j.Status != JobDeleted {
		t.Errorf("job status = %s", j.Status)
	}
}

// callbackSink is a developer server that records the pushes it gets and
// fails the first failures of them with HTTP 500.
type callbackSink struct {
	mu       sync.Mutex
	failures int
	tries    int
	got      []Message
}

func (k *callbackSink) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	k.mu.Lock()
	defer k.mu.Unlock()
	k.tries++
	if k.tries <= k.failures {
		http.Error(w, "busy", http.StatusInternalServerError)
		return
	}
	var m Message
	if err := xml.Unmarshal(body, &m); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	k.got = append(k.got, m)
	_, _ = io.WriteString(w, "success")
}

func newSinkClient(t *testing.T, sink *callbackSink, platform *Server) *Client {
	t.Helper()
	ts := httptest.NewServer(sink)
	t.Cleanup(ts.Close)
	c, err := NewClient(ClientConfig{
		URL: ts.URL + "/wechat", Token: "tok", AppID: testApp, OriginalID: "gh_test",
		Platform: platform,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestMassJobFinishPush(t *testing.T) {
	e := newMsgEnv(t)
	sink := &callbackSink{failures: 2}
	e.sim.SetPush(testApp, newSinkClient(t, sink, nil), 100*time.Millisecond)
	e.sim.Unfollow(testApp, "oGone")
	r := e.post(pathMassSend, massText([]string{"oA", "oB", "oGone"}, "hi", "p"))
	wantCode(t, r, 0)
	if s := e.post(pathMassGet, map[string]any{"msg_id": r.MsgID}); s.MsgStatus != JobSending {
		t.Fatalf("status before the delay = %+v, want %s", s, JobSending)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	if err := e.sim.WaitJobsPushed(ctx); err != nil {
		t.Fatal(err)
	}
	if s := e.post(pathMassGet, map[string]any{"msg_id": r.MsgID}); s.MsgStatus != JobSendSuccess {
		t.Errorf("status after the push = %+v", s)
	}
	j := e.sim.Jobs(testApp)[0]
	if j.PushAttempts != 3 || !j.Pushed {
		t.Errorf("push attempts %d, pushed %v; want 3 and true (two 500s retried)", j.PushAttempts, j.Pushed)
	}
	if len(sink.got) != 1 {
		t.Fatalf("got %d pushes, want 1", len(sink.got))
	}
	m := sink.got[0]
	want := MassSendJobFinish(accountOpenID(testApp), r.MsgID, "send success", 3, 2, 2, 0)
	want.ToUserName, want.CreateTime = "gh_test", m.CreateTime
	if m != want || m.CreateTime == 0 || len(m.FromUserName) != 28 {
		t.Errorf("push = %+v\nwant %+v", m, want)
	}
}

func TestMassJobPushGivesUp(t *testing.T) {
	e := newMsgEnv(t)
	sink := &callbackSink{failures: 100}
	e.sim.SetPush(testApp, newSinkClient(t, sink, nil), 0)
	wantCode(t, e.post(pathMassSend, massText(openids("a", 2), "hi", "p")), 0)
	if err := e.sim.WaitJobsPushed(t.Context()); err != nil {
		t.Fatal(err)
	}
	if j := e.sim.Jobs(testApp)[0]; j.PushAttempts != 4 || j.Pushed || j.Status != JobSendSuccess {
		t.Errorf("job = %+v, want 4 failed attempts (one try, three retries)", j)
	}
}

func TestMassJobFinishWithoutClient(t *testing.T) {
	e := newMsgEnv(t)
	e.sim.SetPush(testApp, nil, time.Hour)
	r := e.post(pathMassSend, massText(openids("a", 2), "hi", "p"))
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
	defer cancel()
	if err := e.sim.WaitJobsPushed(ctx); err == nil {
		t.Error("WaitJobsPushed returned before the job finished")
	}
	e.sim.Close() // ends the wait; the job stays SENDING
	if s := e.post(pathMassGet, map[string]any{"msg_id": r.MsgID}); s.MsgStatus != JobSending {
		t.Errorf("status = %+v", s)
	}
	// After Close, jobs finish at once.
	r = e.post(pathMassSend, massText(openids("a", 2), "hi", "q"))
	if s := e.post(pathMassGet, map[string]any{"msg_id": r.MsgID}); s.MsgStatus != JobSendSuccess {
		t.Errorf("status after Close = %+v", s)
	}
}

func TestFailNext(t *testing.T) {
	e := newMsgEnv(t)
	e.sim.FailNext(pathMassSend, CodeSystemBusy, 2)
	body := massText(openids("a", 2), "hi", "f")
	wantCode(t, e.post(pathMassSend, body), CodeSystemBusy)
	wantCode(t, e.post(pathMassSend, body), CodeSystemBusy)
	if n := len(e.sim.Jobs(testApp)); n != 0 {
		t.Fatalf("a failed call created %d jobs", n)
	}
	wantCode(t, e.post(pathMassSend, body), 0)
	e.sim.FailNext(pathMassPreview, CodeDailyQuota, 1)
	r := e.post(pathMassPreview, map[string]any{"touser": "oA", "msgtype": "text", "text": map[string]string{"content": "x"}})
	if r.ErrCode != CodeDailyQuota || r.ErrMsg != "reach max api daily quota limit" {
		t.Errorf("preview = %+v", r)
	}
	if got := errCodesOf(e.sim.Calls(testApp), pathMassSend); len(got) != 3 || got[0] != -1 || got[2] != 0 {
		t.Errorf("recorded errcodes %v", got)
	}
}

func errCodesOf(calls []Call, path string) []int {
	var out []int
	for _, c := range calls {
		if c.Path == path {
			out = append(out, c.ErrCode)
		}
	}
	return out
}

func TestDropAfterAccept(t *testing.T) {
	e := newMsgEnv(t)
	e.sim.DropAfterAccept(pathMassSend, 1)
	body := massText(openids("a", 2), "hi", "d")
	// A rejected call is answered and does not use up the drop.
	wantCode(t, e.post(pathMassSend, massText(openids("a", 1), "hi", "d")), CodeInvalidOpenIDListSize)

	client := &http.Client{Timeout: 200 * time.Millisecond}
	target := e.url + pathMassSend + "?access_token=" + e.tok
	start := time.Now()
	resp, err := client.Post(target, "application/json", jsonReader(t, body))
	if err == nil {
		resp.Body.Close()
		t.Fatalf("got HTTP %d, want the call to time out", resp.StatusCode)
	}
	if time.Since(start) < 150*time.Millisecond {
		t.Errorf("failed after %v, before the client's timeout: %v", time.Since(start), err)
	}
	jobs := e.sim.Jobs(testApp)
	if len(jobs) != 1 || jobs[0].Sent != 2 {
		t.Fatalf("jobs = %+v, want the dropped send accepted", jobs)
	}
	// The sender retries: too fast, then told the existing msg_id.
	wantCode(t, e.post(pathMassSend, body), CodeClientMsgIDRetryTooFast)
	e.advance(time.Minute)
	r := e.post(pathMassSend, body)
	if r.ErrCode != CodeClientMsgIDExist || r.MsgID != jobs[0].MsgID {
		t.Errorf("retry = %+v, want 45065 with msg_id %d", r, jobs[0].MsgID)
	}
}
