package store

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"
)

// Mode is how the store reaches Redis.
type Mode int

// The Redis deployments the store can use.
const (
	Single   Mode = iota // one server
	Sentinel             // the master of MasterName, found through sentinels
	Cluster              // Redis Cluster, found through seed nodes
)

// Conn describes the Redis deployment to connect to. The caller fills it
// from its configuration (wxcast: redis.url, parsed by configs).
type Conn struct {
	Mode Mode
	// Addrs are host:port pairs: the server, the sentinels or cluster
	// seed nodes. Single mode takes exactly one.
	Addrs    []string
	Username string
	// Password serves the server and, in Sentinel mode, the sentinels
	// too: most deployments protect both with the same credentials.
	Password   string
	DB         int    // database number; Cluster has only 0
	MasterName string // Sentinel mode only
	TLS        bool
	// Params are go-redis connection options in the form of its URL query
	// (dial_timeout=3s, pool_size=20…), read by go-redis's own URL parser
	// so that they mean what go-redis documents. An unknown name or a bad
	// value fails Open.
	Params url.Values
}

// options turns c into go-redis options. It goes through go-redis's own
// URL parsers (extra hosts as addr= parameters), which are what read
// Params; their messages may quote the URL, so errors have the password
// replaced by "xxxxx". Context deadlines always reach the socket
// (ContextTimeoutEnabled): without it a call waits out go-redis's read
// timeout whatever its context says, and WithCallTimeout could not bound
// the callback path.
func (c Conn) options() (*redis.UniversalOptions, error) {
	if len(c.Addrs) == 0 {
		return nil, errors.New("store: no Redis address")
	}
	u := url.URL{Scheme: "redis", Host: c.Addrs[0]}
	if c.TLS {
		u.Scheme = "rediss"
	}
	if c.Username != "" || c.Password != "" {
		u.User = url.UserPassword(c.Username, c.Password)
	}
	q := url.Values{}
	for k, v := range c.Params {
		q[k] = slices.Clone(v) // addr= is appended to below: leave c's alone
	}
	for _, a := range c.Addrs[1:] {
		q.Add("addr", a)
	}
	switch c.Mode {
	case Cluster:
		return c.clusterOptions(u, q)
	case Sentinel:
		return c.sentinelOptions(u, q)
	case Single:
		if len(c.Addrs) > 1 {
			return nil, fmt.Errorf("store: a single Redis server has one address, got %d", len(c.Addrs))
		}
		return c.singleOptions(u, q)
	}
	return nil, fmt.Errorf("store: unknown Redis mode %d", c.Mode)
}

func (c Conn) clusterOptions(u url.URL, q url.Values) (*redis.UniversalOptions, error) {
	if c.DB != 0 {
		return nil, fmt.Errorf("store: Redis Cluster has only database 0, not %d", c.DB)
	}
	u.RawQuery = q.Encode()
	o, err := redis.ParseClusterURL(u.String())
	if err != nil {
		return nil, c.urlError(err)
	}
	return &redis.UniversalOptions{
		Addrs: o.Addrs, Username: o.Username, Password: o.Password, TLSConfig: o.TLSConfig,
		DialTimeout: o.DialTimeout, ReadTimeout: o.ReadTimeout, WriteTimeout: o.WriteTimeout,
		PoolSize: o.PoolSize, Protocol: o.Protocol, IsClusterMode: true,
		ContextTimeoutEnabled: true,
	}, nil
}

func (c Conn) sentinelOptions(u url.URL, q url.Values) (*redis.UniversalOptions, error) {
	if c.MasterName == "" {
		return nil, errors.New("store: Sentinel mode needs the master name")
	}
	q.Set("master_name", c.MasterName)
	u.Path, u.RawQuery = "/"+strconv.Itoa(c.DB), q.Encode()
	o, err := redis.ParseFailoverURL(u.String())
	if err != nil {
		return nil, c.urlError(err)
	}
	return &redis.UniversalOptions{
		Addrs: o.SentinelAddrs, MasterName: o.MasterName, DB: o.DB,
		Username: o.SentinelUsername, Password: o.SentinelPassword,
		SentinelUsername: o.SentinelUsername, SentinelPassword: o.SentinelPassword,
		TLSConfig: o.TLSConfig, DialTimeout: o.DialTimeout, ReadTimeout: o.ReadTimeout,
		WriteTimeout: o.WriteTimeout, PoolSize: o.PoolSize, Protocol: o.Protocol,
		ContextTimeoutEnabled: true,
	}, nil
}

func (c Conn) singleOptions(u url.URL, q url.Values) (*redis.UniversalOptions, error) {
	u.Path, u.RawQuery = "/"+strconv.Itoa(c.DB), q.Encode()
	o, err := redis.ParseURL(u.String())
	if err != nil {
		return nil, c.urlError(err)
	}
	return &redis.UniversalOptions{
		Addrs: []string{o.Addr}, DB: o.DB, Username: o.Username, Password: o.Password,
		TLSConfig: o.TLSConfig, DialTimeout: o.DialTimeout, ReadTimeout: o.ReadTimeout,
		WriteTimeout: o.WriteTimeout, PoolSize: o.PoolSize, Protocol: o.Protocol,
		ContextTimeoutEnabled: true,
	}, nil
}

// urlError reports go-redis's objection to the options without the
// password: its messages may quote the whole URL. The options came from
// redis.url, and the message says so.
func (c Conn) urlError(err error) error {
	msg := err.Error()
	if pw := c.Password; pw != "" {
		for _, form := range []string{pw, url.PathEscape(pw), url.QueryEscape(pw), url.UserPassword("", pw).String()[1:]} {
			msg = strings.ReplaceAll(msg, form, "xxxxx")
		}
	}
	return fmt.Errorf("store: redis.url: %s", msg)
}
