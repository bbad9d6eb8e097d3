package main

import (
	"context"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"

	"github.com/wxcast/wxcast/bot"
	"github.com/wxcast/wxcast/bot/usersync"
	"github.com/wxcast/wxcast/bot/wxapi"
	"github.com/wxcast/wxcast/configs"
	"github.com/wxcast/wxcast/rules"
	"github.com/wxcast/wxcast/store"
)

// startFollowerSync starts the WeChat tag mirror's drain and, with
// sync.interval set, the scheduled follower sync. It returns the mirror
// for the callback path (nil without rules).
func startFollowerSync(ctx context.Context, cfg *configs.Config, st *store.Store, followers *store.Followers,
	api *wxapi.Client, live *rules.Source, reg prometheus.Registerer, log *zap.Logger, wg *sync.WaitGroup) bot.TagMirror {
	owner := replicaName()
	var mirror *usersync.Mirror
	if live != nil {
		mirror = usersync.NewMirror(usersync.MirrorOptions{
			Store: st, Followers: followers, API: api, Rules: live.Current, Owner: owner,
			Every: cfg.Sync.MirrorEvery.D(), Metrics: reg, Log: log.Named("tag_mirror"),
		})
		wg.Go(func() { mirror.Run(ctx) })
	}
	if every := cfg.Sync.Interval.D(); every > 0 {
		o := usersync.SyncOptions{Store: st, Followers: followers, API: api, Owner: owner,
			Workers: cfg.Sync.Workers, Log: log.Named("sync")}
		if mirror != nil {
			o.Reconcile = mirror
		}
		wg.Go(func() { usersync.Schedule(ctx, every, o) })
	}
	if mirror == nil {
		return nil
	}
	return mirror
}

// accountTags reads the account's WeChat tags as the last sync saw them,
// for the rules loader's 100-tag check. A Redis that does not answer
// skips the check (the mirror still meets 45056 and logs it).
func accountTags(ctx context.Context, st *store.Store, log *zap.Logger) func() []string {
	return func() []string {
		ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		defer cancel()
		names, err := usersync.AccountTagNames(ctx, st)
		if err != nil {
			log.Warn("read the account's WeChat tags; the rules file's wechat_tag entries are checked against WeChat's limit alone", zap.Error(err))
		}
		return names
	}
}
