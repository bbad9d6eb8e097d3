package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"

	"github.com/wxcast/wxcast/bot/admin"
	"github.com/wxcast/wxcast/bot/audit"
	"github.com/wxcast/wxcast/bot/broadcast"
	"github.com/wxcast/wxcast/bot/caps"
	"github.com/wxcast/wxcast/bot/notify"
	"github.com/wxcast/wxcast/bot/results"
	"github.com/wxcast/wxcast/bot/sender"
	"github.com/wxcast/wxcast/bot/stats"
	"github.com/wxcast/wxcast/bot/wxapi"
	"github.com/wxcast/wxcast/configs"
	"github.com/wxcast/wxcast/rules"
	"github.com/wxcast/wxcast/rules/words"
	"github.com/wxcast/wxcast/store"
)

// admins converts the configured admins.
func admins(cfg *configs.Config) []broadcast.Admin {
	out := make([]broadcast.Admin, 0, len(cfg.Admins))
	for _, a := range cfg.Admins {
		roles := make([]broadcast.Role, len(a.Roles))
		for i, r := range a.Roles {
			roles[i] = broadcast.Role(r)
		}
		out = append(out, broadcast.Admin{OpenID: a.OpenID, Name: a.Name, Roles: roles})
	}
	return out
}

// newNotifier builds what tells admins things on their own. It comes
// first: a rules file or word list refused at a reload alerts the owners
// through it.
func newNotifier(cfg *configs.Config, st *store.Store, api *wxapi.Client, reg prometheus.Registerer, log *zap.Logger) *notify.Notifier {
	o := notify.Options{
		Records: broadcast.NewRecords(st.Broadcasts(), nil), Store: st.Broadcasts(),
		TemplateID: cfg.Bot.NotifyTemplateID, Admins: admins(cfg), Language: cfg.Bot.Language,
		Location: cfg.Location, Metrics: reg, Log: log.Named("notify"),
	}
	if api != nil { // a nil *Client in an interface would not be nil
		o.API = api
	}
	return notify.New(o)
}

// broadcasting is one replica's broadcast services, wired together: the
// lifecycle admins drive, the sender, the results and the audit log.
type broadcasting struct {
	lifecycle *broadcast.Service
	sender    *sender.Sender
	results   *results.Service
	notify    *notify.Notifier
	audit     *audit.Log
	// articles fetches article broadcasts' statistics (nothing without
	// the WeChat API).
	articles *stats.Fetcher
	// quotas: the WeChat API is on, so today's quotas can be read.
	quotas bool
}

// newBroadcasting builds the broadcast services. Without the WeChat API
// (no app_secret) broadcasts can be created and counted but not
// previewed or sent.
func newBroadcasting(cfg *configs.Config, st *store.Store, followers *store.Followers, api *wxapi.Client,
	n *notify.Notifier, reg prometheus.Registerer, live func() *rules.Ruleset, lists func() *words.List, log *zap.Logger) *broadcasting {
	bc := cfg.Broadcast
	records := broadcast.NewRecords(st.Broadcasts(), nil)
	wake := broadcast.NewWake()
	cp := caps.New(st.Caps(), bc.MonthlyCap, bc.DailyCap, cfg.Location)
	res := results.New(results.Options{
		Records: records, Store: st.Broadcasts(), Caps: cp, Histories: followers, MeasureWindow: bc.MeasureWindow.D(),
		Conversions: st.Conversions(), Clicks: st.Links(),
		Alerts: n, AlertFailureRate: bc.AlertFailureRate, AlertUnsubscribeRate: bc.AlertUnsubscribeRate,
		Wake: wake, Log: log.Named("results"),
	})
	windows := broadcast.Windows{Loc: cfg.Location, Quiet: bc.QuietHours, Best: bc.BestWindows}
	lo := broadcast.Options{
		Records: records, Store: st.Broadcasts(), Profiles: followers, Rules: live, Calendar: followers.Calendar(),
		Words: lists, Caps: cp, Windows: windows,
		ApprovalsRequired: bc.ApprovalsRequired, ApprovalTTL: bc.ApprovalTTL.D(), AllowSelfApproval: bc.AllowSelfApproval,
		BatchSize: bc.BatchSize, BatchInterval: bc.BatchInterval.D(), TagSendAbove: bc.TagSendAbove,
		AlertFailureRate: bc.AlertFailureRate, AlertUnsubscribeRate: bc.AlertUnsubscribeRate,
		LinkBase: cfg.Links.BaseURL, Links: st.Links(),
		Wake: wake, Log: log.Named("broadcast"),
	}
	so := sender.Options{
		Records: records, Store: st.Broadcasts(), Profiles: followers, Rules: live, Caps: cp,
		Notices: n, Reports: res, Clickers: st.Links(), Wake: wake, BatchSize: bc.BatchSize, BatchInterval: bc.BatchInterval.D(),
		Windows: windows, AlertFailureRate: bc.AlertFailureRate, Owner: replicaName(), Metrics: reg, Log: log.Named("sender"),
	}
	fo := stats.Options{Records: records, Store: st.Broadcasts(), Owner: so.Owner, Log: log.Named("stats")}
	if api != nil { // a nil *Client in an interface would not be nil
		lo.API, lo.News, lo.Quotas, so.API, so.News, fo.API = api, api, api, api, api, api
	}
	return &broadcasting{
		lifecycle: broadcast.New(lo), sender: sender.New(so), results: res, notify: n, audit: audit.New(st.Broadcasts()),
		articles: stats.New(fo), quotas: api != nil,
	}
}

// run starts the sender, the notifier's queue and the article statistics
// fetcher until ctx ends.
func (b *broadcasting) run(ctx context.Context, wg *sync.WaitGroup) {
	wg.Go(func() { b.notify.Run(ctx) })
	wg.Go(func() { b.sender.Run(ctx) })
	wg.Go(func() { b.articles.Run(ctx) })
	// Tags of tag sends that a crash or a lost record left on WeChat
	// (SweepTags logs what it removes, and why it could not).
	wg.Go(func() { _, _ = b.sender.SweepTags(ctx) })
}

func (b *broadcasting) adminBot(cfg *configs.Config, log *zap.Logger) *admin.Bot {
	o := admin.Options{
		Drafts: b.lifecycle, Approvals: b.lifecycle, SendControl: b.lifecycle, Segments: b.lifecycle,
		Results: b.results, Audit: b.audit, Notices: b.notify, Notifier: b.notify, Articles: b.articles,
		Admins: admins(cfg), Language: cfg.Bot.Language, Location: cfg.Location,
		BatchSize: cfg.Broadcast.BatchSize, Log: log.Named("admin"),
	}
	if b.quotas {
		o.Quotas = b.lifecycle
	}
	return admin.New(o)
}

// replicaName names this process in send leases, so an operator (or a
// test) can tell which replica is sending: host, pid and a random suffix
// in case two containers share a host name and pid.
func replicaName() string {
	host, _ := os.Hostname()
	var b [3]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b[:]))
}
