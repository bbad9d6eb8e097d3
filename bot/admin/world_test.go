package admin_test

import (
	"context"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/wxcast/wxcast/bot/admin"
	"github.com/wxcast/wxcast/bot/broadcast"
	"github.com/wxcast/wxcast/bot/sender"
	"github.com/wxcast/wxcast/internal/bctest"
	"github.com/wxcast/wxcast/store"
)

// world is one case's stack: the real broadcast services of one replica
// (internal/bctest), on its own app in the simulator and its own keys in
// Redis, and the Bot on them.
type world struct {
	*bctest.World
	bot  *admin.Bot
	stop func() // stops the sender; nil while it is not running
}

const testRules = `
segments:
  - name: everyone
    rule: user.subscribed
`

// newWorld builds a world that starts at start (now when zero), with the
// lifecycle's options changed by tweak (when not nil). Its clock is
// manual: the sender waits out the batch interval of an hour until the
// test moves the clock.
func newWorld(t *testing.T, start time.Time, tweak func(*broadcast.Options)) *world {
	t.Helper()
	return newWorldWith(t, testRules, start, tweak)
}

// newWorldWith is newWorld on other rules.
func newWorldWith(t *testing.T, rules string, start time.Time, tweak func(*broadcast.Options)) *world {
	t.Helper()
	bw := bctest.New(t, sim, bctest.Config{
		Manual: true, Start: start, Rules: rules, Admins: actors,
		BatchSize: 3, BatchInterval: time.Hour, AlertFailureRate: 0.5,
		Lifecycle: func(o *broadcast.Options) {
			o.Profiles = fourFollowers{}
			if tweak != nil {
				tweak(o)
			}
		},
		Sender: func(o *sender.Options) { o.Profiles = fourFollowers{} },
	})
	w := &world{World: bw}
	w.bot = admin.New(admin.Options{
		Drafts: bw.Lifecycle, Approvals: bw.Lifecycle, SendControl: bw.Lifecycle, Segments: bw.Lifecycle,
		Results: bw.Results, Audit: bw.Audit, Notices: bw.Notify, Notifier: bw.Notify,
		Admins: actors, Location: time.UTC, Now: bw.Clock.Now, SlowAfter: time.Minute, BatchSize: 3,
		Log: zaptest.NewLogger(t, zaptest.Level(zap.WarnLevel)),
	})
	t.Cleanup(func() {
		ctx, done := context.WithTimeout(context.Background(), 10*time.Second)
		defer done()
		if err := w.bot.Close(ctx); err != nil {
			t.Errorf("close bot: %v", err)
		}
	})
	return w
}

// fourFollowers stands in for the follower store, whose Scan reads all
// 16,384 shards however few followers there are: the matrix previews and
// sends hundreds of times. The segment rules still run over them.
type fourFollowers struct{}

func (fourFollowers) Scan(_ context.Context, _ store.ScanOptions, fn func([]*store.Profile) error) error {
	batch := make([]*store.Profile, 4)
	for i := range batch {
		batch[i] = &store.Profile{OpenID: bctest.FollowerID(i), Known: true, Subscribed: true}
	}
	return fn(batch)
}

// startSender runs the sender until stopSender.
func (w *world) startSender() {
	if w.stop == nil {
		w.stop = w.Run()
	}
}

// stopSender stops the sender and returns once it has stopped.
func (w *world) stopSender() {
	if w.stop != nil {
		w.stop()
		w.stop = nil
	}
}

func (w *world) must(_ *broadcast.Broadcast, err error) {
	w.T.Helper()
	if err != nil {
		w.T.Fatalf("setup: %v", err)
	}
}

// stage brings a fresh broadcast to one state through the services.
type stage struct {
	name  string
	state broadcast.State
	text  bool // text content; the others are news
	steps []step
}

// step moves broadcast id, created by by, one step on.
type step func(w *world, id int64, by broadcast.Admin)

var stages = []stage{
	{name: "draft", state: broadcast.StateDraft},
	{name: "planned", state: broadcast.StatePlanned, steps: []step{preview}},
	{name: "approved", state: broadcast.StateApproved, steps: []step{preview, approve}},
	{name: "scheduled", state: broadcast.StateScheduled, steps: []step{preview, approve, schedule}},
	{name: "sending", state: broadcast.StateSending, steps: []step{preview, approve, sendOne}},
	{name: "sent", state: broadcast.StateSent, steps: []step{preview, approve, sendOne, sendRest}},
	{name: "sent_text", state: broadcast.StateSent, text: true, steps: []step{preview, approve, sendOne, sendRest}},
	{name: "partially_failed", state: broadcast.StatePartiallyFailed, steps: []step{preview, approve, sendOne, failRest}},
	{name: "rejected", state: broadcast.StateRejected, steps: []step{preview, reject}},
	{name: "cancelled", state: broadcast.StateCancelled, steps: []step{cancel}},
	{name: "cancelled_sending", state: broadcast.StateCancelled, steps: []step{preview, approve, sendOne, cancel}},
	{name: "retracted", state: broadcast.StateRetracted, steps: []step{preview, approve, sendOne, sendRest, retract}},
}

func preview(w *world, id int64, by broadcast.Admin) { w.must(w.Lifecycle.Preview(w.Ctx, by, id)) }
func approve(w *world, id int64, _ broadcast.Admin) {
	w.must(w.Lifecycle.Approve(w.Ctx, approver, id, "", ""))
}
func reject(w *world, id int64, _ broadcast.Admin) {
	w.must(w.Lifecycle.Reject(w.Ctx, approver, id, ""))
}
func cancel(w *world, id int64, by broadcast.Admin) { w.must(w.Lifecycle.Cancel(w.Ctx, by, id)) }
func retract(w *world, id int64, _ broadcast.Admin) { w.must(w.Lifecycle.Retract(w.Ctx, owner, id)) }

func schedule(w *world, id int64, by broadcast.Admin) {
	w.must(w.Lifecycle.Send(w.Ctx, by, id, w.Clock.Now().Add(time.Hour), broadcast.SendOptions{}))
}

// sendOne sends the first of the two batches; the batch interval of an
// hour holds the broadcast in sending.
func sendOne(w *world, id int64, by broadcast.Admin) {
	w.must(w.Lifecycle.Send(w.Ctx, by, id, time.Time{}, broadcast.SendOptions{}))
	w.startSender()
	w.Wait(id, "the first batch", func(b *broadcast.Broadcast) bool { return b.Progress().Done == 1 })
}

// sendRest lets the hour pass and sends the second batch. The sender is
// stopped while the clock moves, so it cannot be caught between reading
// the clock and waiting on it: started again, it looks at once.
func sendRest(w *world, id int64, _ broadcast.Admin) {
	w.stopSender()
	w.Clock.Add(2 * time.Hour)
	w.startSender()
	w.Wait(id, "sent", func(b *broadcast.Broadcast) bool { return b.State == broadcast.StateSent })
}

// failRest makes WeChat refuse the second batch for good: the media is no
// longer news (40007, invalid media_id), which stops the broadcast.
func failRest(w *world, id int64, _ broadcast.Admin) {
	w.stopSender()
	sim.AddMedia(w.AppID, "news1", "image")
	w.Clock.Add(2 * time.Hour)
	w.startSender()
	w.Wait(id, "partially failed", func(b *broadcast.Broadcast) bool { return b.State == broadcast.StatePartiallyFailed })
}

// bring creates a broadcast by by and takes it to s.
func (w *world) bring(s stage, by broadcast.Admin) *broadcast.Broadcast {
	w.T.Helper()
	c := broadcast.Content{Type: "news", MediaID: "news1"}
	if s.text {
		c = broadcast.Content{Type: "text", Text: "双十一会员专享"}
	}
	b, err := w.Lifecycle.Create(w.Ctx, by, "everyone", c)
	if err != nil {
		w.T.Fatalf("setup: %v", err)
	}
	for _, st := range s.steps {
		st(w, b.ID, by)
	}
	b, err = w.Lifecycle.Get(w.Ctx, b.ID)
	if err != nil || b.State != s.state {
		w.T.Fatalf("setup: want %s, got %+v (%v)", s.state, b, err)
	}
	return b
}
