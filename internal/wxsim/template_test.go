package wxsim

import (
	"maps"
	"testing"
)

func TestTemplateSend(t *testing.T) {
	e := newMsgEnv(t)
	e.sim.AddTemplate(testApp, "tpl1")
	e.sim.Unfollow(testApp, "oGone")
	body := func(to, tpl string) map[string]any {
		return map[string]any{
			"touser": to, "template_id": tpl, "url": "https://example.com/o/1", "client_msg_id": "c1",
			"data": map[string]any{"first": map[string]string{"value": "Hi"}, "keyword1": map[string]string{"value": "42"}},
		}
	}
	tests := []struct {
		name string
		body any
		code int
	}{
		{"bad JSON", "{", CodeDataFormat},
		{"malformed openid", body("o A", "tpl1"), CodeInvalidOpenID},
		{"unknown template", body("oA", "tpl2"), CodeInvalidTemplateID},
		{"unfollowed", body("oGone", "tpl1"), CodeRequireSubscribe},
		{"ok", body("oA", "tpl1"), 0},
		{"ok again (client_msg_id is not deduped)", body("oA", "tpl1"), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.with(t).post(pathTemplate, tt.body)
			wantCode(t, r, tt.code)
			if tt.code == 0 && (r.TemplateID == 0 || r.ErrMsg != "ok") {
				t.Errorf("reply = %+v", r)
			}
		})
	}
	got := e.sim.TemplateMessages(testApp)
	if len(got) != 2 || got[0].MsgID == got[1].MsgID {
		t.Fatalf("recorded %+v", got)
	}
	m := got[0]
	want := map[string]string{"first": "Hi", "keyword1": "42"}
	if m.To != "oA" || m.TemplateID != "tpl1" || m.URL != "https://example.com/o/1" || m.ClientMsgID != "c1" ||
		!maps.Equal(m.Data, want) || !m.At.Equal(simStart()) {
		t.Errorf("recorded %+v", m)
	}
	m.Data["first"] = "changed"
	if e.sim.TemplateMessages(testApp)[0].Data["first"] != "Hi" {
		t.Error("TemplateMessages returned shared state")
	}
}
