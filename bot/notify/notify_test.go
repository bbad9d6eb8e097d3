package notify_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wxcast/wxcast/bot/broadcast"
	"github.com/wxcast/wxcast/bot/notify"
	"github.com/wxcast/wxcast/internal/bctest"
)

func TestNotifyFallsBackAndKeeps(t *testing.T) {
	t.Parallel()
	w := bctest.New(t, sim, bctest.Config{Followers: 2, TemplateID: "tpl1"})
	b, _ := w.Lifecycle.Create(w.Ctx, bctest.Editor, "everyone", broadcast.Content{Type: "text", Text: "x"})
	// No window open: the customer-service message is refused (45015),
	// the template goes out.
	w.Notify.Notify(w.Ctx, bctest.Editor, b.ID, "完成")
	if tm := sim.TemplateMessages(w.AppID); len(tm) != 1 || tm[0].To != bctest.Editor.OpenID {
		t.Fatalf("template messages %+v", tm)
	}
	// Inside the window: a customer-service message.
	sim.Interact(w.AppID, bctest.Editor.OpenID, "message", time.Now())
	w.Notify.Notify(w.Ctx, bctest.Editor, b.ID, "再次完成")
	if cm := sim.CustomMessages(w.AppID); len(cm) != 1 || cm[0].Content != "再次完成" {
		t.Fatalf("custom messages %+v", cm)
	}
	b, _ = w.Lifecycle.Get(w.Ctx, b.ID)
	if len(b.Notices) != 2 || b.Notices[0].Via != "template" || b.Notices[1].Via != "custom" {
		t.Fatalf("notices %+v", b.Notices)
	}
	// Without a template, a refused notice is only kept.
	w2 := bctest.New(t, sim, bctest.Config{})
	w2.Notify.Notify(w2.Ctx, bctest.Editor, 0, "规则有错")
	ns, _ := w2.Notify.Notices(w2.Ctx, 5)
	if len(ns) != 1 || ns[0].Via != "kept" || ns[0].Text != "规则有错" {
		t.Fatalf("general notices %+v", ns)
	}
}

func TestRulesRejectedAlertsOwnersOnce(t *testing.T) {
	t.Parallel()
	w := bctest.New(t, sim, bctest.Config{})
	sim.Interact(w.AppID, bctest.Owner.OpenID, "message", time.Now())
	err := errors.New("rules.yaml:3:9: segments.vip.rule: unknown name user.vipp\nrules.yaml:7:1: tags[0]: name is required")
	// Every replica watches the file and hears about the same version.
	other := notify.New(w.NotifyOptions)
	w.Notify.RulesRejected(w.Ctx, "abc123", err)
	other.RulesRejected(w.Ctx, "abc123", err)
	cm := sim.CustomMessages(w.AppID)
	if len(cm) != 1 || cm[0].To != bctest.Owner.OpenID || !strings.Contains(cm[0].Content, "abc123") ||
		!strings.Contains(cm[0].Content, "rules.yaml:3:9") || !strings.Contains(cm[0].Content, "另有 1 行") {
		t.Fatalf("alerts %+v", cm)
	}
	// A later bad version alerts again.
	w.Notify.RulesRejected(w.Ctx, "def456", err)
	if n := len(sim.CustomMessages(w.AppID)); n != 2 {
		t.Fatalf("%d alerts after a second bad version", n)
	}
}

// heldAPI holds every customer-service message until released.
type heldAPI struct {
	release chan struct{}
	mu      sync.Mutex
	texts   []string
}

func (a *heldAPI) CustomText(_ context.Context, _, text string) error {
	<-a.release
	a.mu.Lock()
	defer a.mu.Unlock()
	a.texts = append(a.texts, text)
	return nil
}

func (a *heldAPI) TemplateSend(context.Context, string, string, map[string]string, string) (int64, error) {
	return 0, errors.New("no template")
}

func TestGuardAlertsLeaveTheCallback(t *testing.T) {
	t.Parallel()
	w := bctest.New(t, sim, bctest.Config{})
	b, err := w.Lifecycle.Create(w.Ctx, bctest.Editor, "everyone", broadcast.Content{Type: "text", Text: "x"})
	if err != nil {
		t.Fatal(err)
	}
	api := &heldAPI{release: make(chan struct{})}
	o := w.NotifyOptions
	o.API = api
	n := notify.New(o)
	ctx, stop := context.WithCancel(w.Ctx)
	ran := make(chan struct{})
	go func() { n.Run(ctx); close(ran) }()
	for deadline := time.Now().Add(5 * time.Second); !n.Running(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("Run did not start")
		}
	}
	// The API holds every message, yet the caller (a WeChat callback)
	// returns: the alert waits in the queue.
	returned := make(chan struct{})
	go func() { n.GuardFailure(w.Ctx, b, 0.08, 0.05); close(returned) }()
	select {
	case <-returned:
	case <-time.After(5 * time.Second):
		t.Fatal("GuardFailure waited for WeChat")
	}
	close(api.release)
	stop()
	<-ran // what was queued goes out before Run returns
	if len(api.texts) != 1 || !strings.Contains(api.texts[0], "8.0%") {
		t.Fatalf("alerts %q, want one about the 8.0%% failure rate", api.texts)
	}
}

func TestGuardAlertsGoOutOncePerBroadcast(t *testing.T) {
	t.Parallel()
	w := bctest.New(t, sim, bctest.Config{})
	sim.Interact(w.AppID, bctest.Owner.OpenID, "message", time.Now())
	b, err := w.Lifecycle.Create(w.Ctx, bctest.Editor, "everyone", broadcast.Content{Type: "text", Text: "x"})
	if err != nil {
		t.Fatal(err)
	}
	// Two replicas trip the same guardrail; one alert goes out, per kind.
	other := notify.New(w.NotifyOptions)
	w.Notify.GuardFailure(w.Ctx, b, 0.08, 0.05)
	other.GuardFailure(w.Ctx, b, 0.09, 0.05)
	w.Notify.GuardUnsubscribe(w.Ctx, b, 5, 0.05, 0.03, true)
	other.GuardUnsubscribe(w.Ctx, b, 6, 0.06, 0.03, true)
	cm := sim.CustomMessages(w.AppID)
	if len(cm) != 2 || cm[0].To != bctest.Owner.OpenID || !strings.Contains(cm[0].Content, "8.0%") || !strings.Contains(cm[1].Content, "取关") {
		t.Fatalf("alerts %+v, want one about failures and one about unsubscribes", cm)
	}
	if b := w.Get(b.ID); len(b.Notices) != 2 || b.Notices[0].Via != "custom" {
		t.Fatalf("notices %+v", b.Notices)
	}
}
