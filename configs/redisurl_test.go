package configs

import (
	"slices"
	"strings"
	"testing"
)

func TestParseRedisURL(t *testing.T) {
	tests := []struct {
		raw    string
		mode   RedisMode
		tls    bool
		user   string
		pass   string
		addrs  []string
		master string
		db     int
	}{
		{"redis://localhost", RedisStandalone, false, "", "", []string{"localhost:6379"}, "", 0},
		{"redis://:pw@localhost:6380/3", RedisStandalone, false, "", "pw", []string{"localhost:6380"}, "", 3},
		{"rediss://app:p%40ss@redis.example.com:6380/0?dial_timeout=3s", RedisStandalone, true, "app", "p@ss", []string{"redis.example.com:6380"}, "", 0},
		{"redis://:p@ss/word@h/", RedisStandalone, false, "", "p@ss/word", []string{"h:6379"}, "", 0},
		{"redis://[::1]:6379", RedisStandalone, false, "", "", []string{"[::1]:6379"}, "", 0},
		{"redis://[::1]", RedisStandalone, false, "", "", []string{"[::1]:6379"}, "", 0},
		{"redis+sentinel://:pw@h1:26379,h2:26379/mymaster/0", RedisSentinel, false, "", "pw", []string{"h1:26379", "h2:26379"}, "mymaster", 0},
		{"rediss+sentinel://h1,h2/mymaster", RedisSentinel, true, "", "", []string{"h1:26379", "h2:26379"}, "mymaster", 0},
		{"redis+cluster://h1:7000,h2:7001", RedisCluster, false, "", "", []string{"h1:7000", "h2:7001"}, "", 0},
		{"rediss+cluster://:pw@h1:7000/0", RedisCluster, true, "", "pw", []string{"h1:7000"}, "", 0},
		{"REDIS://h", RedisStandalone, false, "", "", []string{"h:6379"}, "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			r, err := ParseRedisURL(tt.raw)
			if err != nil {
				t.Fatal(err)
			}
			if r.Mode != tt.mode || r.TLS != tt.tls || r.Username != tt.user || r.Password.Value() != tt.pass ||
				!slices.Equal(r.Addrs, tt.addrs) || r.MasterName != tt.master || r.DB != tt.db {
				t.Errorf("got %+v", *r)
			}
		})
	}
}

func TestParseRedisURLErrors(t *testing.T) {
	tests := []struct {
		raw  string
		want string
	}{
		{"localhost:6379", "must be a URL starting with one of redis://, rediss://"},
		{"http://:pw@h", `scheme "http" is not one of redis, rediss`},
		{"redis+socket://h", `scheme "redis+socket"`},
		{"redis://", "needs a host"},
		{"redis://:pw@/0", "needs a host"},
		{"redis://h1,h2", "lists several hosts"},
		{"redis+cluster://h1,,h2", "has an empty entry in its host list"},
		{"redis://h:99999", "port must be a number from 1 to 65535"},
		{"redis://h:port", "port must be a number"},
		{"redis://:6379", "has an empty host name"},
		{"redis://::1", "malformed host:port"},
		{"redis://h/db", `database must be a number ≥ 0, got "db"`},
		{"redis://h/0/1", "too many path segments"},
		{"redis+sentinel://h1,h2", "needs the master name"},
		{"redis+sentinel://h1,h2/", "needs the master name"},
		{"redis+sentinel://h1/m/0/1", "too many path segments"},
		{"redis+cluster://h1/2", "cluster mode has only database 0"},
		{"redis://h#frag", "must not have a #fragment"},
		{"redis://h?a=%zz", "malformed ?query"},
		{"redis://:p%zz@h", "malformed %-escape"},
		{"redis://:pw@h1:1/notanumber", "database must be a number"},
		{"redis://:pw@ho^st:1", `has a host "ho^st" that is neither`},
		{"redis://:pw@bad host:1", `has a host "bad host" that is neither`},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			_, err := ParseRedisURL(tt.raw)
			wantErrs(t, err, tt.want)
			if strings.Contains(err.Error(), "pw") {
				t.Errorf("error leaks the password: %v", err)
			}
		})
	}
}

func TestRedactURL(t *testing.T) {
	tests := []struct{ raw, want string }{
		{"", ""},
		{"redis://localhost:6379", "redis://localhost:6379"},
		{"redis://:pw@h:6379/0", "redis://:xxxxx@h:6379/0"},
		{"redis://user:pw@h", "redis://user:xxxxx@h"},
		{"redis://user@h", "redis://user@h"},
		{"redis://:p@ss/w?rd@h/0", "redis://:xxxxx@h/0"},
		{"redis+sentinel://:pw@h1,h2/m?sentinel_password=sp&db=1", "redis+sentinel://:xxxxx@h1,h2/m?sentinel_password=xxxxx&db=1"},
		{"just-a-password", "xxxxx"},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			if got := (RedisConfig{URL: Secret(tt.raw)}).RedactedURL(); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
