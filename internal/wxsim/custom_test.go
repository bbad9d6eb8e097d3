package wxsim

import (
	"testing"
	"time"
)

func customText(to, text string) map[string]any {
	return map[string]any{"touser": to, "msgtype": "text", "text": map[string]string{"content": text}}
}

func TestCustomSendValidation(t *testing.T) {
	e := newMsgEnv(t)
	e.sim.AddMedia(testApp, "img1", MediaImage)
	e.sim.AddMedia(testApp, "news1", MediaNews)
	e.sim.Interact(testApp, "oA", TriggerMessage, time.Time{})
	tests := []struct {
		name string
		body any
		code int
		want CustomMessage
	}{
		{"bad JSON", "{", CodeDataFormat, CustomMessage{}},
		{"malformed openid", customText("o A", "x"), CodeInvalidOpenID, CustomMessage{}},
		{"empty text", customText("oA", ""), CodeEmptyContent, CustomMessage{}},
		{"music", map[string]any{"touser": "oA", "msgtype": "music"}, CodeInvalidMessageType, CustomMessage{}},
		{"unknown image", map[string]any{"touser": "oA", "msgtype": "image", "image": map[string]string{"media_id": "x"}}, CodeInvalidMediaID, CustomMessage{}},
		{"empty news", map[string]any{"touser": "oA", "msgtype": "news", "news": map[string]any{"articles": []any{}}}, CodeEmptyNews, CustomMessage{}},
		{"no window", customText("oB", "x"), CodeResponseOutOfTime, CustomMessage{}},
		{"text", customText("oA", "hi"), 0, CustomMessage{To: "oA", MsgType: "text", Content: "hi"}},
		{"image", map[string]any{"touser": "oA", "msgtype": "image", "image": map[string]string{"media_id": "img1"}},
			0, CustomMessage{To: "oA", MsgType: "image", MediaID: "img1"}},
		{"mpnews", map[string]any{"touser": "oA", "msgtype": "mpnews", "mpnews": map[string]string{"media_id": "news1"}},
			0, CustomMessage{To: "oA", MsgType: "mpnews", MediaID: "news1"}},
		{"news", map[string]any{"touser": "oA", "msgtype": "news", "news": map[string]any{
			"articles": []map[string]string{{"title": "T", "url": "http://x"}}}},
			0, CustomMessage{To: "oA", MsgType: "news", Content: "T"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.with(t).post(pathCustomSend, tt.body)
			wantCode(t, r, tt.code)
			if tt.code != 0 {
				return
			}
			got := e.sim.CustomMessages(testApp)
			m := got[len(got)-1]
			if !m.At.Equal(simStart()) {
				t.Errorf("at %v", m.At)
			}
			m.At = time.Time{}
			if m != tt.want {
				t.Errorf("recorded %+v, want %+v", m, tt.want)
			}
		})
	}
}

func TestCustomSendWindows(t *testing.T) {
	e := newMsgEnv(t)
	send := func(want int) {
		t.Helper()
		wantCode(t, e.post(pathCustomSend, customText("oA", "x")), want)
	}
	send(CodeResponseOutOfTime)

	// A click: 3 messages within a minute.
	e.sim.Interact(testApp, "oA", TriggerClick, time.Time{})
	send(0)
	send(0)
	send(0)
	send(CodeResponseCountLimit)
	e.advance(time.Minute)
	send(CodeResponseOutOfTime)

	// A message: 5 within 48 h; the click window's quota is used first.
	e.sim.Interact(testApp, "oA", TriggerMessage, time.Time{})
	e.sim.Interact(testApp, "oA", TriggerSubscribe, time.Time{})
	for range 8 {
		send(0)
	}
	send(CodeResponseCountLimit)
	e.advance(47 * time.Hour)
	send(CodeResponseCountLimit)
	// A new message resets the 48 h window with 5 new sends.
	e.sim.Interact(testApp, "oA", TriggerMessage, time.Time{})
	for range 5 {
		send(0)
	}
	send(CodeResponseCountLimit)
	e.advance(48 * time.Hour)
	send(CodeResponseOutOfTime)

	// An explicit time: a scan a minute ago has just closed.
	e.sim.Interact(testApp, "oA", TriggerScan, e.clock.Now().Add(-time.Minute))
	send(CodeResponseOutOfTime)

	// Unfollowing closes every window; following again opens one.
	e.sim.Interact(testApp, "oA", TriggerMessage, time.Time{})
	e.sim.Unfollow(testApp, "oA")
	send(CodeResponseOutOfTime)
	e.sim.Interact(testApp, "oA", TriggerSubscribe, time.Time{})
	send(0)
}

func TestInteractUnknownPanics(t *testing.T) {
	e := newMsgEnv(t)
	for _, f := range []func(){
		func() { e.sim.Interact(testApp, "oA", "wave", time.Time{}) },
		func() { e.sim.Interact("wx_nope", "oA", TriggerMessage, time.Time{}) },
		func() { e.sim.AddMedia("wx_nope", "m", MediaNews) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Error("no panic")
				}
			}()
			f()
		}()
	}
}
