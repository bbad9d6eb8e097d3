package main

import (
	"context"
	"time"

	"go.uber.org/zap"

	"github.com/wxcast/wxcast/configs"
	"github.com/wxcast/wxcast/store"
)

// warnPersistence logs, at start, whether the Redis of redis.url keeps
// anything across a restart. wxcast keeps all its state there (follower
// profiles, the dedup marks that answered WeChat's callbacks, broadcasts
// in flight), so a Redis without AOF or RDB loses all of it on a restart.
// The embedded store is memory-only by design and already says so.
func warnPersistence(ctx context.Context, rc configs.RedisConfig, st *store.Store, log *zap.Logger) {
	if rc.URL.Value() == "" {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	nodes, err := st.Persistence(ctx)
	if err != nil {
		log.Warn("cannot tell whether Redis persists its data (INFO persistence failed): make sure AOF or RDB is on, or a restart loses everything",
			zap.Error(err))
		return
	}
	for _, p := range nodes {
		addr := zap.String("redis", p.Addr)
		switch {
		case !p.Lossy():
			log.Info("Redis persistence", addr, zap.Bool("aof", p.AOF), zap.Bool("rdb", p.RDB))
		case p.RDBKnown:
			log.Warn("Redis persists nothing (appendonly no, save \"\"): a restart loses every follower profile, "+
				"acknowledged callback and broadcast in flight; turn on AOF (appendonly yes)", addr)
		default:
			log.Warn("Redis has AOF off and refuses CONFIG GET save, and has taken no RDB snapshot since it started: "+
				"unless RDB snapshots are configured, a restart loses everything; turn on AOF (appendonly yes)", addr)
		}
	}
}
