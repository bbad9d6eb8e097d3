package main

import (
	"io"
	"net/http/httptest"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/wxcast/wxcast/bot/broadcast"
	"github.com/wxcast/wxcast/bot/caps"
	"github.com/wxcast/wxcast/bot/notify"
	"github.com/wxcast/wxcast/bot/results"
	"github.com/wxcast/wxcast/bot/sender"
	"github.com/wxcast/wxcast/bot/wxapi"
	"github.com/wxcast/wxcast/configs"
	"github.com/wxcast/wxcast/internal/wxsim"
	"github.com/wxcast/wxcast/rules"
	"github.com/wxcast/wxcast/rules/words"
	"github.com/wxcast/wxcast/store"
)

// bcBench is one broadcast service wired as cmd/wxcast wires it, against
// a simulator of its own.
type bcBench struct {
	sim      *wxsim.Server
	srv      *httptest.Server
	api      *timedAPI
	svc      *broadcast.Service
	sender   *sender.Sender
	id       int64
	creator  broadcast.Admin
	approver broadcast.Admin
}

func newBcBench(st *store.Store, f *store.Followers, rs *rules.Ruleset, cal store.Calendar, c bcConfig, stderr io.Writer) (*bcBench, error) {
	sim := wxsim.NewServer(wxsim.WithMassRateLimit(0))
	// This measures wxcast, not WeChat's 100 sends a day: with small
	// batches a million followers would wait for tomorrow's quota.
	sim.SetDailyQuota("/cgi-bin/message/mass/send", -1)
	sim.AddApp(bcAppID, bcSecret)
	srv := httptest.NewServer(sim)
	b := &bcBench{sim: sim, srv: srv,
		creator:  broadcast.Admin{OpenID: "owxloadeditor000000000000001", Name: "editor", Roles: []broadcast.Role{broadcast.RoleEditor}},
		approver: broadcast.Admin{OpenID: "owxloadapprover0000000000001", Name: "approver", Roles: []broadcast.Role{broadcast.RoleApprover}},
	}
	// RouteSDK is process-wide: one simulator per process.
	if err := wxapi.RouteSDK(srv.URL); err != nil {
		b.close()
		return nil, err
	}
	log := zap.New(zapcore.NewCore(zapcore.NewConsoleEncoder(zap.NewDevelopmentEncoderConfig()),
		zapcore.AddSync(stderr), zap.WarnLevel))
	lists, err := words.Load(configs.DefaultWords())
	if err != nil {
		b.close()
		return nil, err
	}
	tokens := wxapi.NewTokens(st.Tokens(bcAppID), wxapi.StableFetcher(bcAppID, bcSecret), nil, log)
	b.api = &timedAPI{Client: wxapi.New(wxapi.Config{AppID: bcAppID, AppSecret: bcSecret}, tokens, st.SDKCache())}
	// Wired as the server wires it, with send safety on: every batch
	// counted towards a monthly cap (set high, so that repeated runs are
	// not capped), receipts kept for the unsubscribe guardrail, the text
	// checked. Notices are only kept: the benchmark has no admins to tell.
	records := broadcast.NewRecords(st.Broadcasts(), nil)
	wake := broadcast.NewWake()
	cp := caps.New(st.Caps(), 100, 0, cal.Location())
	notices := notify.New(notify.Options{Records: records, Store: st.Broadcasts(), Log: log})
	res := results.New(results.Options{Records: records, Store: st.Broadcasts(), Caps: cp, Histories: f,
		Alerts: notices, Wake: wake, Log: log})
	live := func() *rules.Ruleset { return rs }
	b.svc = broadcast.New(broadcast.Options{
		Records: records, Store: st.Broadcasts(), Profiles: f, Rules: live, Calendar: cal,
		API: b.api, ApprovalsRequired: 1, ApprovalTTL: time.Hour, BatchSize: c.batchSize,
		Caps: cp, Words: func() *words.List { return lists }, Wake: wake, Log: log,
	})
	b.sender = sender.New(sender.Options{
		Records: records, Store: st.Broadcasts(), Profiles: f, Rules: live, API: b.api, Caps: cp,
		Notices: notices, Reports: res, Wake: wake, BatchSize: c.batchSize, Log: log,
	})
	return b, nil
}

func (b *bcBench) close() {
	b.srv.Close()
	b.sim.Close()
}
