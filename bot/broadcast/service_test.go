package broadcast

import (
	"errors"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wxcast/wxcast/bot/wxapi"
	"github.com/wxcast/wxcast/rules"
)

// delivered returns who received mass messages of e's app, and how often.
func (e *env) delivered() map[string]int { return sim.Deliveries(e.appID) }

func (e *env) batchSizes() []int {
	var out []int
	for _, j := range sim.Jobs(e.appID) {
		out = append(out, len(j.ToUser))
	}
	return out
}

func TestLifecycleSendsEachFollowerOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 8, nil)
	b, err := e.svc.New(e.ctx, editor, "everyone", Content{Type: "text", Text: "双十一"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.svc.Approve(e.ctx, approver, b.ID, "", "")
	refusal(t, err, CodeNoPlan)
	_, err = e.svc.Send(e.ctx, editor, b.ID, time.Time{}, SendOptions{})
	refusal(t, err, CodeNoPlan)

	b, err = e.svc.Preview(e.ctx, editor, b.ID)
	if err != nil || b.State != StatePlanned || b.Plan.Audience != 8 || len(b.Plan.Hash) != 8 || b.Plan.RulesVersion != e.rs.Version {
		t.Fatalf("preview: %v %+v", err, b.Plan)
	}
	if p := sim.Previews(e.appID); len(p) != 1 || p[0].To != editor.OpenID {
		t.Fatalf("previews %+v", p)
	}
	_, err = e.svc.Approve(e.ctx, editor, b.ID, "", "")
	refusal(t, err, CodeSelfApproval)
	_, err = e.svc.Send(e.ctx, editor, b.ID, time.Time{}, SendOptions{})
	r := refusal(t, err, CodeNotApproved)
	if r.N != 0 || r.Need != 1 {
		t.Fatalf("not approved: %+v", r)
	}
	b, err = e.svc.Approve(e.ctx, approver, b.ID, "", "")
	if err != nil || b.State != StateApproved {
		t.Fatalf("approve: %v %+v", err, b)
	}
	_, err = e.svc.Approve(e.ctx, approver, b.ID, "", "")
	refusal(t, err, CodeAlreadyApproved)
	// Another editor may not send someone else's broadcast.
	_, err = e.svc.Send(e.ctx, editor2, b.ID, time.Time{}, SendOptions{})
	refusal(t, err, CodeNotYours)

	e.unfollow("oF0007") // after the preview: dropped, not replaced
	e.follow("oNew")     // after the preview: not added
	b, err = e.svc.Send(e.ctx, editor, b.ID, time.Time{}, SendOptions{})
	if err != nil || b.State != StateSending {
		t.Fatalf("send: %v %+v", err, b)
	}
	e.run()
	b = e.wait(b.ID, "sent", func(b *Broadcast) bool { return b.State == StateSent })
	got := e.delivered()
	want := map[string]int{}
	for i := range 7 {
		want["oF000"+string(rune('0'+i))] = 1
	}
	if !maps.Equal(got, want) {
		t.Fatalf("delivered %v, want %v", got, want)
	}
	// Seven in batches of at most three, never one: 3, 2, 2.
	if s := e.batchSizes(); !slices.Equal(s, []int{3, 2, 2}) {
		t.Fatalf("batch sizes %v", s)
	}
	if b.Dropped != 1 || len(b.Batches) != 3 {
		t.Fatalf("dropped %d, batches %d", b.Dropped, len(b.Batches))
	}
	ids := map[string]bool{}
	for _, j := range sim.Jobs(e.appID) {
		if ids[j.ClientMsgID] || len(j.ClientMsgID) > 32 || j.ClientMsgID == "" {
			t.Fatalf("clientmsgid %q repeated or too long", j.ClientMsgID)
		}
		ids[j.ClientMsgID] = true
	}
	// Done is done.
	_, err = e.svc.Send(e.ctx, editor, b.ID, time.Time{}, SendOptions{})
	refusal(t, err, CodeWrongState)
	_, err = e.svc.Cancel(e.ctx, editor, b.ID)
	refusal(t, err, CodeWrongState)
}

func TestPlanVoidedWhenRulesChange(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 3, nil)
	b := e.approved("everyone")
	rs, err := rules.Parse("rules.yaml", []byte(testRules+"  - name: extra\n    rule: user.subscribed\n"), rules.Options{})
	if err != nil {
		t.Fatal(err)
	}
	e.mu.Lock()
	e.rs = rs
	e.mu.Unlock()
	_, err = e.svc.Send(e.ctx, editor, b.ID, time.Time{}, SendOptions{})
	if r := refusal(t, err, CodePlanVoided); r.Detail != rs.Version {
		t.Fatalf("voided: %+v", r)
	}
	b, _ = e.svc.Get(e.ctx, b.ID)
	if b.State != StateDraft || b.Plan != nil || len(b.Approvals) != 0 {
		t.Fatalf("after voiding: %+v", b)
	}
	if len(sim.Jobs(e.appID)) != 0 {
		t.Fatal("a voided plan was sent")
	}
}

func TestApprovalsExpireAndCount(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 3, func(o *Options) { o.ApprovalsRequired = 2; o.ApprovalTTL = time.Hour })
	b, _ := e.svc.New(e.ctx, editor, "everyone", Content{Type: "text", Text: "x"})
	if _, err := e.svc.Preview(e.ctx, editor, b.ID); err != nil {
		t.Fatal(err)
	}
	b, _ = e.svc.Approve(e.ctx, approver, b.ID, "", "")
	if b.State != StatePlanned || e.svc.ValidApprovals(b) != 1 {
		t.Fatalf("one of two approvals: %s %d", b.State, e.svc.ValidApprovals(b))
	}
	e.clock.Add(2 * time.Hour) // the first approval lapses
	b, _ = e.svc.Approve(e.ctx, owner, b.ID, "", "")
	if b.State != StatePlanned || e.svc.ValidApprovals(b) != 1 {
		t.Fatalf("a lapsed approval counted: %s %d", b.State, e.svc.ValidApprovals(b))
	}
	e.clock.Add(30 * time.Minute)
	b, err := e.svc.Approve(e.ctx, approver, b.ID, "", "") // approving again after it lapsed is allowed
	if err != nil || b.State != StateApproved {
		t.Fatalf("renewed approval: %v %s", err, b.State)
	}
	e.clock.Add(40 * time.Minute)
	_, err = e.svc.Send(e.ctx, editor, b.ID, time.Time{}, SendOptions{})
	r := refusal(t, err, CodeNotApproved) // the owner's approval lapsed at send time
	if r.N != 1 || r.Need != 2 {
		t.Fatalf("%+v", r)
	}
	// A new preview with the same plan keeps the approvals of that plan;
	// a changed audience voids them.
	b, _ = e.svc.Approve(e.ctx, owner, b.ID, "", "")
	before := b.Plan.Hash
	e.follow("oLate")
	b, err = e.svc.Preview(e.ctx, editor, b.ID)
	if err != nil || b.Plan.Hash == before || e.svc.ValidApprovals(b) != 0 || b.State != StatePlanned {
		t.Fatalf("new audience kept approvals: %v %s %d", err, b.State, e.svc.ValidApprovals(b))
	}
}

func TestSelfApprovalWhenAllowed(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 2, func(o *Options) { o.AllowSelfApproval = true })
	b, _ := e.svc.New(e.ctx, owner, "everyone", Content{Type: "text", Text: "x"})
	_, _ = e.svc.Preview(e.ctx, owner, b.ID)
	b, err := e.svc.Approve(e.ctx, owner, b.ID, "", "")
	if err != nil || b.State != StateApproved {
		t.Fatalf("self approval allowed: %v %+v", err, b)
	}
}

func TestScheduledSendFiresOnTime(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 4, nil)
	b := e.approved("everyone")
	_, err := e.svc.Send(e.ctx, editor, b.ID, e.clock.Now().Add(-time.Minute), SendOptions{})
	refusal(t, err, CodePastTime)
	at := e.clock.Now().Add(time.Hour)
	b, err = e.svc.Send(e.ctx, editor, b.ID, at, SendOptions{})
	if err != nil || b.State != StateScheduled || !b.SendAt.Equal(at) {
		t.Fatalf("schedule: %v %+v", err, b)
	}
	e.run()
	time.Sleep(1500 * time.Millisecond) // a poll or two
	if n := len(sim.Jobs(e.appID)); n != 0 {
		t.Fatalf("%d batches before the scheduled time", n)
	}
	e.clock.Add(time.Hour)
	e.svc.Kick()
	e.wait(b.ID, "sent", func(b *Broadcast) bool { return b.State == StateSent })
	if n := len(e.delivered()); n != 4 {
		t.Fatalf("delivered to %d, want 4", n)
	}
}

func TestPauseStopsBetweenBatchesAndCancelStops(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 9, func(o *Options) { o.BatchInterval = 400 * time.Millisecond; o.Now = nil })
	b := e.approved("everyone")
	if err := e.svc.SetPaused(e.ctx, owner, true); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Send(e.ctx, editor, b.ID, time.Time{}, SendOptions{}); err != nil {
		t.Fatal(err)
	}
	e.run()
	time.Sleep(1500 * time.Millisecond)
	if n := len(sim.Jobs(e.appID)); n != 0 {
		t.Fatalf("%d batches sent while paused", n)
	}
	if err := e.svc.SetPaused(e.ctx, owner, false); err != nil {
		t.Fatal(err)
	}
	e.wait(b.ID, "first batch", func(b *Broadcast) bool { return b.Progress().Done >= 1 })
	if _, err := e.svc.Cancel(e.ctx, editor2, b.ID); err == nil {
		t.Fatal("another editor cancelled")
	}
	b, err := e.svc.Cancel(e.ctx, editor, b.ID)
	if err != nil || b.State != StateCancelled {
		t.Fatalf("cancel: %v %+v", err, b)
	}
	time.Sleep(1200 * time.Millisecond)
	if n := len(sim.Jobs(e.appID)); n >= 3 {
		t.Fatalf("%d batches: sending went on after cancel", n)
	}
}

func TestRetriesTransientErrors(t *testing.T) {
	// Not parallel: the simulator's injected faults hit any app.
	t.Cleanup(func() { sim.FailNext("/cgi-bin/message/mass/send", 0, 0) })
	e := newEnv(t, 6, nil)
	b := e.approved("everyone")
	// A batch answered -1 (system busy) is sent again, once.
	sim.FailNext("/cgi-bin/message/mass/send", -1, 1)
	if _, err := e.svc.Send(e.ctx, editor, b.ID, time.Time{}, SendOptions{}); err != nil {
		t.Fatal(err)
	}
	e.run()
	e.wait(b.ID, "sent", func(b *Broadcast) bool { return b.State == StateSent })
	for o, n := range e.delivered() {
		if n != 1 {
			t.Fatalf("%s got %d", o, n)
		}
	}
	if len(e.delivered()) != 6 {
		t.Fatalf("delivered %v", e.delivered())
	}
}

func TestFinalErrorStopsAndAlertsOwners(t *testing.T) {
	// Not parallel: the simulator's injected faults hit any app.
	t.Cleanup(func() { sim.FailNext("/cgi-bin/message/mass/send", 0, 0) })
	// A second between batches (on the real clock) leaves time to arm the
	// fault for the second one.
	e := newEnv(t, 6, func(o *Options) { o.BatchInterval = time.Second; o.Now = nil })
	b, _ := e.svc.New(e.ctx, editor, "everyone", Content{Type: "news", MediaID: "news1"})
	if _, err := e.svc.Preview(e.ctx, editor, b.ID); err != nil {
		t.Fatal(err)
	}
	b, _ = e.svc.Approve(e.ctx, approver, b.ID, "", "")
	sim.Interact(e.appID, owner.OpenID, "message", time.Now())
	// 40007 (invalid media_id) after the first batch: final, stop.
	if _, err := e.svc.Send(e.ctx, editor, b.ID, time.Time{}, SendOptions{}); err != nil {
		t.Fatal(err)
	}
	e.run()
	var arm sync.Once
	b = e.wait(b.ID, "stopped", func(b *Broadcast) bool {
		if b.Progress().Done == 1 && b.State == StateSending {
			arm.Do(func() { sim.FailNext("/cgi-bin/message/mass/send", 40007, 1) })
		}
		return b.State == StatePartiallyFailed || b.State == StateSent
	})
	if b.State == StateSent {
		t.Fatal("the second batch went out before the fault was armed")
	}
	if !strings.Contains(b.Failure, "40007") {
		t.Fatalf("failure %q", b.Failure)
	}
	// The alert follows the state change.
	e.wait(b.ID, "the owner's alert", func(*Broadcast) bool {
		for _, m := range sim.CustomMessages(e.appID) {
			if m.To == owner.OpenID && strings.Contains(m.Content, "停止") {
				return true
			}
		}
		return false
	})
	// News can be retracted: each sent batch is deleted.
	b, err := e.svc.Retract(e.ctx, owner, b.ID)
	if err != nil || b.State != StateRetracted || len(b.Retracted) != b.Progress().Done {
		t.Fatalf("retract: %v %+v", err, b)
	}
}

func TestRetractTextIsRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 2, nil)
	b := e.approved("everyone")
	_, _ = e.svc.Send(e.ctx, editor, b.ID, time.Time{}, SendOptions{})
	e.run()
	e.wait(b.ID, "sent", func(b *Broadcast) bool { return b.State == StateSent })
	_, err := e.svc.Retract(e.ctx, owner, b.ID)
	if r := refusal(t, err, CodeCannotRetract); r.Detail != "text" {
		t.Fatalf("%+v", r)
	}
}

func TestResumedBatchIsNotSentTwice(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 6, nil)
	b := e.approved("everyone")
	if _, err := e.svc.Send(e.ctx, editor, b.ID, time.Time{}, SendOptions{}); err != nil {
		t.Fatal(err)
	}
	// A replica builds the batches, records the intent to send batch 0,
	// WeChat accepts it, and the replica dies before recording the
	// answer: step by hand up to the call, then "crash".
	attempt := 0
	if ok, err := e.st.Broadcasts().Lease(e.ctx, b.ID, e.opts.Owner, time.Minute); !ok || err != nil {
		t.Fatal("lease", err)
	}
	if _, _, err := e.svc.step(e.ctx, b.ID, &attempt); err != nil { // materialize
		t.Fatal(err)
	}
	b, _ = e.svc.Get(e.ctx, b.ID)
	b.Batches[0].State, b.Batches[0].Attempts, b.Batches[0].Began = BatchSending, 1, e.clock.Now()
	if err := e.svc.save(e.ctx, b, storeChange()); err != nil {
		t.Fatal(err)
	}
	list, _ := e.st.Broadcasts().ReadList(e.ctx, b.ID, "s"+b.BatchKey, 0)
	msgID, err := e.opts.API.MassSend(e.ctx, list, b.Content, clientMsgID(b, 0))
	if err != nil {
		t.Fatal(err)
	}
	// WeChat's job report arrives before any replica recorded the batch:
	// it is kept until one does.
	if err := e.svc.JobFinished(e.ctx, JobReport{MsgID: msgID, Status: "send success", Total: 3, Filtered: 3, Sent: 3}); err != nil {
		t.Fatal(err)
	}
	// The lease lapses (here: is let go), another replica resumes: the batch is sent again with the same
	// clientmsgid; WeChat says 45066 (too soon) or 45065 (already sent).
	_ = e.st.Broadcasts().ReleaseLease(e.ctx, b.ID, e.opts.Owner)
	other := New(func() Options { o := e.opts; o.Owner = "other"; return o }())
	ctx, cancel := contextWithCancel(e)
	defer cancel()
	go other.Run(ctx)
	b = e.wait(b.ID, "sent", func(b *Broadcast) bool { return b.State == StateSent })
	for o, n := range e.delivered() {
		if n != 1 {
			t.Fatalf("%s received the broadcast %d times", o, n)
		}
	}
	if len(e.delivered()) != 6 || b.Batches[0].MsgID != msgID {
		t.Fatalf("delivered %v; batch 0 msg_id %d, want %d", e.delivered(), b.Batches[0].MsgID, msgID)
	}
	if x := b.Batches[0]; !x.Reported || x.Sent != 3 {
		t.Fatalf("the early report was not applied: %+v", x)
	}
}

func TestLoneFollowerIsNotSentAlone(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 2, nil)
	b := e.approved("everyone")
	e.unfollow("oF0001")
	_, _ = e.svc.Send(e.ctx, editor, b.ID, time.Time{}, SendOptions{})
	e.run()
	b = e.wait(b.ID, "finished", func(b *Broadcast) bool { return b.State == StateSent })
	if b.Lone != 1 || len(sim.Jobs(e.appID)) != 0 {
		t.Fatalf("lone %d, jobs %d", b.Lone, len(sim.Jobs(e.appID)))
	}
}

func TestSmallAudienceAndUnknownSegment(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 1, nil)
	_, err := e.svc.New(e.ctx, editor, "nope", Content{Type: "text", Text: "x"})
	refusal(t, err, CodeUnknownSegment)
	_, err = e.svc.New(e.ctx, editor, "everyone", Content{Type: "text"})
	refusal(t, err, CodeBadContent)
	b, _ := e.svc.New(e.ctx, editor, "everyone", Content{Type: "text", Text: "x"})
	_, err = e.svc.Preview(e.ctx, editor, b.ID)
	if r := refusal(t, err, CodeSmallAudience); r.N != 1 {
		t.Fatalf("%+v", r)
	}
	_, err = e.svc.Get(e.ctx, 999)
	refusal(t, err, CodeNotFound)
}

func TestNotifyFallsBackAndKeeps(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 2, func(o *Options) { o.TemplateID = "tpl1" })
	b, _ := e.svc.New(e.ctx, editor, "everyone", Content{Type: "text", Text: "x"})
	// No window open: the customer-service message is refused (45015),
	// the template goes out.
	e.svc.Notify(e.ctx, editor, b.ID, "完成")
	if tm := sim.TemplateMessages(e.appID); len(tm) != 1 || tm[0].To != editor.OpenID {
		t.Fatalf("template messages %+v", tm)
	}
	// Inside the window: a customer-service message.
	sim.Interact(e.appID, editor.OpenID, "message", time.Now())
	e.svc.Notify(e.ctx, editor, b.ID, "再次完成")
	if cm := sim.CustomMessages(e.appID); len(cm) != 1 || cm[0].Content != "再次完成" {
		t.Fatalf("custom messages %+v", cm)
	}
	b, _ = e.svc.Get(e.ctx, b.ID)
	if len(b.Notices) != 2 || b.Notices[0].Via != "template" || b.Notices[1].Via != "custom" {
		t.Fatalf("notices %+v", b.Notices)
	}
	// Without a template, a refused notice is only kept.
	e2 := newEnv(t, 0, nil)
	e2.svc.Notify(e2.ctx, editor, 0, "规则有错")
	ns, _ := e2.svc.Notices(e2.ctx, 5)
	if len(ns) != 1 || ns[0].Via != "kept" || ns[0].Text != "规则有错" {
		t.Fatalf("general notices %+v", ns)
	}
}

func TestJobReportsAnnounceOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 4, func(o *Options) { o.AlertFailureRate = 0.1 })
	for _, a := range []Admin{editor, approver, owner} {
		sim.Interact(e.appID, a.OpenID, "message", time.Now())
	}
	b := e.approved("everyone")
	_, _ = e.svc.Send(e.ctx, editor, b.ID, time.Time{}, SendOptions{})
	e.run()
	b = e.wait(b.ID, "sent", func(b *Broadcast) bool { return b.State == StateSent })
	for i, x := range b.Batches {
		r := JobReport{MsgID: x.MsgID, Status: "send success", Total: x.Size, Filtered: x.Size, Sent: x.Size - i, Errors: i}
		for range 2 { // WeChat may deliver a report twice
			if err := e.svc.JobFinished(e.ctx, r); err != nil {
				t.Fatal(err)
			}
		}
	}
	// The sender loop tells people, once, after the last report.
	b = e.wait(b.ID, "the notices", func(b *Broadcast) bool { return b.Reported && len(sim.CustomMessages(e.appID)) >= 3 })
	if p := b.Progress(); p.Reported != 2 || p.Sent != 3 || p.Errors != 1 {
		t.Fatalf("progress %+v", p)
	}
	time.Sleep(1500 * time.Millisecond) // a poll or so: nothing more may come
	to := map[string]int{}
	for _, m := range sim.CustomMessages(e.appID) {
		to[m.To]++
	}
	// Creator and approver told once each; the owner alerted (25% > 10%).
	if to[editor.OpenID] != 1 || to[approver.OpenID] != 1 || to[owner.OpenID] != 1 {
		t.Fatalf("notices by recipient %v", to)
	}
	// A report about a send that is not ours is ignored.
	if err := e.svc.JobFinished(e.ctx, JobReport{MsgID: 987654321}); err != nil {
		t.Fatal(err)
	}
	_ = errors.New
}

func TestExpiredSnapshotStopsTheBroadcast(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 3, nil)
	b := e.approved("everyone")
	// The snapshot outlived its 30 days (here: is deleted).
	keys, _ := e.st.Redis().Keys(e.ctx, e.st.KeyPrefix()+"bc:{bca:*").Result()
	if len(keys) == 0 {
		t.Fatal("no snapshot keys")
	}
	e.st.Redis().Del(e.ctx, keys...)
	sim.Interact(e.appID, owner.OpenID, "message", time.Now())
	_, _ = e.svc.Send(e.ctx, editor, b.ID, time.Time{}, SendOptions{})
	e.run()
	b = e.wait(b.ID, "stopped", func(b *Broadcast) bool { return b.State == StatePartiallyFailed })
	if !strings.Contains(b.Failure, "preview again") || len(sim.Jobs(e.appID)) != 0 {
		t.Fatalf("failure %q, %d jobs", b.Failure, len(sim.Jobs(e.appID)))
	}
}

func TestRulesRejectedAlertsOwnersOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0, nil)
	sim.Interact(e.appID, owner.OpenID, "message", time.Now())
	err := errors.New("rules.yaml:3:9: segments.vip.rule: unknown name user.vipp\nrules.yaml:7:1: tags[0]: name is required")
	// Every replica watches the file and hears about the same version.
	other := New(func() Options { o := e.opts; o.Owner = "other"; return o }())
	e.svc.RulesRejected(e.ctx, "abc123", err)
	other.RulesRejected(e.ctx, "abc123", err)
	cm := sim.CustomMessages(e.appID)
	if len(cm) != 1 || cm[0].To != owner.OpenID || !strings.Contains(cm[0].Content, "abc123") ||
		!strings.Contains(cm[0].Content, "rules.yaml:3:9") || !strings.Contains(cm[0].Content, "另有 1 行") {
		t.Fatalf("alerts %+v", cm)
	}
	// A later bad version alerts again.
	e.svc.RulesRejected(e.ctx, "def456", err)
	if n := len(sim.CustomMessages(e.appID)); n != 2 {
		t.Fatalf("%d alerts after a second bad version", n)
	}
}

func TestClassify(t *testing.T) {
	for code, want := range map[int]int{
		-1: outcomeRetry, 45009: outcomeRetry, 45011: outcomeRetry, 45066: outcomeRetry, 9500002: outcomeRetry,
		40001: outcomeRetry, 40014: outcomeRetry, 42001: outcomeRetry, // a stale token: the next call has a fresh one
		45065: outcomeSent,
		40007: outcomeFail, 40130: outcomeFail, 48001: outcomeFail, 45028: outcomeFail, 40003: outcomeFail,
	} {
		if got, _ := classify(&wxapi.APIError{Code: code}); got != want {
			t.Errorf("errcode %d: outcome %d, want %d", code, got, want)
		}
	}
	if got, _ := classify(errors.New("connection reset")); got != outcomeRetry {
		t.Error("a network error is not retried")
	}
	if got, _ := classify(nil); got != outcomeSent {
		t.Error("success is not sent")
	}
}

// TestBatchesAreNeverOne cuts audiences of several sizes: at most
// BatchSize each, never one.
func TestBatchesAreNeverOne(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		followers, size int
		want            []int
	}{
		{3, 3, []int{3}},
		{4, 3, []int{2, 2}},
		{10, 3, []int{3, 3, 2, 2}},
		{9, 3, []int{3, 3, 3}},
	} {
		e := newEnv(t, tc.followers, func(o *Options) { o.BatchSize = tc.size })
		b := e.approved("everyone")
		_, _ = e.svc.Send(e.ctx, editor, b.ID, time.Time{}, SendOptions{})
		if ok, _ := e.st.Broadcasts().Lease(e.ctx, b.ID, e.opts.Owner, time.Minute); !ok {
			t.Fatal("lease")
		}
		attempt := 0
		if _, _, err := e.svc.step(e.ctx, b.ID, &attempt); err != nil {
			t.Fatal(err)
		}
		b, _ = e.svc.Get(e.ctx, b.ID)
		var got []int
		for _, x := range b.Batches {
			got = append(got, x.Size)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%d followers in batches of %d: %v, want %v", tc.followers, tc.size, got, tc.want)
		}
	}
}

func TestApproveTheSeenPlanOnly(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 3, nil)
	b, _ := e.svc.New(e.ctx, editor, "everyone", Content{Type: "text", Text: "x"})
	b, err := e.svc.Preview(e.ctx, editor, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	seen := b.Plan.Hash
	e.follow("oLate")
	if b, err = e.svc.Preview(e.ctx, editor, b.ID); err != nil || b.Plan.Hash == seen {
		t.Fatalf("second preview: %v, hash %s", err, b.Plan.Hash)
	}
	// The approver approves what they saw: the plan changed since.
	_, err = e.svc.Approve(e.ctx, approver, b.ID, seen, "")
	if r := refusal(t, err, CodePlanChanged); r.Detail != b.Plan.Hash || r.N != 4 {
		t.Fatalf("%+v", r)
	}
	if b, err = e.svc.Approve(e.ctx, approver, b.ID, b.Plan.Hash, ""); err != nil || b.State != StateApproved {
		t.Fatalf("approve the current plan: %v %+v", err, b)
	}
}

func TestScheduledSendMissedByHoursWaitsForAPerson(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 3, nil)
	b := e.approved("everyone")
	if _, err := e.svc.Send(e.ctx, editor, b.ID, e.clock.Now().Add(time.Hour), SendOptions{}); err != nil {
		t.Fatal(err)
	}
	// Every replica was down from before the time until three hours after.
	e.clock.Add(4 * time.Hour)
	e.run()
	b = e.wait(b.ID, "back to approved", func(b *Broadcast) bool { return b.State == StateApproved && len(b.Notices) == 1 })
	if len(sim.Jobs(e.appID)) != 0 || !strings.Contains(b.Notices[0].Text, "未发送") || b.Notices[0].To != editor.OpenID {
		t.Fatalf("jobs %d, notices %+v", len(sim.Jobs(e.appID)), b.Notices)
	}
	if act, _ := e.st.Broadcasts().Active(e.ctx); slices.Contains(act, b.ID) {
		t.Fatal("still watched by the sender")
	}
}

func TestApproverLooksAtThePlanWithoutChangingIt(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 3, nil)
	b, _ := e.svc.New(e.ctx, editor, "everyone", Content{Type: "text", Text: "x"})
	_, err := e.svc.Preview(e.ctx, approver, b.ID)
	refusal(t, err, CodeNoPlan)
	b, _ = e.svc.Preview(e.ctx, editor, b.ID)
	e.follow("oLate") // a new freeze would change the plan
	got, err := e.svc.Preview(e.ctx, approver, b.ID)
	if err != nil || got.Plan.Hash != b.Plan.Hash || got.Rev != b.Rev {
		t.Fatalf("the approver's look changed the plan: %v %+v", err, got.Plan)
	}
	p := sim.Previews(e.appID)
	if len(p) != 2 || p[1].To != approver.OpenID || p[1].Content != "x" {
		t.Fatalf("previews %+v", p)
	}
	// Another editor may not, even to look.
	_, err = e.svc.Preview(e.ctx, editor2, b.ID)
	refusal(t, err, CodeNotYours)
}
