// Package redisconn opens wxcast's store on the Redis that redis.url
// names, or on an embedded in-memory server when it is empty. It is the
// wiring between configs, which owns the URL, and store, which owns the
// connection, shared by the commands (cmd/wxcast, cmd/wxload) and by
// internal/redistest, so that all of them read redis.url the same way.
package redisconn

import (
	"context"

	"go.uber.org/zap"

	"github.com/wxcast/wxcast/configs"
	"github.com/wxcast/wxcast/internal/embedredis"
	"github.com/wxcast/wxcast/store"
)

// Open opens the store rc names: on the Redis of rc.URL or, when it is
// empty, on an embedded server started here, with a warning to log (which
// may be nil). closeAll closes the store and then the embedded server;
// call it, not the store's Close, so the server does not outlive the store.
func Open(ctx context.Context, rc configs.RedisConfig, log *zap.Logger) (st *store.Store, closeAll func() error, err error) {
	url := rc.URL.Value()
	var srv *embedredis.Server
	if url == "" {
		if srv, err = embedredis.Start(); err != nil {
			return nil, nil, err
		}
		if log != nil {
			log.Warn("redis.url is empty: using the embedded in-memory store; all data is lost when wxcast exits",
				zap.String("addr", srv.Addr()))
		}
		url = srv.URL()
	}
	st, err = store.Open(ctx, store.Options{URL: url, KeyPrefix: rc.KeyPrefix})
	if err != nil {
		if srv != nil {
			srv.Close()
		}
		return nil, nil, err
	}
	return st, func() error {
		err := st.Close()
		if srv != nil {
			srv.Close()
		}
		return err
	}, nil
}
