package bctest

import (
	"strconv"
	"time"

	"github.com/wxcast/wxcast/bot/broadcast"
	"github.com/wxcast/wxcast/store"
)

// Follow subscribes openid.
func (w *World) Follow(openid string) {
	w.T.Helper()
	ev := store.Event{OpenID: openid, DedupID: "s" + RandomHex(4), At: time.Now(), Kind: "subscribe",
		Class: store.ClassEvent, Sub: store.SubSubscribe}
	if _, err := w.Followers.Record(w.Ctx, ev, time.Now(), store.MarkFinal); err != nil {
		w.T.Fatal(err)
	}
}

// Unfollow unsubscribes openid, in wxcast and at WeChat.
func (w *World) Unfollow(openid string) {
	w.T.Helper()
	ev := store.Event{OpenID: openid, DedupID: "u" + RandomHex(4), At: time.Now().Add(time.Second), Kind: "unsubscribe",
		Class: store.ClassPassive, Sub: store.SubUnsubscribe}
	if _, err := w.Followers.Record(w.Ctx, ev, time.Now(), store.MarkFinal); err != nil {
		w.T.Fatal(err)
	}
	w.Sim.Unfollow(w.AppID, openid)
}

// Act records a text message from openid at at, and adds tag to them
// when tag is set (as a tag rule would).
func (w *World) Act(openid string, at time.Time, tag string) {
	w.T.Helper()
	id := "m" + RandomHex(4)
	ev := store.Event{OpenID: openid, DedupID: id, At: at, Kind: "text", Class: store.ClassMessage, Content: "好"}
	if _, err := w.Followers.Record(w.Ctx, ev, at, store.MarkPending); err != nil {
		w.T.Fatal(err)
	}
	var changes []store.TagChange
	if tag != "" {
		changes = []store.TagChange{{Tag: tag, Rule: tag}}
	}
	if _, err := w.Followers.Finish(w.Ctx, openid, id, "", changes, at); err != nil {
		w.T.Fatal(err)
	}
}

// Approved creates, previews and approves a text broadcast to segment.
func (w *World) Approved(segment string) *broadcast.Broadcast {
	w.T.Helper()
	b, err := w.Lifecycle.Create(w.Ctx, Editor, segment, broadcast.Content{Type: "text", Text: "hello"})
	if err != nil {
		w.T.Fatal(err)
	}
	if _, err := w.Lifecycle.Preview(w.Ctx, Editor, b.ID); err != nil {
		w.T.Fatal(err)
	}
	b, err = w.Lifecycle.Approve(w.Ctx, Approver, b.ID, "", "")
	if err != nil || b.State != broadcast.StateApproved {
		w.T.Fatalf("approve: %v %+v", err, b)
	}
	return b
}

// SendNow sends broadcast id now, as its editor.
func (w *World) SendNow(id int64) *broadcast.Broadcast {
	w.T.Helper()
	b, err := w.Lifecycle.Send(w.Ctx, Editor, id, time.Time{}, broadcast.SendOptions{})
	if err != nil {
		w.T.Fatal(err)
	}
	return b
}

// Get reads broadcast id.
func (w *World) Get(id int64) *broadcast.Broadcast {
	w.T.Helper()
	b, err := w.Records.Get(w.Ctx, id)
	if err != nil {
		w.T.Fatal(err)
	}
	return b
}

// Wait polls broadcast id until ok holds.
func (w *World) Wait(id int64, what string, ok func(*broadcast.Broadcast) bool) *broadcast.Broadcast {
	w.T.Helper()
	return w.WaitDriving(id, what, 0, ok)
}

// WaitDriving is Wait on a world whose clock stands still: each poll
// moves the clock by step (0: not at all), so held batches (back-offs,
// the minute after a lost answer, a quota wall) come due.
func (w *World) WaitDriving(id int64, what string, step time.Duration, ok func(*broadcast.Broadcast) bool) *broadcast.Broadcast {
	w.T.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		b, err := w.Records.Get(w.Ctx, id)
		if err == nil && ok(b) {
			return b
		}
		if time.Now().After(deadline) {
			w.T.Fatalf("timed out waiting for %s at %v: %+v (%v)", what, w.Clock.Now(), b, err)
		}
		if step > 0 {
			w.Clock.Add(step)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// WaitIdle waits until this world's sender has no broadcast in hand:
// every goroutine that was sending one has returned.
func (w *World) WaitIdle() {
	w.T.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for len(w.Sender.Sending()) > 0 {
		if time.Now().After(deadline) {
			w.T.Fatalf("the sender is still sending %v", w.Sender.Sending())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Delivered returns who received mass messages of the world's app, and
// how often.
func (w *World) Delivered() map[string]int { return w.Sim.Deliveries(w.AppID) }

// BatchSizes are the sizes of the mass sends WeChat accepted, in order.
func (w *World) BatchSizes() []int {
	var out []int
	for _, j := range w.Sim.Jobs(w.AppID) {
		out = append(out, len(j.ToUser))
	}
	return out
}

// Refusal asserts err is a refusal with code.
func (w *World) Refusal(err error, code broadcast.Code) *broadcast.Refusal {
	w.T.Helper()
	r, ok := err.(*broadcast.Refusal)
	if !ok || r.Code != code {
		w.T.Fatalf("got %v, want refusal %s", err, code)
	}
	return r
}

// SeriesOf turns approved broadcast b into a two-step reminder series (3 h
// and 1 h before a deadline 4 h away, skipping holders of tag), previews,
// approves and sends it.
func (w *World) SeriesOf(b *broadcast.Broadcast, tag string) *broadcast.Broadcast {
	w.T.Helper()
	deadline := w.Clock.Now().Add(4 * time.Hour)
	if _, err := w.Lifecycle.Remind(w.Ctx, Editor, b.ID, deadline, []time.Duration{3 * time.Hour, time.Hour}, tag, false); err != nil {
		w.T.Fatal(err)
	}
	if _, err := w.Lifecycle.Preview(w.Ctx, Editor, b.ID); err != nil {
		w.T.Fatal(err)
	}
	if _, err := w.Lifecycle.Approve(w.Ctx, Approver, b.ID, "", ""); err != nil {
		w.T.Fatal(err)
	}
	return w.SendNow(b.ID)
}

// DriveUntilIdle moves a manual clock on by step until the world's sender
// has no broadcast in hand: each move lets a waiting sender go on, so
// this ends once the sender has let go of what it was sending, whatever
// it found to do on the way.
func (w *World) DriveUntilIdle(step time.Duration) {
	w.T.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for len(w.Sender.Sending()) > 0 {
		if time.Now().After(deadline) {
			w.T.Fatalf("the sender still sends %v", w.Sender.Sending())
		}
		w.Clock.Add(step)
		time.Sleep(5 * time.Millisecond)
	}
}

// FillTags gives the account the hundred tags WeChat allows, so no plan
// can send by tag: one that does not fit today's mass-send quota keeps
// its openid batches.
func (w *World) FillTags() {
	w.T.Helper()
	for i := range broadcast.MaxAccountTags {
		if _, err := w.Sim.CreateTag(w.AppID, "full-"+strconv.Itoa(i)); err != nil {
			w.T.Fatal(err)
		}
	}
}
