package redisconn

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/wxcast/wxcast/configs"
	"github.com/wxcast/wxcast/store"
)

// TestOpenEmbedded checks the empty redis.url: a working store on an
// embedded server, the warning operators rely on, and a closeAll that
// stops the server too. The server takes only wxcast's own connections:
// one without the password is refused, and the password is not logged.
func TestOpenEmbedded(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	core, logs := observer.New(zap.WarnLevel)
	st, closeAll, err := Open(ctx, configs.RedisConfig{KeyPrefix: "embedded:"}, zap.New(core))
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Redis().Set(ctx, "embedded:k", "v", time.Minute).Err(); err != nil {
		t.Fatal(err)
	}
	warned := logs.FilterMessage("redis.url is empty: using the embedded in-memory store; all data is lost when wxcast exits").All()
	if len(warned) != 1 {
		t.Fatalf("warnings: %v", logs.All())
	}
	addr, _ := warned[0].ContextMap()["addr"].(string)
	if addr == "" {
		t.Fatalf("the warning names no addr: %v", warned[0].ContextMap())
	}
	intruder := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1})
	err = intruder.Set(ctx, "embedded:k", "intruder", 0).Err()
	_ = intruder.Close()
	if err == nil || !strings.Contains(err.Error(), "NOAUTH") {
		t.Fatalf("a client without the password: %v, want NOAUTH", err)
	}
	pw := st.Redis().(*redis.Client).Options().Password
	if pw == "" {
		t.Fatal("wxcast's own client has no password")
	}
	for _, e := range logs.All() {
		if strings.Contains(fmt.Sprint(e.Message, e.ContextMap()), pw) {
			t.Fatalf("the password is logged: %s %v", e.Message, e.ContextMap())
		}
	}
	if err := closeAll(); err != nil {
		t.Fatal(err)
	}
	if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		_ = c.Close()
		t.Fatalf("the embedded server at %q still listens after closeAll", addr)
	}
}

func TestConn(t *testing.T) {
	t.Parallel()
	cases := []struct {
		url  string
		want store.Conn
	}{
		{"redis://127.0.0.1:6379/2", store.Conn{Addrs: []string{"127.0.0.1:6379"}, DB: 2}},
		{"rediss://:s3cret@r.example:6380", store.Conn{Addrs: []string{"r.example:6380"}, Password: "s3cret", TLS: true}},
		{"redis://app:p%40ss@h", store.Conn{Addrs: []string{"h:6379"}, Username: "app", Password: "p@ss"}},
		{"redis+cluster://h1:7000,h2:7001,h3:7002", store.Conn{Mode: store.Cluster, Addrs: []string{"h1:7000", "h2:7001", "h3:7002"}}},
		{"redis+sentinel://:pw@s1:26379,s2/mymaster/3", store.Conn{Mode: store.Sentinel, Addrs: []string{"s1:26379", "s2:26379"},
			MasterName: "mymaster", DB: 3, Password: "pw"}},
		{"redis://h1:1/0?dial_timeout=3s&pool_size=7", store.Conn{Addrs: []string{"h1:1"},
			Params: url.Values{"dial_timeout": {"3s"}, "pool_size": {"7"}}}},
	}
	for _, tc := range cases {
		t.Run(tc.url, func(t *testing.T) {
			u, err := configs.ParseRedisURL(tc.url)
			if err != nil {
				t.Fatal(err)
			}
			if tc.want.Params == nil {
				tc.want.Params = url.Values{}
			}
			if got := Conn(u); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

// TestOpenRefuses checks that a redis.url that configs or go-redis
// refuses fails Open before any connection, with the reason and without
// the password.
func TestOpenRefuses(t *testing.T) {
	t.Parallel()
	cases := []struct{ url, err string }{
		{"redis+sentinel://s1:26379", "master"},
		{"redis://h1:1,h2:2", "host"},
		{"http://h1:1", "scheme"},
		{"redis://:topsecret@h1:1/notanumber", "database"},
		{"redis://:topsecret@ho^st:1", "host"},
		{"redis://:topsecret@bad host:1", "host"},
		{"redis://:topsecret@h1:1/0?bogus=1", "bogus"},
		{"redis://:top%40secret@h1:1/0?dial_timeout=abc", "dial_timeout"},
		{"redis+cluster://:topsecret@h1:1?pool_size=x", "pool_size"},
	}
	for _, tc := range cases {
		t.Run(tc.url, func(t *testing.T) {
			_, _, err := Open(context.Background(), configs.RedisConfig{URL: configs.Secret(tc.url)}, nil)
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Fatalf("err %v, want %q", err, tc.err)
			}
			for _, leak := range []string{"topsecret", "top%40secret", "top@secret"} {
				if strings.Contains(err.Error(), leak) {
					t.Errorf("error leaks the password: %v", err)
				}
			}
		})
	}
}

// A Redis that does not answer is named by its key and its URL, without
// the password.
func TestOpenNamesTheRedisThatDoesNotAnswer(t *testing.T) {
	t.Parallel()
	_, _, err := Open(context.Background(), configs.RedisConfig{URL: configs.Secret("redis://:topsecret@127.0.0.1:1/0")}, nil)
	if err == nil || !strings.HasPrefix(err.Error(), "redis.url redis://:xxxxx@127.0.0.1:1/0: ") {
		t.Fatalf("err %v, want it to name redis.url and its address", err)
	}
	if strings.Contains(err.Error(), "topsecret") {
		t.Errorf("error leaks the password: %v", err)
	}
}
