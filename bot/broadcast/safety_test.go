package broadcast_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/wxcast/wxcast/bot/broadcast"
	"github.com/wxcast/wxcast/bot/wxapi"
	"github.com/wxcast/wxcast/configs"
	"github.com/wxcast/wxcast/internal/bctest"
	"github.com/wxcast/wxcast/internal/wxsim"
	"github.com/wxcast/wxcast/rules/words"
)

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
	w := bctest.New(t, sim, bctest.Config{Followers: 4, Lifecycle: withWords(list)})
	sim.AddNews(w.AppID, "news2", wxsim.Article{Title: "稳 赚 不 赔的理财", Digest: "限时"})

	b, err := w.Lifecycle.Create(w.Ctx, bctest.Editor, "everyone", broadcast.Content{Type: "text", Text: "本市最　佳咖啡"})
	if err != nil {
		t.Fatal(err)
	}
	b, err = w.Lifecycle.Preview(w.Ctx, bctest.Editor, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if b.State != broadcast.StatePlanned || len(b.Plan.Hits) != 1 {
		t.Fatalf("state %s, hits %+v; want planned with one hit", b.State, b.Plan.Hits)
	}
	if h := b.Plan.Hits[0]; h.Category != "absolute" || h.Start != 2 || h.Text != "最　佳" || h.Where != "" {
		t.Errorf("hit %+v, want absolute at 2 (最　佳) in the text", h)
	}
	_, err = w.Lifecycle.Approve(w.Ctx, bctest.Approver, b.ID, "", "")
	w.Refusal(err, broadcast.CodeContentHits)
	_, err = w.Lifecycle.Approve(w.Ctx, bctest.Approver, b.ID, "", "客户要求")
	w.Refusal(err, broadcast.CodeOwnerOverride)
	b, err = w.Lifecycle.Get(w.Ctx, b.ID)
	if err != nil || len(b.Approvals) != 0 {
		t.Fatalf("a refused approval was kept: %+v %v", b.Approvals, err)
	}
	b, err = w.Lifecycle.Approve(w.Ctx, bctest.Owner, b.ID, "", "法务已确认为商标名")
	if err != nil || b.State != broadcast.StateApproved {
		t.Fatalf("owner override: %v, state %s", err, b.State)
	}
	if o := b.Override; o == nil || o.By != bctest.Owner.OpenID || o.Reason != "法务已确认为商标名" || o.PlanHash != b.Plan.Hash {
		t.Errorf("override %+v", b.Override)
	}
	if _, err := w.Lifecycle.Send(w.Ctx, bctest.Editor, b.ID, time.Time{}, broadcast.SendOptions{}); err != nil {
		t.Fatalf("send after the override: %v", err)
	}

	// A news item is checked by its title and digest, as WeChat returns them.
	n, err := w.Lifecycle.Create(w.Ctx, bctest.Editor, "everyone", broadcast.Content{Type: "news", MediaID: "news2"})
	if err != nil {
		t.Fatal(err)
	}
	n, err = w.Lifecycle.Preview(w.Ctx, bctest.Editor, n.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(n.Plan.Hits) != 1 || n.Plan.Hits[0].Where != "1.title" || n.Plan.Hits[0].Category != "finance" {
		t.Fatalf("news hits %+v, want finance in the first article's title", n.Plan.Hits)
	}
	_, err = w.Lifecycle.Send(w.Ctx, bctest.Editor, n.ID, time.Time{}, broadcast.SendOptions{})
	w.Refusal(err, broadcast.CodeNotApproved)
}

func TestCleanContentNeedsNoOverride(t *testing.T) {
	t.Parallel()
	list := wordList(t, map[string]string{"absolute.txt": "第一\n", "allow.txt": "第一次\n"})
	w := bctest.New(t, sim, bctest.Config{Followers: 3, Lifecycle: withWords(list)})
	b, err := w.Lifecycle.Create(w.Ctx, bctest.Editor, "everyone", broadcast.Content{Type: "text", Text: "第一次来店送咖啡"})
	if err != nil {
		t.Fatal(err)
	}
	b, err = w.Lifecycle.Preview(w.Ctx, bctest.Editor, b.ID)
	if err != nil || len(b.Plan.Hits) != 0 || b.Plan.WordsVersion != list.Version {
		t.Fatalf("preview: %v, hits %+v, words %q", err, b.Plan.Hits, b.Plan.WordsVersion)
	}
	if b, err = w.Lifecycle.Approve(w.Ctx, bctest.Approver, b.ID, "", ""); err != nil || b.State != broadcast.StateApproved {
		t.Fatalf("approve: %v %s", err, b.State)
	}
}

// withWords checks content against list.
func withWords(list *words.List) func(*broadcast.Options) {
	return func(o *broadcast.Options) { o.Words = func() *words.List { return list } }
}

// failingNews stands for WeChat not answering about a news item.
type failingNews struct{}

var errReset = errors.New("draft/get: connection reset")

func (failingNews) GetDraft(context.Context, string) (wxapi.Draft, error) {
	return wxapi.Draft{}, errReset
}
func (failingNews) NewsArticles(context.Context, string) ([]wxapi.DraftArticle, error) {
	return nil, errReset
}
func (failingNews) ListDrafts(context.Context, int, int) ([]wxapi.DraftSummary, int, error) {
	return nil, 0, errReset
}
func (failingNews) UploadNews(context.Context, []wxapi.DraftArticle) (string, error) {
	return "", errReset
}

// A news item whose articles cannot be read is not previewed: the plan
// would have no words to bind the approval to, nor to send.
func TestUnreadableNewsIsNotPreviewed(t *testing.T) {
	t.Parallel()
	list := wordList(t, map[string]string{"absolute.txt": "最佳\n"})
	w := bctest.New(t, sim, bctest.Config{Followers: 3, Lifecycle: func(o *broadcast.Options) {
		o.Words = func() *words.List { return list }
		o.News = failingNews{}
	}})
	b, err := w.Lifecycle.Create(w.Ctx, bctest.Editor, "everyone", broadcast.Content{Type: "news", MediaID: "news1"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err = w.Lifecycle.Preview(w.Ctx, bctest.Editor, b.ID); !errors.Is(err, errReset) {
		t.Fatalf("preview: %v, want the read error", err)
	}
	if b, _ = w.Lifecycle.Get(w.Ctx, b.ID); b.Plan != nil || b.State != broadcast.StateDraft || len(sim.Previews(w.AppID)) != 0 {
		t.Fatalf("after a failed read: state %s, plan %+v, %d previews", b.State, b.Plan, len(sim.Previews(w.AppID)))
	}
}

func TestQuietHoursAndBestWindows(t *testing.T) {
	t.Parallel()
	windows := broadcast.Windows{
		Loc:   time.UTC,
		Quiet: configs.ClockRange{From: 22*60 + 30, To: 7*60 + 30},
		Best:  configs.ClockRanges{{From: 7 * 60, To: 8*60 + 30}, {From: 12 * 60, To: 13*60 + 30}, {From: 20 * 60, To: 22 * 60}},
	}
	w := bctest.New(t, sim, bctest.Config{Followers: 3, Lifecycle: func(o *broadcast.Options) { o.Windows = windows }})
	day := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	at := func(h, m int) time.Time { return day.Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute) }
	w.Clock.Set(at(23, 0))
	b := w.Approved("everyone")

	_, err := w.Lifecycle.Send(w.Ctx, bctest.Editor, b.ID, time.Time{}, broadcast.SendOptions{})
	if r := w.Refusal(err, broadcast.CodeQuietHours); !r.At.Equal(at(24+7, 30)) || r.Detail != "22:30-07:30" {
		t.Errorf("refusal %+v, want next allowed 07:30 tomorrow", r)
	}
	_, err = w.Lifecycle.Send(w.Ctx, bctest.Editor, b.ID, at(24+6, 0), broadcast.SendOptions{})
	if r := w.Refusal(err, broadcast.CodeQuietHours); !r.At.Equal(at(24+7, 30)) {
		t.Errorf("06:00: next allowed %v", r.At)
	}
	_, err = w.Lifecycle.Send(w.Ctx, bctest.Approver, b.ID, time.Time{}, broadcast.SendOptions{Override: "停电通知"})
	w.Refusal(err, broadcast.CodeOwnerOverride)

	// Best: the 07:00 window is used from the end of the quiet hours.
	s, err := w.Lifecycle.Send(w.Ctx, bctest.Editor, b.ID, time.Time{}, broadcast.SendOptions{Best: true})
	if err != nil || s.State != broadcast.StateScheduled || !s.SendAt.Equal(at(24+7, 30)) {
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
		w.Clock.Set(tt.now)
		got, ok := windows.NextBest(tt.now)
		if !ok || (tt.want.IsZero() && !got.Equal(tt.now)) || (!tt.want.IsZero() && !got.Equal(tt.want)) {
			t.Errorf("best at %s = %v, want %v", tt.now.Format("15:04"), got, tt.want)
		}
	}

	// An owner may start in the quiet hours, with a reason kept.
	w.Clock.Set(at(23, 10))
	b = w.Approved("everyone")
	s, err = w.Lifecycle.Send(w.Ctx, bctest.Owner, b.ID, time.Time{}, broadcast.SendOptions{Override: "停电紧急通知"})
	if err != nil || s.State != broadcast.StateSending || s.QuietOverride == nil || s.QuietOverride.Reason != "停电紧急通知" {
		t.Fatalf("override: %v %+v", err, s)
	}
}

func TestSeriesChecksItsTimes(t *testing.T) {
	t.Parallel()
	w := bctest.New(t, sim, bctest.Config{Followers: 3, Lifecycle: func(o *broadcast.Options) {
		o.Windows = broadcast.Windows{Quiet: configs.ClockRange{From: 22*60 + 30, To: 7*60 + 30}}
	}})
	w.Clock.Set(time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC))
	b := w.Approved("everyone")
	deadline := time.Date(2026, 11, 27, 23, 0, 0, 0, time.UTC)
	_, err := w.Lifecycle.Remind(w.Ctx, bctest.Editor, b.ID, deadline, []time.Duration{12 * time.Hour}, "", false)
	w.Refusal(err, broadcast.CodeSeriesPast)
	_, err = w.Lifecycle.Remind(w.Ctx, bctest.Editor, b.ID, deadline, []time.Duration{time.Hour, 58 * time.Minute}, "", false)
	w.Refusal(err, broadcast.CodeBadSeries) // two sends two minutes apart
	// 22:50 falls in the quiet hours: refused at send, naming 07:30.
	if _, err = w.Lifecycle.Remind(w.Ctx, bctest.Editor, b.ID, deadline, []time.Duration{3 * time.Hour, 10 * time.Minute}, "", false); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Lifecycle.Preview(w.Ctx, bctest.Editor, b.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Lifecycle.Approve(w.Ctx, bctest.Approver, b.ID, "", ""); err != nil {
		t.Fatal(err)
	}
	_, err = w.Lifecycle.Send(w.Ctx, bctest.Editor, b.ID, time.Time{}, broadcast.SendOptions{})
	w.Refusal(err, broadcast.CodeQuietHours)
}
