package wxapi

import (
	"maps"
	"testing"
	"time"

	"github.com/wxcast/wxcast/internal/wxsim"
)

func TestCustomText(t *testing.T) {
	t.Parallel()
	appID, secret := newApp(t)
	client, _ := newClient(t, replicaStores(t, 1)[0], appID, secret)
	ctx := testContext(t)

	wantAPIError(t, client.CustomText(ctx, "oA", "hi"), wxsim.CodeResponseOutOfTime)
	sim.Interact(appID, "oA", wxsim.TriggerMessage, time.Time{})
	for i := range 5 {
		if err := client.CustomText(ctx, "oA", "hi"); err != nil {
			t.Fatalf("message %d: %v", i+1, err)
		}
	}
	wantAPIError(t, client.CustomText(ctx, "oA", "sixth"), wxsim.CodeResponseCountLimit)
	if got := sim.CustomMessages(appID); len(got) != 5 || got[0].To != "oA" || got[0].Content != "hi" {
		t.Errorf("custom messages = %+v", got)
	}
}

func TestTemplateSend(t *testing.T) {
	t.Parallel()
	appID, secret := newApp(t)
	sim.AddTemplate(appID, "tpl-order")
	client, _ := newClient(t, replicaStores(t, 1)[0], appID, secret)
	ctx := testContext(t)

	data := map[string]string{"first": "Your order", "keyword1": "#42"}
	id, err := client.TemplateSend(ctx, "oA", "tpl-order", data, "https://example.com/o/42")
	if err != nil || id == 0 {
		t.Fatalf("TemplateSend = %d, %v", id, err)
	}
	got := sim.TemplateMessages(appID)
	if len(got) != 1 || got[0].MsgID != id || !maps.Equal(got[0].Data, data) || got[0].URL != "https://example.com/o/42" {
		t.Errorf("template messages = %+v", got)
	}
	_, err = client.TemplateSend(ctx, "oA", "tpl-none", data, "")
	wantAPIError(t, err, wxsim.CodeInvalidTemplateID)
	sim.Unfollow(appID, "oB")
	_, err = client.TemplateSend(ctx, "oB", "tpl-order", data, "")
	wantAPIError(t, err, wxsim.CodeRequireSubscribe)
}
