package sender_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wxcast/wxcast/bot/broadcast"
	"github.com/wxcast/wxcast/bot/sender"
	"github.com/wxcast/wxcast/bot/wxapi"
	"github.com/wxcast/wxcast/internal/bctest"
	"github.com/wxcast/wxcast/internal/wxsim"
)

const massSendPath = "/cgi-bin/message/mass/send"

// massCalls counts the app's calls to path, and those answered code.
func massCalls(w *bctest.World, path string, code int) (all, answered int) {
	for _, c := range sim.Calls(w.AppID) {
		if c.Path == path {
			all++
			if c.ErrCode == code {
				answered++
			}
		}
	}
	return all, answered
}

// stillFor fails unless path's call count stays n for d of real time: the
// sender polls every second, so two polls pass without a call.
func stillFor(t *testing.T, w *bctest.World, path string, n int, d time.Duration, why string) {
	t.Helper()
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		if got, _ := massCalls(w, path, 0); got != n {
			t.Fatalf("%s: %d calls to %s at %v, want %d", why, got, path, w.Clock.Now(), n)
		}
	}
}

// callsReach waits until path was called n times.
func callsReach(t *testing.T, w *bctest.World, path string, n int) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		got, _ := massCalls(w, path, 0)
		if got >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d calls to %s, want %d", got, path, n)
		}
	}
}

func TestRetryBackoffIsStoredAndKeptByTheNextReplica(t *testing.T) {
	// Not parallel: the simulator's injected faults hit any app.
	t.Cleanup(func() { sim.FailNext(massSendPath, 0, 0) })
	w := bctest.New(t, sim, bctest.Config{Followers: 3, SimClock: true})
	b := w.Approved("everyone")
	sim.FailNext(massSendPath, -1, 2)
	w.SendNow(b.ID)
	stop := w.Run()
	callsReach(t, w, massSendPath, 1)
	first := w.Clock.Now()
	b = w.Wait(b.ID, "the back-off stored", func(b *broadcast.Broadcast) bool {
		return len(b.Batches) > 0 && strings.Contains(b.Batches[0].Error, "errcode -1") // the answer, not the intent
	})
	if got := b.Batches[0].NotBefore.Sub(first); got != 2*time.Second {
		t.Fatalf("not_before %v after the first attempt, want the 2 s back-off", got)
	}
	// The clock stands still: however often the sender looks, the batch
	// waits. A second replica taking over the lease waits as well.
	stillFor(t, w, massSendPath, 1, 1500*time.Millisecond, "during the first back-off")
	stop()
	o := w.SenderOptions
	o.Owner = "second-" + t.Name()
	w.RunSender(sender.New(o))
	stillFor(t, w, massSendPath, 1, 1500*time.Millisecond, "the second replica during the back-off")
	w.Clock.Add(2 * time.Second)
	callsReach(t, w, massSendPath, 2)
	// The second -1: 4 s now.
	w.Clock.Add(3 * time.Second)
	stillFor(t, w, massSendPath, 2, 1500*time.Millisecond, "3 s into the second back-off")
	w.Clock.Add(time.Second)
	w.Wait(b.ID, "sent", func(b *broadcast.Broadcast) bool { return b.State == broadcast.StateSent })
	if all, busy := massCalls(w, massSendPath, -1); all != 3 || busy != 2 {
		t.Fatalf("%d calls, %d answered -1; want 3 and 2", all, busy)
	}
	for o, n := range w.Delivered() {
		if n != 1 {
			t.Fatalf("%s got %d", o, n)
		}
	}
}

// lossyAPI is a network between the sender and WeChat that loses answers:
// the first call of a clientmsgid in lose reaches WeChat and its answer is
// lost; with blackout, later calls of that clientmsgid are lost on the way
// there too.
type lossyAPI struct {
	sender.MassAPI
	mu       sync.Mutex
	lose     map[string]bool
	blackout bool
	seen     map[string]int
}

// lossyNet puts a lossyAPI between a world's sender and WeChat, with
// WeChat's real minute before a lost answer is asked about again.
func lossyNet(blackout bool) (*lossyAPI, func(*sender.Options)) {
	l := &lossyAPI{lose: map[string]bool{}, seen: map[string]int{}, blackout: blackout}
	return l, func(o *sender.Options) {
		l.MassAPI = o.API
		o.API, o.RetryGap = l, time.Minute
	}
}

func (l *lossyAPI) MassSend(ctx context.Context, openids []string, c wxapi.Content, id string) (wxapi.Sent, error) {
	l.mu.Lock()
	l.seen[id]++
	n, lose := l.seen[id], l.lose[id]
	l.mu.Unlock()
	switch {
	case lose && n == 1:
		_, _ = l.MassAPI.MassSend(ctx, openids, c, id)
		return wxapi.Sent{}, errors.New("read tcp: connection reset by peer")
	case lose && l.blackout:
		return wxapi.Sent{}, errors.New("dial tcp: i/o timeout")
	}
	return l.MassAPI.MassSend(ctx, openids, c, id)
}

func TestLostAnswerIsAskedAgainAfterAMinuteAndConfirmed(t *testing.T) {
	t.Parallel()
	lossy, wire := lossyNet(false)
	w := bctest.New(t, sim, bctest.Config{Followers: 6, SimClock: true, Sender: wire})
	b := w.Approved("everyone")
	lossy.lose[b.ClientMsgID(0)] = true
	w.SendNow(b.ID)
	w.Run()
	callsReach(t, w, massSendPath, 1)
	lostAt := w.Clock.Now()
	b = w.Wait(b.ID, "the lost answer held", func(b *broadcast.Broadcast) bool {
		return len(b.Batches) > 0 && strings.Contains(b.Batches[0].Error, "connection reset") // the answer, not the intent
	})
	if x := b.Batches[0]; x.State != broadcast.BatchSending || x.NotBefore.Sub(lostAt) != time.Minute {
		t.Fatalf("batch 0 after a lost answer: %+v; want sending, asked again a minute later", x)
	}
	// WeChat's job report for the send comes before the sender knows its
	// msg_id: it is kept and applied once the batch is confirmed.
	job := sim.Jobs(w.AppID)[0]
	if err := w.Results.JobFinished(w.Ctx, broadcast.JobReport{MsgID: job.MsgID, Status: "send success",
		Total: 3, Filtered: 3, Sent: 3}); err != nil {
		t.Fatal(err)
	}
	w.Clock.Add(59 * time.Second)
	stillFor(t, w, massSendPath, 1, 1500*time.Millisecond, "within the minute after the lost answer")
	w.Clock.Add(time.Second)
	b = w.WaitDriving(b.ID, "sent", time.Second, func(b *broadcast.Broadcast) bool { return b.State == broadcast.StateSent })
	if x := b.Batches[0]; x.MsgID != job.MsgID || !x.Reported || x.Sent != 3 {
		t.Fatalf("batch 0 %+v; want msg_id %d from 45065, confirmed, with the early report", x, job.MsgID)
	}
	if all, dup := massCalls(w, massSendPath, wxsim.CodeClientMsgIDExist); all != 3 || dup != 1 {
		t.Fatalf("%d mass sends, %d answered 45065; want 3 (2 batches + the question) and 1", all, dup)
	}
	if all, _ := massCalls(w, "/cgi-bin/message/mass/get", 0); all != 1 {
		t.Fatalf("%d mass/get calls, want 1", all)
	}
	if len(sim.Jobs(w.AppID)) != 2 {
		t.Fatalf("%d jobs, want 2", len(sim.Jobs(w.AppID)))
	}
	for o, n := range w.Delivered() {
		if n != 1 {
			t.Fatalf("%s got %d", o, n)
		}
	}
}

func TestNoAnswerFor23HoursLeavesTheBatchUnknown(t *testing.T) {
	t.Parallel()
	lossy, wire := lossyNet(true)
	w := bctest.New(t, sim, bctest.Config{Followers: 9, SimClock: true, AlertFailureRate: 0.99, Sender: wire})
	sim.Interact(w.AppID, bctest.Owner.OpenID, "message", w.Clock.Now())
	b := w.Approved("everyone")
	lossy.lose[b.ClientMsgID(1)] = true
	w.SendNow(b.ID)
	w.Run()
	// Batch 1 went out but no answer ever comes back; the others go on.
	b = w.WaitDriving(b.ID, "the end", 10*time.Minute, func(b *broadcast.Broadcast) bool {
		return b.State == broadcast.StatePartiallyFailed || b.State == broadcast.StateSent
	})
	x := b.Batches[1]
	if b.State != broadcast.StatePartiallyFailed || x.State != broadcast.BatchUnknown {
		t.Fatalf("state %s, batch 1 %+v; want partially_failed with batch 1 unknown", b.State, x)
	}
	if b.Batches[0].State != broadcast.BatchSent || b.Batches[2].State != broadcast.BatchSent {
		t.Fatalf("batches %+v: the others were not sent", b.Batches)
	}
	if age := b.Finished.Sub(x.Began); age < 23*time.Hour {
		t.Fatalf("unknown after %v, before WeChat's window closed", age)
	}
	// Asked about every minute or more, never more often.
	if n := lossy.seen[b.ClientMsgID(1)]; n < 2 || n > 23*60+1 {
		t.Fatalf("batch 1 tried %d times in 23 h", n)
	}
	// Never re-sent once unknown, and its followers keep their cap slots.
	tries := lossy.seen[b.ClientMsgID(1)]
	w.Clock.Add(2 * time.Hour)
	time.Sleep(1500 * time.Millisecond)
	if lossy.seen[b.ClientMsgID(1)] != tries {
		t.Fatal("an unknown batch was sent again")
	}
	p := b.Progress()
	if p.Unknown != 1 || p.Done != 2 {
		t.Fatalf("progress %+v; want 2 sent, 1 unknown", p)
	}
	// The owners are told once.
	w.Wait(b.ID, "the owner's alert", func(*broadcast.Broadcast) bool { return ownerGot(w, "未得到微信确认") == 1 })
	time.Sleep(300 * time.Millisecond)
	if n := ownerGot(w, "未得到微信确认"); n != 1 {
		t.Fatalf("the owner was told %d times", n)
	}
	// For the failure-rate guardrail, the unknown batch is not reached.
	if r := b.Rates(); r.Failed != x.Size || r.Judged != x.Size {
		t.Fatalf("rates %+v: the unknown batch's %d followers are not counted as not reached", r, x.Size)
	}
	acc, ok := b.Accounting()
	if !ok || acc.Unknown != x.Size || acc.Sum() != acc.Audience {
		t.Fatalf("accounting %+v (%v): unknown %d, want %d, adding up to the audience", acc, ok, acc.Unknown, x.Size)
	}
}

// ownerGot counts the owner's messages that hold s.
func ownerGot(w *bctest.World, s string) int { return toGot(w, bctest.Owner.OpenID, s) }

// stallAPI passes a call of a stalled clientmsgid to WeChat, then never
// answers: the replica hangs in the call until it stops.
type stallAPI struct {
	sender.MassAPI
	stall string
	calls chan struct{}
}

func (s *stallAPI) MassSend(ctx context.Context, openids []string, c wxapi.Content, id string) (wxapi.Sent, error) {
	if id != s.stall {
		return s.MassAPI.MassSend(ctx, openids, c, id)
	}
	s.stall = "" // the next call answers
	_, _ = s.MassAPI.MassSend(ctx, openids, c, id)
	s.calls <- struct{}{}
	<-ctx.Done()
	return wxapi.Sent{}, ctx.Err()
}

// A replica that dies in the middle of a call leaves the batch to the next
// one, which asks WeChat again only a minute after the call began: sooner
// would be answered 45066.
func TestTakeoverAfterACrashMidCallWaitsAMinute(t *testing.T) {
	t.Parallel()
	stall := &stallAPI{calls: make(chan struct{}, 1)}
	w := bctest.New(t, sim, bctest.Config{Followers: 3, SimClock: true, Sender: func(o *sender.Options) {
		stall.MassAPI = o.API
		o.API, o.RetryGap = stall, time.Minute
	}})
	b := w.Approved("everyone")
	stall.stall = b.ClientMsgID(0)
	w.SendNow(b.ID)
	stop := w.Run()
	<-stall.calls
	stop() // the replica dies in the call: its answer is never recorded
	if x := w.Get(b.ID).Batches[0]; x.State != broadcast.BatchSending || !x.Lost {
		t.Fatalf("batch 0 after the crash: %+v", x)
	}
	o := w.SenderOptions
	o.Owner = "second-" + t.Name()
	w.RunSender(sender.New(o))
	stillFor(t, w, massSendPath, 1, 1500*time.Millisecond, "the next replica within the minute")
	w.Clock.Add(time.Minute)
	b = w.WaitDriving(b.ID, "sent", time.Second, func(b *broadcast.Broadcast) bool { return b.State == broadcast.StateSent })
	if all, fast := massCalls(w, massSendPath, wxsim.CodeClientMsgIDRetryTooFast); all != 2 || fast != 0 {
		t.Fatalf("%d calls, %d answered 45066; want the call and one question", all, fast)
	}
	for o, n := range w.Delivered() {
		if n != 1 {
			t.Fatalf("%s got %d", o, n)
		}
	}
}
