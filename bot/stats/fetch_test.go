package stats_test

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/wxcast/wxcast/bot/admin"
	"github.com/wxcast/wxcast/bot/broadcast"
	"github.com/wxcast/wxcast/bot/stats"
	"github.com/wxcast/wxcast/internal/bctest"
	"github.com/wxcast/wxcast/internal/clocktest"
	"github.com/wxcast/wxcast/internal/wxsim"
	"github.com/wxcast/wxcast/store"
)

const detailPath = "/datacube/getarticletotaldetail"

var beijing = time.FixedZone("CST", 8*3600)

// start is a Tuesday 10:00 in Beijing: the article goes out that morning.
var start = time.Date(2026, 3, 10, 10, 0, 0, 0, beijing)

// sentArticle sends a two-article broadcast to w's four followers (two
// batches) and returns it once sent, with the sender stopped.
func sentArticle(w *bctest.World) *broadcast.Broadcast {
	w.T.Helper()
	w.Sim.AddMedia(w.AppID, "thumb1", wxsim.MediaImage)
	draft := w.Sim.AddDraft(w.AppID, wxsim.DraftArticle{Title: "城南新店本周六开业", Content: "<p>开业</p>"},
		wxsim.DraftArticle{Title: "店内实拍", Content: "<p>实拍</p>"})
	b, err := w.Lifecycle.Create(w.Ctx, bctest.Editor, "everyone", broadcast.Content{Type: "news", MediaID: draft})
	if err != nil {
		w.T.Fatal(err)
	}
	if _, err := w.Lifecycle.Preview(w.Ctx, bctest.Editor, b.ID); err != nil {
		w.T.Fatal(err)
	}
	if _, err := w.Lifecycle.Approve(w.Ctx, bctest.Approver, b.ID, "", ""); err != nil {
		w.T.Fatal(err)
	}
	w.SendNow(b.ID)
	stop := w.Run()
	b = w.Wait(b.ID, "sent", func(b *broadcast.Broadcast) bool { return b.State.Final() })
	stop()
	if b.State != broadcast.StateSent || len(b.Batches) != 2 {
		w.T.Fatalf("state %s, %d batches (%s)", b.State, len(b.Batches), b.Failure)
	}
	return b
}

func newWorld(t *testing.T) *bctest.World {
	return bctest.New(t, sim, bctest.Config{Followers: 4, Start: start, SimClock: true})
}

func newFetcher(w *bctest.World, owner string) *stats.Fetcher {
	return stats.New(stats.Options{Records: w.Records, Store: w.Store.Broadcasts(), API: w.API, Owner: owner,
		Clock: w.Clock, Log: zaptest.NewLogger(w.T)})
}

// detailCalls counts the statistics WeChat gave w (a call refused for a
// token that expired while the clock moved days, and made again, counts
// once).
func detailCalls(w *bctest.World) int {
	n := 0
	for _, c := range w.Sim.Calls(w.AppID) {
		if c.Path == detailPath && c.ErrCode == 0 {
			n++
		}
	}
	return n
}

func round(w *bctest.World, f *stats.Fetcher) {
	w.T.Helper()
	if err := f.Round(w.Ctx); err != nil {
		w.T.Fatal(err)
	}
}

// status is what 状态 <id> answers, in lang.
func status(w *bctest.World, f *stats.Fetcher, id int64, lang string) string {
	w.T.Helper()
	bot := admin.New(admin.Options{Drafts: w.Lifecycle, Approvals: w.Lifecycle, SendControl: w.Lifecycle,
		Segments: w.Lifecycle, Results: w.Results, Audit: w.Audit, Notices: w.Notify, Notifier: w.Notify,
		Articles: f, Admins: []broadcast.Admin{bctest.Editor}, Language: lang, Location: beijing, Now: w.Clock.Now,
		SlowAfter: time.Minute, Log: zaptest.NewLogger(w.T, zaptest.Level(zap.WarnLevel))})
	t := w.T
	defer func() {
		if err := bot.Close(w.Ctx); err != nil {
			t.Error(err)
		}
	}()
	cmd := "状态 "
	if lang == "en" {
		cmd = "status "
	}
	return bot.Handle(w.Ctx, bctest.Editor, cmd+strconv.FormatInt(id, 10))
}

// msgids are the statistics' names of b's articles, by batch.
func msgids(b *broadcast.Broadcast) [][2]string {
	var out [][2]string
	for _, x := range b.Batches {
		id := strconv.FormatInt(x.MsgDataID, 10)
		out = append(out, [2]string{id + "_1", id + "_2"})
	}
	return out
}

// An article broadcast's figures are fetched from the day after it went
// out, once a day, for a week, and 状态 shows them by day.
func TestArticleStatsFetchedDailyAndShown(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	b := sentArticle(w)
	ids := msgids(b)
	for i, pair := range ids {
		if b.Batches[i].MsgDataID == 0 {
			t.Fatalf("batch %d has no msg_data_id", i)
		}
		// Batch i's first article: 10·(i+1) readers on the day, 5 more the
		// next; its second article: 1 reader.
		sim.SetArticleStats(w.AppID, pair[0], "2026-03-10", wxsim.ArticleDay{Read: 10 * (i + 1), Share: 2, Like: 3, Zaikan: 1, Comment: 1})
		sim.SetArticleStats(w.AppID, pair[0], "2026-03-11", wxsim.ArticleDay{Read: 5, Like: 1})
		sim.SetArticleStats(w.AppID, pair[1], "2026-03-10", wxsim.ArticleDay{Read: 1})
	}
	f := newFetcher(w, "a")

	// Sent today: nothing to ask yet; status says when.
	round(w, f)
	if n := detailCalls(w); n != 0 {
		t.Fatalf("%d statistics calls on the day of sending", n)
	}
	if got := status(w, f, b.ID, "zh"); !strings.Contains(got, "图文数据：微信次日起提供，预计 03-11 08:00 后可查看") {
		t.Errorf("status on the day of sending:\n%s", got)
	}

	// The next day, before WeChat's figures are ready: still nothing.
	w.Clock.Set(time.Date(2026, 3, 11, 7, 30, 0, 0, beijing))
	round(w, f)
	if n := detailCalls(w); n != 0 {
		t.Fatalf("%d statistics calls before 08:00", n)
	}
	w.Clock.Set(time.Date(2026, 3, 11, 9, 0, 0, 0, beijing))
	round(w, f)
	round(w, f) // the same day again: no second call
	if n := detailCalls(w); n != 1 {
		t.Fatalf("%d statistics calls on the day after, want 1", n)
	}
	r, err := f.Report(w.Ctx, b)
	if err != nil {
		t.Fatal(err)
	}
	// Both batches, both articles: 10+20 + 1+1 readers.
	if !r.Article || !r.Matched || r.Articles != 2 || len(r.Days) != 1 || r.Days[0].Date != "2026-03-10" ||
		r.Days[0].Read != 32 || r.Days[0].Share != 4 || r.Days[0].Like != 6 || r.Days[0].Zaikan != 2 || r.Days[0].Comment != 2 {
		t.Fatalf("report %+v", r)
	}

	// A day later the totals grow.
	w.Clock.Set(time.Date(2026, 3, 12, 9, 0, 0, 0, beijing))
	round(w, f)
	if n := detailCalls(w); n != 2 {
		t.Fatalf("%d statistics calls after two days, want 2", n)
	}
	got := status(w, f, b.ID, "zh")
	for _, want := range []string{
		"图文数据（微信统计，截至各日累计，03-12 09:00 更新）：",
		"03-10 阅读 32 · 分享 4 · 点赞 6 · 在看 2 · 评论 2",
		"03-11 阅读 42 · 分享 4 · 点赞 8 · 在看 2 · 评论 2",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("status lacks %q:\n%s", want, got)
		}
	}
	if en := status(w, f, b.ID, "en"); !strings.Contains(en, "03-11 reads 42 · shares 4 · likes 8 · 在看 2 · comments 2") {
		t.Errorf("status in English:\n%s", en)
	}

	// The raw rows are kept as WeChat sent them.
	raw, ok, err := w.Store.Broadcasts().Stats(w.Ctx, b.ID)
	if err != nil || !ok || !strings.Contains(string(raw), `"msgid":"`+ids[1][1]+`"`) {
		t.Fatalf("stored %s (%v, %v)", raw, ok, err)
	}

	// Up to a week after sending, then no more.
	for day := 13; day <= 20; day++ {
		w.Clock.Set(time.Date(2026, 3, day, 9, 0, 0, 0, beijing))
		round(w, f)
	}
	if n := detailCalls(w); n != 7 {
		t.Errorf("%d statistics calls over the week and after, want 7 (03-11 to 03-17)", n)
	}
}

// Figures WeChat says are not final are asked for again an hour later.
func TestDelayedFiguresAskedAgain(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	b := sentArticle(w)
	sim.SetStatsDelayed(w.AppID, true)
	f := newFetcher(w, "a")
	w.Clock.Set(time.Date(2026, 3, 11, 9, 0, 0, 0, beijing))
	round(w, f)
	if r, _ := f.Report(w.Ctx, b); !r.Delayed {
		t.Errorf("report %+v, want delayed", r)
	}
	if got := status(w, f, b.ID, "zh"); !strings.Contains(got, "微信提示数据尚未最终确定") {
		t.Errorf("status of delayed figures:\n%s", got)
	}
	w.Clock.Add(30 * time.Minute)
	round(w, f)
	if n := detailCalls(w); n != 1 {
		t.Fatalf("%d calls within the hour", n)
	}
	sim.SetStatsDelayed(w.AppID, false)
	w.Clock.Add(30 * time.Minute)
	round(w, f)
	if n := detailCalls(w); n != 2 {
		t.Fatalf("%d calls after the hour, want 2", n)
	}
	if r, _ := f.Report(w.Ctx, b); r.Delayed || len(r.Days) != 1 {
		t.Errorf("report %+v, want final figures of one day", r)
	}
}

// The reported shape (one day per call, is_delay on rows, no title) reads
// the same.
func TestReportedShapeReadsTheSame(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	sim.SetStatsShape(w.AppID, wxsim.StatsShapeReported)
	b := sentArticle(w)
	for _, pair := range msgids(b) {
		sim.SetArticleStats(w.AppID, pair[0], "2026-03-10", wxsim.ArticleDay{Read: 7, Share: 1})
	}
	f := newFetcher(w, "a")
	w.Clock.Set(time.Date(2026, 3, 11, 9, 0, 0, 0, beijing))
	round(w, f)
	r, err := f.Report(w.Ctx, b)
	if err != nil || !r.Matched || len(r.Days) != 1 || r.Days[0].Read != 14 || r.Days[0].Share != 2 || r.Delayed {
		t.Fatalf("report %+v, %v", r, err)
	}
}

// A broadcast none of whose msg_data_ids WeChat reports gets the "no
// statistics" reply; a text broadcast gets nothing about statistics.
func TestNoStatistics(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	b := sentArticle(w)
	// The records name sends WeChat has no figures for.
	if _, err := w.Records.Update(w.Ctx, b.ID, func(b *broadcast.Broadcast) (store.Change, error) {
		for i := range b.Batches {
			b.Batches[i].MsgDataID = 1000 + int64(i)
		}
		return store.Change{}, nil
	}); err != nil {
		t.Fatal(err)
	}
	text := w.Approved("everyone")
	w.SendNow(text.ID)
	stop := w.Run()
	w.Wait(text.ID, "sent", func(b *broadcast.Broadcast) bool { return b.State.Final() })
	stop()
	f := newFetcher(w, "a")
	w.Clock.Set(time.Date(2026, 3, 11, 9, 0, 0, 0, beijing))
	round(w, f)
	if n := detailCalls(w); n != 1 {
		t.Fatalf("%d statistics calls, want 1 (the text broadcast has none)", n)
	}
	if got := status(w, f, b.ID, "zh"); !strings.Contains(got, "微信未报告这次群发的统计数据") {
		t.Errorf("status without figures:\n%s", got)
	}
	if got := status(w, f, b.ID, "en"); !strings.Contains(got, "WeChat reported no statistics for this broadcast") {
		t.Errorf("status without figures in English:\n%s", got)
	}
	if got := status(w, f, text.ID, "zh"); strings.Contains(got, "图文数据") || strings.Contains(got, "统计数据") {
		t.Errorf("status of a text broadcast speaks of statistics:\n%s", got)
	}
}

// Replicas fetch one at a time: rounds at once make one call, and a
// replica holding the lease keeps the others out.
func TestOneReplicaFetches(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	sentArticle(w)
	w.Clock.Set(time.Date(2026, 3, 11, 9, 0, 0, 0, beijing))
	held, err := w.Store.Broadcasts().StatsLease(w.Ctx, "elsewhere", time.Minute)
	if err != nil || !held {
		t.Fatalf("lease: %v %v", held, err)
	}
	round(w, newFetcher(w, "a"))
	if n := detailCalls(w); n != 0 {
		t.Fatalf("%d calls while another replica holds the lease", n)
	}
	if err := w.Store.Broadcasts().ReleaseStatsLease(w.Ctx, "elsewhere"); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 4 {
		f := newFetcher(w, "replica-"+strconv.Itoa(i))
		wg.Go(func() { round(w, f) })
	}
	wg.Wait()
	if n := detailCalls(w); n != 1 {
		t.Fatalf("%d calls from four replicas, want 1", n)
	}
}

// Run fetches on its clock's ticks.
func TestRunFetchesOnTicks(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	b := sentArticle(w)
	// From here the simulator and the fetcher run on a clock whose ticks
	// come only when the test moves it.
	manual := clocktest.NewManual(w.Clock.Now())
	sim.SetAppClock(w.AppID, manual.Now)
	f := stats.New(stats.Options{Records: w.Records, Store: w.Store.Broadcasts(), API: w.API, Owner: "a",
		Every: time.Hour, Clock: manual, Log: zaptest.NewLogger(t)})
	done := make(chan struct{})
	ctx, cancel := context.WithCancel(w.Ctx)
	go func() { f.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	waitFor(t, func() bool { return manual.Waiting() == 1 }, "the fetcher's ticker")
	manual.Set(time.Date(2026, 3, 11, 9, 0, 0, 0, beijing)) // the tick is received before Set returns
	waitFor(t, func() bool { r, _ := f.Report(w.Ctx, b); return r.Matched }, "figures fetched on the tick")
}

// waitFor polls ok until it holds, or fails the test after 10 s.
func waitFor(t *testing.T, ok func() bool, what string) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !ok(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("waited in vain for %s", what)
		}
	}
}
