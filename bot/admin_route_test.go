package bot_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/wxcast/wxcast/bot"
	"github.com/wxcast/wxcast/bot/broadcast"
	"github.com/wxcast/wxcast/internal/redistest"
	"github.com/wxcast/wxcast/store"
)

// fakeAdmins answers every command with a fixed text and counts calls.
type fakeAdmins struct {
	mu    sync.Mutex
	calls []string
	reply string
}

func (f *fakeAdmins) Admin(openid string) (broadcast.Admin, bool) {
	return broadcast.Admin{OpenID: openid, Name: "A"}, openid == "oAdmin"
}

func (f *fakeAdmins) Handle(_ context.Context, _ broadcast.Admin, text string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, text)
	return f.reply
}

func (f *fakeAdmins) Recognizes(text string) bool { return strings.HasPrefix(text, "帮助") }

type fakeJobs struct {
	reports []broadcast.JobReport
	unsubs  []string
}

func (j *fakeJobs) Unsubscribed(_ context.Context, openid string, _ time.Time) error {
	j.unsubs = append(j.unsubs, openid)
	return nil
}

func (j *fakeJobs) JobFinished(_ context.Context, r broadcast.JobReport) error {
	j.reports = append(j.reports, r)
	return nil
}

func TestAdminCommandsRunOnceAndStayOutOfProfiles(t *testing.T) {
	t.Parallel()
	f := redistest.Open(t).Followers(store.Calendar{}, store.Limits{DedupTTL: time.Minute, HistoryMax: 5, HistoryDays: 1})
	admins := &fakeAdmins{reply: strings.Repeat("审", 1000)} // 3,000 bytes: too long for one reply
	jobs := &fakeJobs{}
	core, logs := observer.New(zapcore.InfoLevel)
	b := bot.New(bot.Options{Followers: f, Admins: admins, Jobs: jobs, ReplyWait: time.Second, Log: zap.New(core)})
	ctx := context.Background()
	now := time.Now().Unix()

	cmd := bot.Message{OpenID: "oAdmin", CreateTime: now, MsgType: "text", MsgID: 1, Content: "发送 3"}
	first, err := b.Handle(ctx, cmd)
	if err != nil || first.Reply.Type != "text" || len(first.Reply.Content) > 2000 || !strings.HasSuffix(first.Reply.Content, "…") {
		t.Fatalf("first delivery: %v, reply of %d bytes", err, len(first.Reply.Content))
	}
	again, err := b.Handle(ctx, cmd) // WeChat's retry
	if err != nil || !again.Duplicate || again.Reply.Content != first.Reply.Content {
		t.Fatalf("retry: %+v %v", again, err)
	}
	if len(admins.calls) != 1 {
		t.Fatalf("the command ran %d times", len(admins.calls))
	}
	// An admin's click is not follower behaviour (admins_as_followers off).
	click := bot.Message{OpenID: "oAdmin", CreateTime: now, MsgType: "event", Event: "CLICK", EventKey: "X"}
	if _, err := b.Handle(ctx, click); err != nil {
		t.Fatal(err)
	}
	if p, _ := f.Profile(ctx, "oAdmin"); p != nil && p.Counts()["click"] != 0 {
		t.Fatalf("admin's click recorded: %+v", p)
	}
	// A follower typing a command word is a follower; the log names them.
	if res, err := b.Handle(ctx, bot.Message{OpenID: "oFan", CreateTime: now, MsgType: "text", MsgID: 2, Content: "帮助"}); err != nil || !res.Reply.Empty() {
		t.Fatalf("follower: %+v %v", res, err)
	}
	if len(admins.calls) != 1 {
		t.Fatal("a follower's text reached the admin bot")
	}
	if e := logs.FilterField(zap.String("openid", "oFan")).All(); len(e) != 1 || !strings.Contains(e[0].Message, "admin command") {
		t.Fatalf("log entries for the follower: %+v", e)
	}
	// A mass-send report reaches the broadcast service, each delivery (applying
	// one twice changes nothing there, and a report lost to a Redis failure
	// is applied by the retry).
	rep := bot.Message{OpenID: "oSystem", CreateTime: now, MsgType: "event", Event: "MASSSENDJOBFINISH",
		JobMsgID: 42, Status: "send success", TotalCount: 5, FilterCount: 5, SentCount: 4, Errors: 1}
	for range 2 {
		if _, err := b.Handle(ctx, rep); err != nil {
			t.Fatal(err)
		}
	}
	if len(jobs.reports) != 2 || jobs.reports[0] != (broadcast.JobReport{MsgID: 42, Status: "send success", Total: 5, Filtered: 5, Sent: 4, Errors: 1}) {
		t.Fatalf("reports %+v", jobs.reports)
	}
}

// TestUnsubscribesReachTheGuardrailOnce: every unsubscribe callback
// reaches the broadcast service, a retried delivery does not.
func TestUnsubscribesReachTheGuardrailOnce(t *testing.T) {
	t.Parallel()
	f := redistest.Open(t).Followers(store.Calendar{}, store.Limits{DedupTTL: time.Minute, HistoryMax: 5, HistoryDays: 1})
	jobs := &fakeJobs{}
	b := bot.New(bot.Options{Followers: f, Jobs: jobs, ReplyWait: time.Second})
	ctx := context.Background()
	now := time.Now().Unix()
	unsub := bot.Message{OpenID: "oFan", CreateTime: now, MsgType: "event", Event: "unsubscribe"}
	for range 2 {
		if _, err := b.Handle(ctx, unsub); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := b.Handle(ctx, bot.Message{OpenID: "oFan", CreateTime: now + 1, MsgType: "event", Event: "subscribe"}); err != nil {
		t.Fatal(err)
	}
	if len(jobs.unsubs) != 1 || jobs.unsubs[0] != "oFan" {
		t.Fatalf("unsubscribes heard: %v, want oFan once", jobs.unsubs)
	}
}
