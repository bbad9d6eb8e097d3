// Package redisconn opens wxcast's store on the Redis that redis.url
// names, or on an embedded in-memory server when it is empty. It is the
// wiring between configs, which owns the URL grammar, and store, which
// owns the connection, shared by the commands (cmd/wxcast, cmd/wxload)
// and internal/redistest so that all of them read redis.url the same way.
package redisconn

import (
	"context"
	"fmt"
	"net/url"
	"slices"

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
	if rc.URL.Value() != "" {
		u, err := configs.ParseRedisURL(rc.URL.Value())
		if err != nil {
			return nil, nil, fmt.Errorf("redis.url: %w", err)
		}
		st, err := store.Open(ctx, store.Options{Conn: Conn(u), KeyPrefix: rc.KeyPrefix})
		if err != nil {
			// Which Redis did not answer, and from which key, without
			// the password.
			return nil, nil, fmt.Errorf("redis.url %s: %w", rc.RedactedURL(), err)
		}
		return st, st.Close, nil
	}
	srv, err := embedredis.Start()
	if err != nil {
		return nil, nil, err
	}
	if log != nil {
		// The address without the password, which stays in this process.
		log.Warn("redis.url is empty: using the embedded in-memory store; all data is lost when wxcast exits",
			zap.String("addr", srv.Addr()))
	}
	st, err = store.Open(ctx, store.Options{
		Conn: store.Conn{Addrs: []string{srv.Addr()}, Password: srv.Password()}, KeyPrefix: rc.KeyPrefix,
	})
	if err != nil {
		srv.Close()
		return nil, nil, err
	}
	return st, func() error {
		err := st.Close()
		srv.Close()
		return err
	}, nil
}

// Conn describes the deployment of a parsed redis.url in store's terms.
// The query's options go through as they are: go-redis reads them.
func Conn(u *configs.RedisURL) store.Conn {
	c := store.Conn{
		Addrs: slices.Clone(u.Addrs), Username: u.Username, Password: u.Password.Value(),
		DB: u.DB, MasterName: u.MasterName, TLS: u.TLS, Params: url.Values{},
	}
	for k, v := range u.Query {
		c.Params[k] = slices.Clone(v)
	}
	switch u.Mode { // ParseRedisURL gives one of the three
	case configs.RedisStandalone:
		c.Mode = store.Single
	case configs.RedisSentinel:
		c.Mode = store.Sentinel
	case configs.RedisCluster:
		c.Mode = store.Cluster
	}
	return c
}
