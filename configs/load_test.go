package configs

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestLoadYAMLValues(t *testing.T) {
	path := writeYAML(t, `
listen: "0.0.0.0:9000"
timezone: UTC
callback:
  dedup_ttl: 1h30m
  reply_wait: 0s
  max_body_bytes: 2048
wechat:
  app_id: wxabc
  token: abc123
  api_base_url: "http://proxy.local/wx/"
redis:
  url: "redis://:pw@localhost:6379/1"
  key_prefix: ""
log:
  level: DEBUG
profile:
  history_max: 7
`)
	c, err := Load(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		got  any
		want any
	}{
		{"listen", c.Listen, "0.0.0.0:9000"},
		{"location", c.Location.String(), "UTC"},
		{"dedup_ttl", c.Callback.DedupTTL.D(), 90 * time.Minute},
		{"reply_wait", c.Callback.ReplyWait.D(), time.Duration(0)},
		{"max_body_bytes", c.Callback.MaxBodyBytes, int64(2048)},
		{"token", c.WeChat.Token.Value(), "abc123"},
		{"api_base_url trimmed", c.WeChat.APIBaseURL, "http://proxy.local/wx"},
		{"redis url", c.Redis.URL.Value(), "redis://:pw@localhost:6379/1"},
		{"explicit empty prefix", c.Redis.KeyPrefix, ""},
		{"level lower-cased", c.Log.Level, "debug"},
		{"history_max", c.Profile.HistoryMax, 7},
		{"untouched default", c.Profile.HistoryDays, 8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %v, want %v", tt.got, tt.want)
			}
		})
	}
}

func TestLoadEmptyAndNullKeepDefaults(t *testing.T) {
	for _, content := range []string{"", "# nothing\n", "listen:\nwechat:\nredis: ~\n"} {
		c, err := Load(writeYAML(t, content), requiredEnv())
		if err != nil {
			t.Fatalf("%q: %v", content, err)
		}
		if c.Listen != ":8080" || c.Redis.KeyPrefix != "wxcast:" {
			t.Errorf("%q: defaults lost: %q %q", content, c.Listen, c.Redis.KeyPrefix)
		}
	}
}

func TestLoadFileErrors(t *testing.T) {
	tests := []struct {
		name    string
		content string
		want    []string
	}{
		{"unknown nested key", "wechat:\n  app_id: wx1\n  tokn: x\n",
			[]string{`:3: unknown key "wechat.tokn" (did you mean "wechat.token"?)`}},
		{"unknown top-level key", "listen: ':1'\nredis_url: x\n", []string{`:2: unknown key "redis_url"`}},
		{"unknown section", "wechatt:\n  token: x\n", []string{`:1: unknown key "wechatt"`}},
		{"syntax error", "listen: ':1'\nwechat: [\n", []string{"wxcast.yaml:", "did not find expected"}},
		{"bad int", "profile:\n  history_max: lots\n", []string{`:2: profile.history_max: not an integer: "lots"`}},
		{"bad bool", "callback:\n  allow_plaintext: maybe\n", []string{`:2: callback.allow_plaintext:`}},
		{"bad duration", "callback:\n  dedup_ttl: 600\n", []string{`:2: callback.dedup_ttl: not a duration: "600"`}},
		{"negative duration", "callback:\n  reply_wait: -1s\n", []string{`callback.reply_wait: must not be negative`}},
		{"section not a mapping", "wechat: x\n", []string{`:1: "wechat" must be a mapping of keys`}},
		{"leaf not a scalar", "listen: [a, b]\n", []string{`:1: listen: must be a single value, got a list`}},
		{"duplicate key", "listen: ':1'\nlisten: ':2'\n", []string{`:2: duplicate key "listen" (first at line 1)`}},
		{"second document", "listen: ':1'\n---\nlisten: ':2'\n", []string{"only one YAML document"}},
		{"validation names file line", "profile:\n  history_max: 0\n",
			[]string{`wxcast.yaml:2: profile.history_max: must be between 1 and 1000, got 0`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeYAML(t, tt.content)
			_, err := Load(path, requiredEnv())
			wantErrs(t, err, tt.want...)
		})
	}
}

func TestLoadUnknownKeyIsErrUnknownKey(t *testing.T) {
	_, err := Load(writeYAML(t, "wechat:\n  tokn: x\n"), requiredEnv())
	if !errors.Is(err, ErrUnknownKey) {
		t.Fatalf("got %v, want ErrUnknownKey", err)
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load("does/not/exist.yaml", nil)
	wantErrs(t, err, "does/not/exist.yaml")
}

func TestLoadEnvOverrides(t *testing.T) {
	path := writeYAML(t, "listen: ':1'\nwechat:\n  app_secret: fromfile\n")
	c, err := Load(path, requiredEnv(
		"WXCAST_LISTEN=127.0.0.1:9999",
		"WXCAST_WECHAT_APP_SECRET=fromenv",
		"WXCAST_REDIS_URL=redis+cluster://h1:7000,h2:7001",
		"WXCAST_CALLBACK_DEDUP_TTL=2m",
		"WXCAST_PROFILE_HISTORY_MAX=99",
		"WXCAST_CALLBACK_MAX_BODY_BYTES=4096",
		"WXCAST_BOT_LANGUAGE=en",
		"WXCAST_BROADCAST_BATCH_INTERVAL=1m",
		"WXCAST_BROADCAST_ALERT_FAILURE_RATE= 0.2 ",
		"WXCAST_CONFIG=ignored.yaml",
		"PATH=/usr/bin",
		"NOT_AN_ASSIGNMENT",
	))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		got  any
		want any
	}{
		{"string", c.Listen, "127.0.0.1:9999"},
		{"secret over file", c.WeChat.AppSecret.Value(), "fromenv"},
		{"secret url", c.Redis.URL.Value(), "redis+cluster://h1:7000,h2:7001"},
		{"duration", c.Callback.DedupTTL.D(), 2 * time.Minute},
		{"int", c.Profile.HistoryMax, 99},
		{"int64", c.Callback.MaxBodyBytes, int64(4096)},
		{"language", c.Bot.Language, "en"},
		{"batch_interval", c.Broadcast.BatchInterval.D(), time.Minute},
		{"float", c.Broadcast.AlertFailureRate, 0.2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %v, want %v", tt.got, tt.want)
			}
		})
	}
}

func TestLoadEnvErrors(t *testing.T) {
	tests := []struct {
		name string
		env  string
		want []string
	}{
		{"unknown variable", "WXCAST_WECHAT_TOKN=x",
			[]string{"unknown environment variable WXCAST_WECHAT_TOKN", `did you mean "WXCAST_WECHAT_TOKEN"`}},
		{"bad int", "WXCAST_PROFILE_HISTORY_MAX=ten",
			[]string{`profile.history_max: not an integer: "ten" (from WXCAST_PROFILE_HISTORY_MAX)`}},
		{"int out of range", "WXCAST_CALLBACK_MAX_BODY_BYTES=99999999999999999999",
			[]string{`callback.max_body_bytes: out of range`, "(from WXCAST_CALLBACK_MAX_BODY_BYTES)"}},
		{"bad duration", "WXCAST_CALLBACK_DEDUP_TTL=10",
			[]string{`callback.dedup_ttl: not a duration: "10"`, "(from WXCAST_CALLBACK_DEDUP_TTL)"}},
		{"validation names variable", "WXCAST_CALLBACK_DEDUP_TTL=30s",
			[]string{"callback.dedup_ttl: must be at least 1m0s, got 30s (from WXCAST_CALLBACK_DEDUP_TTL)"}},
		{"secret validation names variable", "WXCAST_WECHAT_TOKEN=a b",
			[]string{"wechat.token: must be 3 to 32", "(from WXCAST_WECHAT_TOKEN)"}},
		{"bad float", "WXCAST_BROADCAST_ALERT_FAILURE_RATE=5%",
			[]string{`broadcast.alert_failure_rate: not a number: "5%" (from WXCAST_BROADCAST_ALERT_FAILURE_RATE)`}},
		{"NaN float", "WXCAST_BROADCAST_ALERT_FAILURE_RATE=NaN",
			[]string{`broadcast.alert_failure_rate: not a number: "NaN" (from WXCAST_BROADCAST_ALERT_FAILURE_RATE)`}},
		{"float out of range", "WXCAST_BROADCAST_ALERT_FAILURE_RATE=1.01",
			[]string{"broadcast.alert_failure_rate: must be between 0 and 1, got 1.01 (from WXCAST_BROADCAST_ALERT_FAILURE_RATE)"}},
		{"approvals names variable", "WXCAST_BROADCAST_APPROVALS_REQUIRED=9",
			[]string{"broadcast.approvals_required: must be between 1 and 5, got 9 (from WXCAST_BROADCAST_APPROVALS_REQUIRED)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load("", requiredEnv(tt.env))
			wantErrs(t, err, tt.want...)
		})
	}
}

func TestLoadUnknownEnvIsErrUnknownEnv(t *testing.T) {
	_, err := Load("", requiredEnv("WXCAST_NOPE=1"))
	if !errors.Is(err, ErrUnknownEnv) {
		t.Fatalf("got %v, want ErrUnknownEnv", err)
	}
}

func TestLoadReportsAllErrorsAtOnce(t *testing.T) {
	path := writeYAML(t, `
listen: nowhere
wechat:
  tokn: x
  encoding_aes_key: tooShort
profile:
  history_days: 1000
`)
	_, err := Load(path, []string{
		"WXCAST_LOG_LEVEL=loud",
		"WXCAST_REDIS_URL=http://u:hunter2@h",
		"WXCAST_TYPO=1",
	})
	want := []string{
		`:4: unknown key "wechat.tokn"`,
		"unknown environment variable WXCAST_TYPO",
		":2: listen: must be host:port",
		"wechat.app_id: is required",
		"wechat.token: is required",
		":5: wechat.encoding_aes_key: must be 43 characters",
		"redis.url: scheme \"http\"",
		`log.level: must be one of debug, info, warn, error, got "loud" (from WXCAST_LOG_LEVEL)`,
		":7: profile.history_days: must be between 1 and 90, got 1000",
	}
	wantErrs(t, err, want...)
	if n := len(strings.Split(err.Error(), "\n")); n != len(want) {
		t.Errorf("got %d errors, want %d:\n%v", n, len(want), err)
	}
	if strings.Contains(err.Error(), "hunter2") {
		t.Errorf("error leaks the Redis password:\n%v", err)
	}
}

// TestLoadRefusesHostileFiles: a huge file is refused before it is parsed,
// and a deeply nested one by yaml.v3's own depth limit (kept here so that
// an upgrade that drops it is noticed), each naming the file. Within the
// size limit a block sequence cannot nest past yaml.v3's limit: each level
// costs a line of indentation.
func TestLoadRefusesHostileFiles(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"too big", "listen: \":8080\"\n#" + strings.Repeat("x", MaxFileSize) + "\n",
			"the configuration file is over the limit of 1048576 bytes"},
		{"flow sequence 100,000 deep", "admins: " + strings.Repeat("[", 100_000) + strings.Repeat("]", 100_000) + "\n",
			"exceeded max depth of 10000"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := writeYAML(t, tc.src)
			_, err := Load(path, nil)
			if err == nil || !strings.HasPrefix(err.Error(), path+":") || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Load: %v; want %s: …%s", err, path, tc.want)
			}
		})
	}
}
