package main

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"

	"github.com/redis/go-redis/v9"
	"go.uber.org/zap"
)

// redisLog carries go-redis's own log lines (a pool that cannot dial, a
// connection closed with unread data) into the command's zap logger, so
// that a JSON log stays JSON lines. go-redis has one logger per process:
// main installs a redisLog once, and the command hands it its logger once
// it has one (useRedisLog). Lines before that, or after the command
// is done, go to fallback.
type redisLog struct {
	log      atomic.Pointer[zap.Logger]
	fallback *zap.Logger
}

// installRedisLog makes a redisLog go-redis's logger. Only main calls it:
// it changes the whole process.
func installRedisLog(fallback *zap.Logger) *redisLog {
	rl := &redisLog{fallback: fallback}
	redis.SetLogger(rl)
	return rl
}

// Printf logs one of go-redis's lines as a warning: they report
// connections that failed or were thrown away.
func (r *redisLog) Printf(_ context.Context, format string, v ...any) {
	l := r.log.Load()
	if l == nil {
		l = r.fallback
	}
	msg := strings.TrimSpace(fmt.Sprintf(format, v...))
	l.Warn(strings.TrimPrefix(msg, "redis: "), zap.String("component", "go-redis"))
}

// use makes log the destination; nil goes back to the fallback.
func (r *redisLog) use(log *zap.Logger) { r.log.Store(log) }

type redisLogKey struct{}

// withRedisLog passes main's redisLog down to the commands.
func withRedisLog(ctx context.Context, r *redisLog) context.Context {
	return context.WithValue(ctx, redisLogKey{}, r)
}

// useRedisLog sends go-redis's lines to log until the returned function
// is called. Without a redisLog in ctx (tests calling run) go-redis keeps
// its own logger.
func useRedisLog(ctx context.Context, log *zap.Logger) (restore func()) {
	r, ok := ctx.Value(redisLogKey{}).(*redisLog)
	if !ok {
		return func() {}
	}
	r.use(log.WithOptions(zap.WithCaller(false)))
	return func() { r.use(nil) }
}
