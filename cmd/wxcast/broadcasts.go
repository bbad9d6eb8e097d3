package main

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"

	"github.com/wxcast/wxcast/bot/admin"
	"github.com/wxcast/wxcast/bot/broadcast"
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

// newBroadcasts builds the broadcast service. Without the WeChat API
// (no app_secret) broadcasts can be created and counted but not
// previewed or sent.
func newBroadcasts(cfg *configs.Config, st *store.Store, followers *store.Followers, api *wxapi.Client,
	reg prometheus.Registerer, live func() *rules.Ruleset, lists func() *words.List, log *zap.Logger) *broadcast.Service {
	bc := cfg.Broadcast
	o := broadcast.Options{
		Store:             st.Broadcasts(),
		Profiles:          followers,
		Rules:             live,
		Calendar:          followers.Calendar(),
		TemplateID:        cfg.Bot.NotifyTemplateID,
		Admins:            admins(cfg),
		Language:          cfg.Bot.Language,
		ApprovalsRequired: cfg.Broadcast.ApprovalsRequired,
		ApprovalTTL:       cfg.Broadcast.ApprovalTTL.D(),
		AllowSelfApproval: cfg.Broadcast.AllowSelfApproval,
		BatchInterval:     cfg.Broadcast.BatchInterval.D(),
		BatchSize:         cfg.Broadcast.BatchSize,
		AlertFailureRate:  cfg.Broadcast.AlertFailureRate,
		Owner:             replicaName(),

		AlertUnsubscribeRate: bc.AlertUnsubscribeRate,
		Words:                lists,
		Caps:                 st.Caps(),
		MonthlyCap:           bc.MonthlyCap,
		DailyCap:             bc.DailyCap,
		QuietHours:           bc.QuietHours,
		BestWindows:          bc.BestWindows,
		Histories:            followers,
		MeasureWindow:        bc.MeasureWindow.D(),
		Metrics:              reg,
		Log:                  log.Named("broadcast"),
	}
	if api != nil { // a nil *Client in an interface would not be nil
		o.API, o.NotifyAPI, o.News = api, api, api
	}
	return broadcast.New(o)
}

func newAdminBot(cfg *configs.Config, svc *broadcast.Service, log *zap.Logger) *admin.Bot {
	return admin.New(admin.Options{
		Service:   svc,
		Notifier:  svc,
		Admins:    admins(cfg),
		Language:  cfg.Bot.Language,
		Location:  cfg.Location,
		BatchSize: cfg.Broadcast.BatchSize,
		Log:       log.Named("admin"),
	})
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
