package store

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseURL(t *testing.T) {
	t.Parallel()
	cases := []struct {
		url     string
		addrs   []string
		master  string
		db      int
		cluster bool
		pw      string
		tls     bool
		err     string
	}{
		{url: "redis://127.0.0.1:6379/2", addrs: []string{"127.0.0.1:6379"}, db: 2},
		{url: "rediss://:s3cret@r.example:6380", addrs: []string{"r.example:6380"}, pw: "s3cret", tls: true},
		{url: "redis+cluster://h1:7000,h2:7001,h3:7002", addrs: []string{"h1:7000", "h2:7001", "h3:7002"}, cluster: true},
		{url: "redis+sentinel://:pw@s1:26379,s2:26379/mymaster/3", addrs: []string{"s1:26379", "s2:26379"}, master: "mymaster", db: 3, pw: "pw"},
		{url: "redis+sentinel://s1:26379", err: "master"},
		{url: "redis://h1:1,h2:2", err: "host"},
		{url: "http://h1:1", err: "scheme"},
		{url: "redis://:topsecret@h1:1/notanumber", err: "database"},
		{url: "redis://h1:1/0?dial_timeout=3s&pool_size=7", addrs: []string{"h1:1"}},
		{url: "redis://:topsecret@ho^st:1", err: "host"},
		{url: "redis://:topsecret@bad host:1", err: "host"},
		{url: "redis://:topsecret@h1:1/0?bogus=1", err: "bogus"},
		{url: "redis://:top%40secret@h1:1/0?dial_timeout=abc", err: "dial_timeout"},
	}
	for _, tc := range cases {
		o, err := parseURL(tc.url)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: err %v, want %q", tc.url, err, tc.err)
			}
			if err != nil && (strings.Contains(err.Error(), "topsecret") || strings.Contains(err.Error(), "top%40secret") || strings.Contains(err.Error(), "top@secret")) {
				t.Errorf("%s: error leaks the password: %v", tc.url, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.url, err)
			continue
		}
		if !reflect.DeepEqual(o.Addrs, tc.addrs) || o.MasterName != tc.master || o.DB != tc.db ||
			o.IsClusterMode != tc.cluster || o.Password != tc.pw || (o.TLSConfig != nil) != tc.tls {
			t.Errorf("%s: got %+v", tc.url, o)
		}
	}
}
