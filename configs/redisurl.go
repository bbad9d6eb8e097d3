package configs

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// RedisMode is how the store reaches Redis; the URL scheme picks it.
type RedisMode string

// The Redis modes, by URL scheme. A scheme starting with "rediss" adds TLS.
const (
	RedisStandalone RedisMode = "standalone" // redis://, rediss://
	RedisSentinel   RedisMode = "sentinel"   // redis+sentinel://, rediss+sentinel://
	RedisCluster    RedisMode = "cluster"    // redis+cluster://, rediss+cluster://
)

// redisSchemes lists the accepted redis.url schemes.
func redisSchemes() []string {
	return []string{"redis", "rediss", "redis+sentinel", "rediss+sentinel", "redis+cluster", "rediss+cluster"}
}

// RedisURL is a parsed redis.url, in the forms docs/configuration.md lists:
//
//	redis://[user:password@]host[:port][/db][?options]
//	redis+sentinel://[user:password@]h1[:port],h2[:port]/master[/db][?options]
//	redis+cluster://[user:password@]h1[:port],h2[:port][?options]
type RedisURL struct {
	Mode       RedisMode
	TLS        bool // the scheme starts with "rediss"
	Username   string
	Password   Secret
	Addrs      []string   // host:port; the port defaults to 6379, or 26379 for sentinels
	MasterName string     // sentinel mode only: the first path segment
	DB         int        // database number from the path; always 0 in cluster mode
	Query      url.Values // the remaining options, not interpreted here
}

// ParseRedisURL parses a redis.url value. Its errors show the URL with
// the password replaced by "xxxxx".
func ParseRedisURL(raw string) (*RedisURL, error) {
	if !strings.Contains(raw, "://") {
		return nil, fmt.Errorf("must be a URL starting with one of %s:// (value not shown)",
			strings.Join(redisSchemes(), "://, "))
	}
	r, err := parseRedisURL(raw)
	if err != nil {
		return nil, fmt.Errorf("%w, in %q", err, redactURL(raw))
	}
	return r, nil
}

func parseRedisURL(raw string) (*RedisURL, error) {
	scheme, rest, _ := strings.Cut(raw, "://")
	scheme = strings.ToLower(scheme)
	if !slices.Contains(redisSchemes(), scheme) {
		return nil, fmt.Errorf("scheme %q is not one of %s", scheme, strings.Join(redisSchemes(), ", "))
	}
	base, mode, _ := strings.Cut(scheme, "+")
	r := &RedisURL{Mode: RedisStandalone, TLS: base == "rediss"}
	if mode != "" {
		r.Mode = RedisMode(mode)
	}
	// The last "@" ends the user info, so a password with an unescaped
	// "@", "/" or "?" is still taken whole.
	if at := strings.LastIndex(rest, "@"); at >= 0 {
		if err := r.setUserinfo(rest[:at]); err != nil {
			return nil, err
		}
		rest = rest[at+1:]
	}
	if strings.Contains(rest, "#") {
		return nil, errors.New("must not have a #fragment")
	}
	rest, query, _ := strings.Cut(rest, "?")
	hosts, path, _ := strings.Cut(rest, "/")
	if err := r.setAddrs(hosts); err != nil {
		return nil, err
	}
	if err := r.setPath(path); err != nil {
		return nil, err
	}
	q, err := url.ParseQuery(query)
	if err != nil {
		return nil, errors.New("has a malformed ?query")
	}
	r.Query = q
	return r, nil
}

func (r *RedisURL) setUserinfo(s string) error {
	user, pass, _ := strings.Cut(s, ":")
	u, err1 := url.PathUnescape(user)
	p, err2 := url.PathUnescape(pass)
	if err1 != nil || err2 != nil {
		return errors.New("has a malformed %-escape in the user name or password")
	}
	r.Username, r.Password = u, Secret(p)
	return nil
}

func (r *RedisURL) setAddrs(hosts string) error {
	if hosts == "" {
		return errors.New("needs a host, e.g. redis://localhost:6379")
	}
	list := strings.Split(hosts, ",")
	if len(list) > 1 && r.Mode == RedisStandalone {
		return errors.New("lists several hosts; use redis+sentinel:// or redis+cluster:// for that")
	}
	port := "6379"
	if r.Mode == RedisSentinel {
		port = "26379"
	}
	for _, h := range list {
		addr, err := hostPort(h, port)
		if err != nil {
			return err
		}
		r.Addrs = append(r.Addrs, addr)
	}
	return nil
}

// hostPort validates "host", "host:port", "[v6]" or "[v6]:port".
func hostPort(h, defaultPort string) (string, error) {
	if h == "" {
		return "", errors.New("has an empty entry in its host list")
	}
	host, port := h, defaultPort
	if strings.Contains(h, ":") && !strings.HasSuffix(h, "]") {
		var err error
		if host, port, err = net.SplitHostPort(h); err != nil {
			return "", fmt.Errorf("has a malformed host:port %q", h)
		}
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if host == "" {
		return "", fmt.Errorf("has an empty host name in %q", h)
	}
	if !validHost(host) {
		return "", fmt.Errorf("has a host %q that is neither a host name nor an IP address", host)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return "", fmt.Errorf("port must be a number from 1 to 65535 in %q", h)
	}
	return net.JoinHostPort(host, port), nil
}

// setPath reads "db" (standalone), "master[/db]" (sentinel) or nothing
// but "0" (cluster, which has one database).
func (r *RedisURL) setPath(p string) error {
	var segs []string
	if p = strings.TrimSuffix(p, "/"); p != "" {
		segs = strings.Split(p, "/")
	}
	if r.Mode == RedisSentinel {
		if len(segs) == 0 || segs[0] == "" {
			return errors.New("needs the master name as the first path segment, e.g. redis+sentinel://h1:26379,h2:26379/mymaster/0")
		}
		name, err := url.PathUnescape(segs[0])
		if err != nil {
			return fmt.Errorf("has a malformed master name %q", segs[0])
		}
		r.MasterName, segs = name, segs[1:]
	}
	switch {
	case len(segs) == 0:
		return nil
	case len(segs) > 1:
		return fmt.Errorf("has too many path segments in %q", "/"+p)
	}
	db, err := strconv.Atoi(segs[0])
	switch {
	case err != nil || db < 0:
		return fmt.Errorf("database must be a number ≥ 0, got %q", segs[0])
	case r.Mode == RedisCluster && db != 0:
		return fmt.Errorf("cluster mode has only database 0, got %q", segs[0])
	}
	r.DB = db
	return nil
}

func checkRedisURL(s string) error {
	if s == "" {
		return nil
	}
	_, err := ParseRedisURL(s)
	return err
}

// validHost accepts an IP address or a DNS name (letters, digits, "-",
// "_" and dots), so a typo fails here with the key named, not later in a
// driver whose message might quote the whole URL.
func validHost(h string) bool {
	if net.ParseIP(h) != nil {
		return true
	}
	if len(h) > 253 {
		return false
	}
	for _, c := range h {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_') {
			return false
		}
	}
	return true
}
