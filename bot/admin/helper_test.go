package admin

import (
	"context"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // Asia/Shanghai on any test machine

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/wxcast/wxcast/bot/broadcast"
)

// The admins of every test.
var (
	editor   = broadcast.Admin{OpenID: "o_ed", Name: "小王", Roles: []broadcast.Role{broadcast.RoleEditor}}
	editor2  = broadcast.Admin{OpenID: "o_ed2", Name: "小张", Roles: []broadcast.Role{broadcast.RoleEditor}}
	approver = broadcast.Admin{OpenID: "o_ap", Name: "老李", Roles: []broadcast.Role{broadcast.RoleApprover}}
	owner    = broadcast.Admin{OpenID: "o_ow", Name: "老板", Roles: []broadcast.Role{broadcast.RoleOwner}}
	nobody   = broadcast.Admin{OpenID: "o_no", Name: "无名"}
)

func shanghai(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// fixture is a Bot on function-field fakes, with a fixed clock and a log
// that fails the test on a reply missing from the catalogue. Only the
// audit log and the notifier work from the start (every command records
// an entry; slow ones may notify); a test sets the service functions it
// needs, or calls inMemory for a broadcast store behind all of them.
type fixture struct {
	bot       *Bot
	drafts    *fakeDrafts
	approvals *fakeApprovals
	send      *fakeSendControl
	segments  *fakeSegments
	results   *fakeResults
	notices   *fakeNotices
	audit     *fakeAudit
	log       *auditLog
	note      *fakeNotifier
	logs      *observer.ObservedLogs
	now       time.Time
}

type option func(*Options)

func english(o *Options) { o.Language = "en" }

// at sets the clock.
func at(t time.Time) option { return func(o *Options) { o.Now = func() time.Time { return t } } }

func newFixture(t *testing.T, opts ...option) *fixture {
	t.Helper()
	loc := shanghai(t)
	f := &fixture{now: time.Date(2026, 11, 27, 10, 0, 0, 0, loc),
		drafts: &fakeDrafts{}, approvals: &fakeApprovals{}, send: &fakeSendControl{}, segments: &fakeSegments{},
		results: &fakeResults{}, notices: &fakeNotices{}, log: &auditLog{},
		note: &fakeNotifier{done: make(chan struct{}, 16)}}
	f.audit = &fakeAudit{RecordFn: f.log.Record, NewestFn: f.log.Newest}
	core, logs := observer.New(zap.DebugLevel)
	f.logs = logs
	o := Options{
		Drafts: f.drafts, Approvals: f.approvals, SendControl: f.send, Segments: f.segments,
		Results: f.results, Audit: f.audit, Notices: f.notices, Notifier: f.note,
		Admins:    []broadcast.Admin{editor, editor2, approver, owner, nobody},
		Location:  loc,
		Now:       func() time.Time { return f.now },
		SlowAfter: time.Second,
		Log:       zap.New(core),
	}
	for _, opt := range opts {
		opt(&o)
	}
	f.bot = New(o)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := f.bot.Close(ctx); err != nil {
			t.Errorf("Close: %v", err)
		}
		for _, e := range logs.FilterMessageSnippet("missing from catalogue").All() {
			t.Errorf("reply missing from catalogue: %v", e.ContextMap())
		}
	})
	return f
}

// draft returns broadcast id in state s, created by editor for "vip" an
// hour ago, with a plan unless it is a draft.
func (f *fixture) draft(id int64, s broadcast.State, typ string) *broadcast.Broadcast {
	b := &broadcast.Broadcast{ID: id, Creator: editor.OpenID, CreatorName: editor.Name, Segment: "vip",
		Content: broadcast.Content{Type: typ, Text: "双十一会员专享：全场五折，今晚八点开抢！点击菜单「会员中心」领取优惠券。", MediaID: "MEDIA_1"},
		State:   s, Created: f.now.Add(-time.Hour)}
	if typ != typeText {
		b.Content.Text = ""
	} else {
		b.Content.MediaID = ""
	}
	if s != broadcast.StateDraft {
		b.Plan = &broadcast.Plan{Hash: "3f2a9c1d", RulesVersion: "abc123", Audience: 1234}
	}
	return b
}

// lines returns the lines of s for readable failures.
func lines(s string) []string { return strings.Split(s, "\n") }
