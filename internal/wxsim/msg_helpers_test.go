package wxsim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"
)

// msgReply is the union of the message endpoints' JSON answers.
type msgReply struct {
	ErrCode   int    `json:"errcode"`
	ErrMsg    string `json:"errmsg"`
	MsgID     int64  `json:"msg_id"`
	MsgDataID int64  `json:"msg_data_id"`
	MsgStatus string `json:"msg_status"`
	// TemplateID is template/send's msgid, spelled without the underscore.
	TemplateID int64 `json:"msgid"`
}

// msgEnv is a simulator with one app ("wx_m") and its access token.
type msgEnv struct {
	*simEnv
	appID, tok string
}

const testApp = "wx_m"

func newMsgEnv(t *testing.T, opts ...Option) *msgEnv {
	t.Helper()
	clock := newFakeClock(simStart())
	opts = append([]Option{WithClock(clock.Now), WithLogger(zaptest.NewLogger(t))}, opts...)
	sim := NewServer(opts...)
	ts := httptest.NewServer(sim)
	t.Cleanup(ts.Close)
	t.Cleanup(sim.Close) // runs first: releases held calls before ts.Close waits
	e := &msgEnv{simEnv: &simEnv{t: t, sim: sim, clock: clock, url: ts.URL}, appID: testApp}
	sim.AddApp(testApp, "s")
	e.tok = e.token(testApp, "s").AccessToken
	return e
}

// post sends body (a string is sent as is, anything else as JSON) to path
// with the app's token.
func (e *msgEnv) post(path string, body any) msgReply {
	e.t.Helper()
	raw, ok := body.(string)
	if !ok {
		b, err := json.Marshal(body)
		if err != nil {
			e.t.Fatal(err)
		}
		raw = string(b)
	}
	target := e.url + path + "?" + url.Values{"access_token": {e.tok}}.Encode()
	resp, err := http.Post(target, "application/json", strings.NewReader(raw))
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		e.t.Fatalf("POST %s: HTTP %d", path, resp.StatusCode)
	}
	var r msgReply
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		e.t.Fatalf("POST %s: decode: %v", path, err)
	}
	return r
}

// wantCode fails unless r has errcode code.
func wantCode(t *testing.T, r msgReply, code int) {
	t.Helper()
	if r.ErrCode != code {
		t.Fatalf("errcode %d %q, want %d", r.ErrCode, r.ErrMsg, code)
	}
}

const (
	pathMassSend    = "/cgi-bin/message/mass/send"
	pathMassPreview = "/cgi-bin/message/mass/preview"
	pathMassDelete  = "/cgi-bin/message/mass/delete"
	pathMassGet     = "/cgi-bin/message/mass/get"
	pathCustomSend  = "/cgi-bin/message/custom/send"
	pathTemplate    = "/cgi-bin/message/template/send"
)

// openids returns n distinct well-formed openids.
func openids(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("o%s%06d", prefix, i)
	}
	return out
}

// massText is a mass/send body for a text message.
func massText(to []string, text, clientMsgID string) map[string]any {
	return map[string]any{
		"touser": to, "msgtype": "text", "text": map[string]string{"content": text},
		"clientmsgid": clientMsgID,
	}
}

// massNews is a mass/send body for an mpnews message.
func massNews(to []string, mediaID, clientMsgID string) map[string]any {
	return map[string]any{
		"touser": to, "msgtype": "mpnews", "mpnews": map[string]string{"media_id": mediaID},
		"clientmsgid": clientMsgID,
	}
}

// with rebinds e to a subtest, so helper failures stop the right test.
func (e *msgEnv) with(t *testing.T) *msgEnv {
	c := *e
	c.simEnv = e.simEnv.with(t)
	return &c
}

// advance moves the clock, fetching a fresh token when it is a long jump.
func (e *msgEnv) advance(d time.Duration) {
	e.t.Helper()
	e.clock.Advance(d)
	if d >= time.Hour {
		e.tok = e.token(e.appID, "s").AccessToken
	}
}

func jsonReader(t *testing.T, v any) io.Reader {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.NewReader(b)
}
