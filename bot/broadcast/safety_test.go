package broadcast

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/wxcast/wxcast/bot/wxapi"
	"github.com/wxcast/wxcast/configs"
	"github.com/wxcast/wxcast/internal/wxsim"
	"github.com/wxcast/wxcast/rules"
	"github.com/wxcast/wxcast/rules/words"
	"github.com/wxcast/wxcast/store"
)

// wordList compiles word lists for a test.
func wordList(t *testing.T, files map[string]string) *words.List {
	t.Helper()
	in := map[string][]byte{}
	for k, v := range files {
		in[k] = []byte(v)
	}
	l, err := words.Parse(in)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestContentCheckNeedsAnOwnersOverride(t *testing.T) {
	t.Parallel()
	list := wordList(t, map[string]string{"absolute.txt": "最佳\n", "finance.txt": "稳赚不赔\n"})
	e := newEnv(t, 4, func(o *Options) { o.Words = func() *words.List { return list } })
	sim.AddNews(e.appID, "news2", wxsim.Article{Title: "稳 赚 不 赔的理财", Digest: "限时"})

	b, err := e.svc.New(e.ctx, editor, "everyone", Content{Type: "text", Text: "本市最　佳咖啡"})
	if err != nil {
		t.Fatal(err)
	}
	b, err = e.svc.Preview(e.ctx, editor, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if b.State != StatePlanned || len(b.Plan.Hits) != 1 {
		t.Fatalf("state %s, hits %+v; want planned with one hit", b.State, b.Plan.Hits)
	}
	if h := b.Plan.Hits[0]; h.Category != "absolute" || h.Start != 2 || h.Text != "最　佳" || h.Where != "" {
		t.Errorf("hit %+v, want absolute at 2 (最　佳) in the text", h)
	}
	_, err = e.svc.Approve(e.ctx, approver, b.ID, "", "")
	refusal(t, err, CodeContentHits)
	_, err = e.svc.Approve(e.ctx, approver, b.ID, "", "客户要求")
	refusal(t, err, CodeOwnerOverride)
	b, err = e.svc.Get(e.ctx, b.ID)
	if err != nil || len(b.Approvals) != 0 {
		t.Fatalf("a refused approval was kept: %+v %v", b.Approvals, err)
	}
	b, err = e.svc.Approve(e.ctx, owner, b.ID, "", "法务已确认为商标名")
	if err != nil || b.State != StateApproved {
		t.Fatalf("owner override: %v, state %s", err, b.State)
	}
	if o := b.Override; o == nil || o.By != owner.OpenID || o.Reason != "法务已确认为商标名" || o.PlanHash != b.Plan.Hash {
		t.Errorf("override %+v", b.Override)
	}
	if _, err := e.svc.Send(e.ctx, editor, b.ID, time.Time{}, SendOptions{}); err != nil {
		t.Fatalf("send after the override: %v", err)
	}

	// A news item is checked by its title and digest, as WeChat returns them.
	n, err := e.svc.New(e.ctx, editor, "everyone", Content{Type: "news", MediaID: "news2"})
	if err != nil {
		t.Fatal(err)
	}
	n, err = e.svc.Preview(e.ctx, editor, n.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(n.Plan.Hits) != 1 || n.Plan.Hits[0].Where != "1.title" || n.Plan.Hits[0].Category != "finance" {
		t.Fatalf("news hits %+v, want finance in the first article's title", n.Plan.Hits)
	}
	_, err = e.svc.Send(e.ctx, editor, n.ID, time.Time{}, SendOptions{})
	refusal(t, err, CodeNotApproved)
}

func TestCleanContentNeedsNoOverride(t *testing.T) {
	t.Parallel()
	list := wordList(t, map[string]string{"absolute.txt": "第一\n", "allow.txt": "第一次\n"})
	e := newEnv(t, 3, func(o *Options) { o.Words = func() *words.List { return list } })
	b, err := e.svc.New(e.ctx, editor, "everyone", Content{Type: "text", Text: "第一次来店送咖啡"})
	if err != nil {
		t.Fatal(err)
	}
	b, err = e.svc.Preview(e.ctx, editor, b.ID)
	if err != nil || len(b.Plan.Hits) != 0 || b.Plan.WordsVersion != list.Version {
		t.Fatalf("preview: %v, hits %+v, words %q", err, b.Plan.Hits, b.Plan.WordsVersion)
	}
	if b, err = e.svc.Approve(e.ctx, approver, b.ID, "", ""); err != nil || b.State != StateApproved {
		t.Fatalf("approve: %v %s", err, b.State)
	}
}

func TestMonthlyCapLeavesCappedFollowersOut(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 6, func(o *Options) { o.MonthlyCap = 1 })
	e.run()
	first := e.approved("everyone")
	second := e.approved("everyone") // planned before the first is sent: nobody is capped yet
	if second.Plan.Capped != 0 || second.Plan.Audience != 6 {
		t.Fatalf("plan %+v, want 6 and none capped", second.Plan)
	}
	if _, err := e.svc.Send(e.ctx, editor, first.ID, time.Time{}, SendOptions{}); err != nil {
		t.Fatal(err)
	}
	b := e.wait(first.ID, "first sent", func(b *Broadcast) bool { return b.State == StateSent })
	// A replica that resumes a batch WeChat had accepted records it again
	// ("already sent"): it must not count twice.
	list, err := e.st.Broadcasts().ReadList(e.ctx, b.ID, "s"+b.BatchKey, 0)
	if err != nil {
		t.Fatal(err)
	}
	lim := storeLimits(e.svc.limits(b.Batches[0].Began))
	if kept, first, err := e.st.Caps().Reserve(e.ctx, b.ID, 0, list, lim, e.clock.Now()); err != nil || first || len(kept) != len(list) {
		t.Fatalf("reserved again: %v %v %v", kept, first, err)
	}
	counts, err := e.st.Caps().Counts(e.ctx, "m"+e.clock.Now().UTC().Format("2006-01"), followerIDs(6))
	if err != nil {
		t.Fatal(err)
	}
	for i, n := range counts {
		if n != 1 {
			t.Errorf("follower %d counted %d times, want 1", i, n)
		}
	}
	// Sending the second: everyone reached the cap since its preview.
	if _, err := e.svc.Send(e.ctx, editor, second.ID, time.Time{}, SendOptions{}); err != nil {
		t.Fatal(err)
	}
	b = e.wait(second.ID, "second done", func(b *Broadcast) bool { return b.State == StateSent })
	if b.Capped != 6 || len(b.Batches) != 0 {
		t.Errorf("capped %d, batches %d; want 6 and none", b.Capped, len(b.Batches))
	}
	for o, n := range e.delivered() {
		if n != 1 {
			t.Errorf("%s received %d broadcasts, cap is 1", o, n)
		}
	}
	// A new plan this month leaves them out at preview and says so.
	third, err := e.svc.New(e.ctx, editor, "everyone", Content{Type: "text", Text: "third"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.svc.Preview(e.ctx, editor, third.ID)
	if r := refusal(t, err, CodeSmallAudience); r.N != 0 || r.Need != 6 {
		t.Errorf("refusal %+v, want 0 left and 6 capped", r)
	}
	// Next month the cap starts over.
	e.clock.Add(32 * 24 * time.Hour)
	third, err = e.svc.Preview(e.ctx, editor, third.ID)
	if err != nil || third.Plan.Audience != 6 || third.Plan.Capped != 0 {
		t.Fatalf("next month: %v %+v", err, third.Plan)
	}
}

// TestCapHoldsWithTwoBroadcastsSending: a second broadcast built while
// the first is between batches must not push anyone past the cap.
func TestCapHoldsWithTwoBroadcastsSending(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 6, func(o *Options) { o.MonthlyCap, o.BatchInterval = 1, time.Hour })
	e.run()
	a, b := e.approved("everyone"), e.approved("everyone")
	if _, err := e.svc.Send(e.ctx, editor, a.ID, time.Time{}, SendOptions{}); err != nil {
		t.Fatal(err)
	}
	e.wait(a.ID, "first batch of A", func(x *Broadcast) bool { return x.Progress().Done == 1 })
	if _, err := e.svc.Send(e.ctx, editor, b.ID, time.Time{}, SendOptions{}); err != nil {
		t.Fatal(err)
	}
	e.wait(b.ID, "first batch of B", func(x *Broadcast) bool { return x.Progress().Done >= 1 })
	e.clock.Add(2 * time.Hour)
	a = e.wait(a.ID, "A done", func(x *Broadcast) bool { return x.State == StateSent })
	b = e.wait(b.ID, "B done", func(x *Broadcast) bool { return x.State == StateSent })
	for _, o := range followerIDs(6) {
		if n := e.delivered()[o]; n != 1 {
			t.Errorf("%s received %d broadcasts, cap is 1", o, n)
		}
	}
	if a.Capped+b.Capped != 6 {
		t.Errorf("capped %d + %d, want 6 left out in all", a.Capped, b.Capped)
	}
}

func TestDailyCap(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 4, func(o *Options) { o.DailyCap = 1 })
	e.run()
	b := e.approved("everyone")
	if _, err := e.svc.Send(e.ctx, editor, b.ID, time.Time{}, SendOptions{}); err != nil {
		t.Fatal(err)
	}
	e.wait(b.ID, "sent", func(b *Broadcast) bool { return b.State == StateSent })
	c, _ := e.svc.New(e.ctx, editor, "everyone", Content{Type: "text", Text: "again"})
	_, err := e.svc.Preview(e.ctx, editor, c.ID)
	refusal(t, err, CodeSmallAudience)
	e.clock.Add(24 * time.Hour)
	if c, err = e.svc.Preview(e.ctx, editor, c.ID); err != nil || c.Plan.Audience != 4 {
		t.Fatalf("next day: %v", err)
	}
}

func followerIDs(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("oF%04d", i)
	}
	return out
}

func TestQuietHoursAndBestWindows(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 3, func(o *Options) {
		o.QuietHours = configs.ClockRange{From: 22*60 + 30, To: 7*60 + 30}
		o.BestWindows = configs.ClockRanges{{From: 7 * 60, To: 8*60 + 30}, {From: 12 * 60, To: 13*60 + 30}, {From: 20 * 60, To: 22 * 60}}
	})
	day := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	at := func(h, m int) time.Time { return day.Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute) }
	e.clock.t = at(23, 0)
	b := e.approved("everyone")

	_, err := e.svc.Send(e.ctx, editor, b.ID, time.Time{}, SendOptions{})
	if r := refusal(t, err, CodeQuietHours); !r.At.Equal(at(24+7, 30)) || r.Detail != "22:30-07:30" {
		t.Errorf("refusal %+v, want next allowed 07:30 tomorrow", r)
	}
	_, err = e.svc.Send(e.ctx, editor, b.ID, at(24+6, 0), SendOptions{})
	if r := refusal(t, err, CodeQuietHours); !r.At.Equal(at(24+7, 30)) {
		t.Errorf("06:00: next allowed %v", r.At)
	}
	_, err = e.svc.Send(e.ctx, approver, b.ID, time.Time{}, SendOptions{Override: "停电通知"})
	refusal(t, err, CodeOwnerOverride)

	// Best: the 07:00 window is used from the end of the quiet hours.
	s, err := e.svc.Send(e.ctx, editor, b.ID, time.Time{}, SendOptions{Best: true})
	if err != nil || s.State != StateScheduled || !s.SendAt.Equal(at(24+7, 30)) {
		t.Fatalf("best at 23:00: %v %s %v", err, s.State, s.SendAt)
	}
	for _, tt := range []struct {
		now, want time.Time
	}{
		{at(12, 30), time.Time{}}, // inside a window: now
		{at(14, 0), at(20, 0)},
		{at(8, 29), time.Time{}},
		{at(8, 30), at(12, 0)},
		{at(22, 0), at(24+7, 30)},
	} {
		e.clock.t = tt.now
		got, ok := e.svc.nextBest(tt.now)
		if !ok || (tt.want.IsZero() && !got.Equal(tt.now)) || (!tt.want.IsZero() && !got.Equal(tt.want)) {
			t.Errorf("best at %s = %v, want %v", tt.now.Format("15:04"), got, tt.want)
		}
	}

	// An owner may start in the quiet hours, with a reason kept.
	e.clock.t = at(23, 10)
	b = e.approved("everyone")
	s, err = e.svc.Send(e.ctx, owner, b.ID, time.Time{}, SendOptions{Override: "停电紧急通知"})
	if err != nil || s.State != StateSending || s.QuietOverride == nil || s.QuietOverride.Reason != "停电紧急通知" {
		t.Fatalf("override: %v %+v", err, s)
	}
}

const seriesRules = testRules + `
tags:
  - name: clicked_promo
    on: [click]
    when: event.key == "PROMO"
`

func TestReminderSeriesSkipsFollowersWhoActed(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 6, func(o *Options) { o.BatchInterval = 0 })
	rs, err := rules.Parse("rules.yaml", []byte(seriesRules), rules.Options{})
	if err != nil {
		t.Fatal(err)
	}
	e.mu.Lock()
	e.rs = rs
	e.mu.Unlock()
	e.run()
	b := e.approved("everyone")
	deadline := e.clock.Now().Add(4 * time.Hour)
	_, err = e.svc.Remind(e.ctx, editor, b.ID, deadline, []time.Duration{time.Hour, 3 * time.Hour}, "nope")
	refusal(t, err, CodeUnknownTag)
	b, err = e.svc.Remind(e.ctx, editor, b.ID, deadline, []time.Duration{time.Hour, 3 * time.Hour}, "clicked_promo")
	if err != nil || b.State != StateDraft || b.Plan != nil {
		t.Fatalf("remind voids the plan: %v %s", err, b.State)
	}
	if b.Series.Offsets[0] != 3*time.Hour {
		t.Errorf("offsets %v, want longest first", b.Series.Offsets)
	}
	if _, err := e.svc.Preview(e.ctx, editor, b.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Approve(e.ctx, approver, b.ID, "", ""); err != nil {
		t.Fatal(err)
	}
	_, err = e.svc.Send(e.ctx, editor, b.ID, e.clock.Now().Add(time.Hour), SendOptions{})
	refusal(t, err, CodeSeriesTimes)
	b, err = e.svc.Send(e.ctx, editor, b.ID, time.Time{}, SendOptions{})
	if err != nil || b.State != StateScheduled || !b.SendAt.Equal(deadline.Add(-3*time.Hour)) {
		t.Fatalf("send: %v %s %v", err, b.State, b.SendAt)
	}

	e.clock.Add(time.Hour)
	e.wait(b.ID, "first reminder", func(b *Broadcast) bool { return b.State == StateScheduled && b.Step == 1 })
	// Begun, the series goes on by itself: it cannot be sent again or
	// rejected (only cancelled), and a rules change does not void it.
	_, err = e.svc.Send(e.ctx, editor, b.ID, time.Time{}, SendOptions{})
	refusal(t, err, CodeWrongState)
	_, err = e.svc.Reject(e.ctx, approver, b.ID, "")
	refusal(t, err, CodeWrongState)
	changed, err := rules.Parse("rules.yaml", []byte(seriesRules+"\n# changed\n"), rules.Options{})
	if err != nil {
		t.Fatal(err)
	}
	e.mu.Lock()
	e.rs = changed
	e.mu.Unlock()
	// Two followers act between the reminders.
	e.act("oF0001", e.clock.Now(), "clicked_promo")
	e.act("oF0004", e.clock.Now(), "clicked_promo")
	e.clock.Add(2 * time.Hour)
	b = e.wait(b.ID, "second reminder", func(b *Broadcast) bool { return b.State == StateSent })
	if b.Acted != 2 || len(b.Approvals) != 1 {
		t.Errorf("acted %d, approvals %d; want 2 skipped and one approval for both", b.Acted, len(b.Approvals))
	}
	got := e.delivered()
	for _, o := range followerIDs(6) {
		want := 2
		if o == "oF0001" || o == "oF0004" {
			want = 1
		}
		if got[o] != want {
			t.Errorf("%s received %d, want %d", o, got[o], want)
		}
	}
}

func TestSeriesChecksItsTimes(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 3, func(o *Options) { o.QuietHours = configs.ClockRange{From: 22*60 + 30, To: 7*60 + 30} })
	e.clock.t = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	b := e.approved("everyone")
	deadline := time.Date(2026, 11, 27, 23, 0, 0, 0, time.UTC)
	_, err := e.svc.Remind(e.ctx, editor, b.ID, deadline, []time.Duration{12 * time.Hour}, "")
	refusal(t, err, CodeSeriesPast)
	_, err = e.svc.Remind(e.ctx, editor, b.ID, deadline, []time.Duration{time.Hour, 58 * time.Minute}, "")
	refusal(t, err, CodeBadSeries) // two sends two minutes apart
	// 22:50 falls in the quiet hours: refused at send, naming 07:30.
	if _, err = e.svc.Remind(e.ctx, editor, b.ID, deadline, []time.Duration{3 * time.Hour, 10 * time.Minute}, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Preview(e.ctx, editor, b.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Approve(e.ctx, approver, b.ID, "", ""); err != nil {
		t.Fatal(err)
	}
	_, err = e.svc.Send(e.ctx, editor, b.ID, time.Time{}, SendOptions{})
	refusal(t, err, CodeQuietHours)
}

// failingNews stands for WeChat not returning a news item's articles.
type failingNews struct{}

func (failingNews) NewsArticles(context.Context, string) ([]wxapi.Article, error) {
	return nil, errors.New("material/get_material: connection reset")
}

func TestUncheckedNewsNeedsAnOverride(t *testing.T) {
	t.Parallel()
	list := wordList(t, map[string]string{"absolute.txt": "最佳\n"})
	e := newEnv(t, 3, func(o *Options) {
		o.Words = func() *words.List { return list }
		o.News = failingNews{}
	})
	b, err := e.svc.New(e.ctx, editor, "everyone", Content{Type: "news", MediaID: "news1"})
	if err != nil {
		t.Fatal(err)
	}
	if b, err = e.svc.Preview(e.ctx, editor, b.ID); err != nil || len(b.Plan.Unchecked) != 1 {
		t.Fatalf("preview: %v %+v", err, b.Plan)
	}
	_, err = e.svc.Approve(e.ctx, approver, b.ID, "", "")
	refusal(t, err, CodeUnchecked)
	if b, err = e.svc.Approve(e.ctx, owner, b.ID, "", "已在后台人工看过"); err != nil || b.State != StateApproved {
		t.Fatalf("owner: %v", err)
	}
}

// TestReservationSurvivesALostSave: the record of a reservation may not
// land (a conflict, a crash); reserving again must leave the record as
// the first would have.
func TestReservationSurvivesALostSave(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 6, func(o *Options) { o.MonthlyCap = 1 })
	b := e.approved("everyone")
	if _, err := e.svc.Send(e.ctx, editor, b.ID, time.Time{}, SendOptions{}); err != nil {
		t.Fatal(err)
	}
	if ok, err := e.st.Broadcasts().Lease(e.ctx, b.ID, e.opts.Owner, time.Minute); !ok || err != nil {
		t.Fatal("lease", err)
	}
	attempt := 0
	if _, _, err := e.svc.step(e.ctx, b.ID, &attempt); err != nil { // builds the batches
		t.Fatal(err)
	}
	b, _ = e.svc.Get(e.ctx, b.ID)
	list, _ := e.st.Broadcasts().ReadList(e.ctx, b.ID, "s"+b.BatchKey, 0)
	// Another broadcast reaches one follower of batch 0 first.
	month := store.Limit{Period: store.Period{Key: monthKey(e.clock.Now()), TTL: time.Hour}}
	if _, _, err := e.st.Caps().Reserve(e.ctx, 999, 0, list[:1], []store.Limit{month}, e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	for try := range 2 { // the first record is lost
		c, _ := e.svc.Get(e.ctx, b.ID)
		if skip, err := e.svc.reserve(e.ctx, c, 0, e.clock.Now()); skip || err != nil {
			t.Fatalf("try %d: %v %v", try, skip, err)
		}
		if x := c.Batches[0]; x.Size != len(list)-1 || x.Capped != 1 || c.Capped != 1 {
			t.Fatalf("try %d: size %d capped %d/%d, want %d and 1", try, x.Size, x.Capped, c.Capped, len(list)-1)
		}
	}
}
