package store

import (
	"context"
	"time"

	"github.com/redis/go-redis/v9"
)

// callBound is the context key of WithCallTimeout.
type callBound struct{}

// WithCallTimeout bounds every Redis call made under the returned context
// to d (d <= 0 leaves calls unbounded): a call on a Redis that stopped
// answering (paused, failing over, a network partition) fails after d
// instead of go-redis's own read timeout and retries. Each call gets d
// afresh, so a caller that polls (a retried callback waiting for the
// first delivery's answer) still waits as long as it means to; a
// deadline of ctx itself still applies when it comes first.
//
// The callback path uses it, so WeChat gets a 503 it retries instead of
// no answer within its 5 s. Work that may legitimately run long (the
// sender's batches) runs without it.
func WithCallTimeout(ctx context.Context, d time.Duration) context.Context {
	return context.WithValue(ctx, callBound{}, d)
}

func callTimeout(ctx context.Context) time.Duration {
	d, _ := ctx.Value(callBound{}).(time.Duration)
	return d
}

// boundHook applies WithCallTimeout's bound to each command and pipeline.
// The client needs ContextTimeoutEnabled for the deadline to reach the
// socket (see Conn.options).
type boundHook struct{}

var _ redis.Hook = boundHook{}

// DialHook leaves dialing alone: a dial for a bounded call already runs
// under the call's deadline.
func (boundHook) DialHook(next redis.DialHook) redis.DialHook { return next }

func (boundHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if d := callTimeout(ctx); d > 0 {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, d)
			defer cancel()
		}
		return next(ctx, cmd)
	}
}

func (boundHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		if d := callTimeout(ctx); d > 0 {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, d)
			defer cancel()
		}
		return next(ctx, cmds)
	}
}
