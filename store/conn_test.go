package store

import (
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestConnOptions(t *testing.T) {
	t.Parallel()
	params := func(s string) url.Values {
		q, err := url.ParseQuery(s)
		if err != nil {
			t.Fatal(err)
		}
		return q
	}
	cases := []struct {
		name    string
		conn    Conn
		addrs   []string
		master  string
		db      int
		cluster bool
		pw      string
		tls     bool
		dial    time.Duration
		pool    int
		err     string
	}{
		{name: "single", conn: Conn{Addrs: []string{"127.0.0.1:6379"}, DB: 2}, addrs: []string{"127.0.0.1:6379"}, db: 2},
		{name: "tls", conn: Conn{Addrs: []string{"r.example:6380"}, Password: "s3cret", TLS: true},
			addrs: []string{"r.example:6380"}, pw: "s3cret", tls: true},
		{name: "cluster", conn: Conn{Mode: Cluster, Addrs: []string{"h1:7000", "h2:7001", "h3:7002"}},
			addrs: []string{"h1:7000", "h2:7001", "h3:7002"}, cluster: true},
		{name: "sentinel", conn: Conn{Mode: Sentinel, Addrs: []string{"s1:26379", "s2:26379"}, MasterName: "mymaster", DB: 3, Password: "pw"},
			addrs: []string{"s1:26379", "s2:26379"}, master: "mymaster", db: 3, pw: "pw"},
		{name: "params", conn: Conn{Addrs: []string{"h1:1"}, Params: params("dial_timeout=3s&pool_size=7")},
			addrs: []string{"h1:1"}, dial: 3 * time.Second, pool: 7},
		{name: "params in seconds", conn: Conn{Mode: Cluster, Addrs: []string{"h1:1"}, Params: params("dial_timeout=4")},
			addrs: []string{"h1:1"}, cluster: true, dial: 4 * time.Second},
		{name: "password with @", conn: Conn{Addrs: []string{"h1:1"}, Password: "p@ss/w?rd"}, addrs: []string{"h1:1"}, pw: "p@ss/w?rd"},
		{name: "no address", conn: Conn{}, err: "no Redis address"},
		{name: "two singles", conn: Conn{Addrs: []string{"h1:1", "h2:2"}}, err: "one address"},
		{name: "no master", conn: Conn{Mode: Sentinel, Addrs: []string{"s1:26379"}}, err: "master"},
		{name: "cluster db", conn: Conn{Mode: Cluster, Addrs: []string{"h1:1"}, DB: 1}, err: "database 0"},
		{name: "unknown mode", conn: Conn{Mode: 7, Addrs: []string{"h1:1"}}, err: "mode"},
		{name: "unknown param", conn: Conn{Addrs: []string{"h1:1"}, Password: "topsecret", Params: params("bogus=1")}, err: "bogus"},
		{name: "bad param", conn: Conn{Addrs: []string{"h1:1"}, Password: "top@secret", Params: params("dial_timeout=abc")}, err: "dial_timeout"},
		{name: "bad cluster param", conn: Conn{Mode: Cluster, Addrs: []string{"h1:1"}, Password: "topsecret", Params: params("pool_size=x")}, err: "pool_size"},
		{name: "bad sentinel param", conn: Conn{Mode: Sentinel, Addrs: []string{"h1:1"}, MasterName: "m", Password: "top secret", Params: params("bogus=1")}, err: "bogus"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o, err := tc.conn.options()
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err %v, want %q", err, tc.err)
				}
				for _, leak := range []string{"topsecret", "top%40secret", "top@secret", "top secret", "top+secret", "top%20secret"} {
					if strings.Contains(err.Error(), leak) {
						t.Errorf("error leaks the password: %v", err)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(o.Addrs, tc.addrs) || o.MasterName != tc.master || o.DB != tc.db ||
				o.IsClusterMode != tc.cluster || o.Password != tc.pw || (o.TLSConfig != nil) != tc.tls {
				t.Errorf("got addrs %v master %q db %d cluster %v password %q tls %v",
					o.Addrs, o.MasterName, o.DB, o.IsClusterMode, o.Password, o.TLSConfig != nil)
			}
			if tc.dial != 0 && o.DialTimeout != tc.dial || tc.pool != 0 && o.PoolSize != tc.pool {
				t.Errorf("dial_timeout %v, pool_size %d; want %v, %d", o.DialTimeout, o.PoolSize, tc.dial, tc.pool)
			}
			if tc.master != "" && (o.SentinelPassword != tc.pw || o.SentinelUsername != o.Username) {
				t.Errorf("the sentinels get password %q, user %q", o.SentinelPassword, o.SentinelUsername)
			}
		})
	}
}
