package store

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/wxcast/wxcast/configs"
)

// parseURL turns redis.url into go-redis options. configs owns the URL
// grammar (single, redis+sentinel://h1,h2/master, redis+cluster://h1,h2);
// here the parsed parts are written back in the shape go-redis's own
// parsers take (extra hosts as addr= parameters), so connection options in
// the query (dial_timeout, pool_size…) keep go-redis's meaning.
func parseURL(raw string) (*redis.UniversalOptions, error) {
	p, err := configs.ParseRedisURL(raw)
	if err != nil {
		return nil, fmt.Errorf("store: redis.url: %w", err)
	}
	u := url.URL{Scheme: "redis", Host: p.Addrs[0]}
	if p.TLS {
		u.Scheme = "rediss"
	}
	if p.Username != "" || p.Password.Value() != "" {
		u.User = url.UserPassword(p.Username, p.Password.Value())
	}
	q := url.Values{}
	for k, v := range p.Query {
		q[k] = v
	}
	for _, a := range p.Addrs[1:] {
		q.Add("addr", a)
	}
	switch p.Mode {
	case configs.RedisCluster:
		u.RawQuery = q.Encode()
		o, err := redis.ParseClusterURL(u.String())
		if err != nil {
			return nil, urlError(err, p)
		}
		return &redis.UniversalOptions{
			Addrs: o.Addrs, Username: o.Username, Password: o.Password, TLSConfig: o.TLSConfig,
			DialTimeout: o.DialTimeout, ReadTimeout: o.ReadTimeout, WriteTimeout: o.WriteTimeout,
			PoolSize: o.PoolSize, Protocol: o.Protocol, IsClusterMode: true,
		}, nil
	case configs.RedisSentinel:
		q.Set("master_name", p.MasterName)
		u.Path, u.RawQuery = "/"+strconv.Itoa(p.DB), q.Encode()
		o, err := redis.ParseFailoverURL(u.String())
		if err != nil {
			return nil, urlError(err, p)
		}
		// One userinfo serves both the sentinels and the master: most
		// deployments protect both with the same credentials.
		return &redis.UniversalOptions{
			Addrs: o.SentinelAddrs, MasterName: o.MasterName, DB: o.DB,
			Username: o.SentinelUsername, Password: o.SentinelPassword,
			SentinelUsername: o.SentinelUsername, SentinelPassword: o.SentinelPassword,
			TLSConfig: o.TLSConfig, DialTimeout: o.DialTimeout, ReadTimeout: o.ReadTimeout,
			WriteTimeout: o.WriteTimeout, PoolSize: o.PoolSize, Protocol: o.Protocol,
		}, nil
	}
	u.Path, u.RawQuery = "/"+strconv.Itoa(p.DB), q.Encode()
	o, err := redis.ParseURL(u.String())
	if err != nil {
		return nil, urlError(err, p)
	}
	return &redis.UniversalOptions{
		Addrs: []string{o.Addr}, DB: o.DB, Username: o.Username, Password: o.Password,
		TLSConfig: o.TLSConfig, DialTimeout: o.DialTimeout, ReadTimeout: o.ReadTimeout,
		WriteTimeout: o.WriteTimeout, PoolSize: o.PoolSize, Protocol: o.Protocol,
	}, nil
}

// urlError reports go-redis's objection to the URL without the password:
// its messages may quote the whole URL.
func urlError(err error, p *configs.RedisURL) error {
	msg := err.Error()
	if pw := p.Password.Value(); pw != "" {
		for _, form := range []string{pw, url.PathEscape(pw), url.QueryEscape(pw), url.UserPassword("", pw).String()[1:]} {
			msg = strings.ReplaceAll(msg, form, "xxxxx")
		}
	}
	return fmt.Errorf("store: redis.url: %s", msg)
}
