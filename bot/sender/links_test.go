package sender_test

import (
	"strings"
	"testing"
	"time"

	"github.com/wxcast/wxcast/bot/broadcast"
	"github.com/wxcast/wxcast/internal/bctest"
)

const (
	linkBase   = "https://wx.example.com"
	linkedText = "限时优惠，详见https://shop.example.cn/p?id=7。"
)

// approvedLinked creates, previews and approves a text with a link to
// everyone of w, whose previews rewrite links, and returns it with the
// text its plan sends.
func approvedLinked(t *testing.T, w *bctest.World) (*broadcast.Broadcast, string) {
	t.Helper()
	b, err := w.Lifecycle.Create(w.Ctx, bctest.Editor, "everyone", broadcast.Content{Type: "text", Text: linkedText})
	if err != nil {
		t.Fatal(err)
	}
	return previewApproved(t, w, b.ID)
}

func previewApproved(t *testing.T, w *bctest.World, id int64) (*broadcast.Broadcast, string) {
	t.Helper()
	if _, err := w.Lifecycle.Preview(w.Ctx, bctest.Editor, id); err != nil {
		t.Fatal(err)
	}
	b, err := w.Lifecycle.Approve(w.Ctx, bctest.Approver, id, "", "")
	if err != nil || b.State != broadcast.StateApproved {
		t.Fatalf("approve: %v %+v", err, b)
	}
	text, ok := b.Plan.Text(0)
	if !ok || !strings.Contains(text, linkBase+"/l/"+b.Plan.Links[0].Code) || strings.Contains(text, "shop.example.cn") {
		t.Fatalf("the plan sends %q", text)
	}
	return b, text
}

// jobTexts counts w's mass sends by text.
func jobTexts(w *bctest.World) map[string]int {
	out := map[string]int{}
	for _, j := range w.Sim.Jobs(w.AppID) {
		out[j.Content]++
	}
	return out
}

func TestEveryReminderSendsTheRewrittenText(t *testing.T) {
	t.Parallel()
	w := bctest.New(t, sim, bctest.Config{Followers: 5, LinkBase: linkBase})
	w.Run()
	b, err := w.Lifecycle.Create(w.Ctx, bctest.Editor, "everyone", broadcast.Content{Type: "text", Text: linkedText})
	if err != nil {
		t.Fatal(err)
	}
	deadline := w.Clock.Now().Add(4 * time.Hour)
	if _, err := w.Lifecycle.Remind(w.Ctx, bctest.Editor, b.ID, deadline, []time.Duration{3 * time.Hour, time.Hour}, "", false); err != nil {
		t.Fatal(err)
	}
	b, text := previewApproved(t, w, b.ID)
	w.SendNow(b.ID)
	w.Clock.Add(time.Hour)
	w.Wait(b.ID, "first reminder", func(b *broadcast.Broadcast) bool { return b.Step == 1 })
	w.Clock.Add(2 * time.Hour)
	b = w.Wait(b.ID, "second reminder", func(b *broadcast.Broadcast) bool { return b.State == broadcast.StateSent })
	// Both steps, each in two batches of at most three, sent the plan's
	// text: the same codes at each step.
	if got := jobTexts(w); len(got) != 1 || got[text] != 4 {
		t.Fatalf("sent %v, want the rewritten text 4 times", got)
	}
	for o, n := range w.Delivered() {
		if n != 2 {
			t.Errorf("%s received %d, want 2", o, n)
		}
	}
}

func TestTagSendSendsTheRewrittenText(t *testing.T) {
	t.Parallel()
	w := tagWorld(t, 12, 5, bctest.Config{LinkBase: linkBase})
	b, text := approvedLinked(t, w)
	if b.Plan.Channel != broadcast.ChannelTag {
		t.Fatalf("the plan sends by %q, want the tag channel", b.Plan.Channel)
	}
	w.SendNow(b.ID)
	w.Run()
	w.Wait(b.ID, "sent", func(b *broadcast.Broadcast) bool { return b.State == broadcast.StateSent })
	if got := jobTexts(w); len(got) != 1 || got[text] == 0 {
		t.Fatalf("sent %v, want only the rewritten text", got)
	}
	onceEach(t, w, 12)
}
