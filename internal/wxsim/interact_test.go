package wxsim

import "testing"

// A Client with a Platform opens customer-service windows as it pushes.
func TestClientPlatformOpensWindows(t *testing.T) {
	e := newMsgEnv(t)
	c := newSinkClient(t, &callbackSink{}, e.sim)
	send := func(want int) {
		t.Helper()
		wantCode(t, e.post(pathCustomSend, customText("oA", "x")), want)
	}
	push := func(m Message) {
		t.Helper()
		if _, err := c.Send(t.Context(), m); err != nil {
			t.Fatal(err)
		}
	}
	push(View("oA", "https://example.com")) // a link click opens nothing
	push(LocationReport("oA", 1, 2, 3))
	send(CodeResponseOutOfTime)
	push(Text("oA", "hi", 1))
	send(0)
	push(Unsubscribe("oA"))
	send(CodeResponseOutOfTime)
	wantCode(t, e.post(pathTemplate, map[string]any{"touser": "oA", "template_id": "t"}), CodeInvalidTemplateID)
	e.sim.AddTemplate(testApp, "t")
	wantCode(t, e.post(pathTemplate, map[string]any{"touser": "oA", "template_id": "t"}), CodeRequireSubscribe)
	push(Subscribe("oA", ""))
	send(0)
	wantCode(t, e.post(pathTemplate, map[string]any{"touser": "oA", "template_id": "t"}), 0)
	for _, m := range []Message{Click("oB", "k"), Scan("oC", "s"), Image("oD", "m", 2)} {
		push(m)
		wantCode(t, e.post(pathCustomSend, customText(m.FromUserName, "x")), 0)
	}
}
