package configs

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"
)

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		edit func(c *Config)
		want string // "" means valid
	}{
		{"defaults with credentials", func(c *Config) {}, ""},
		{"listen empty", func(c *Config) { c.Listen = "" }, "listen: must not be empty"},
		{"listen no port", func(c *Config) { c.Listen = "localhost" }, "listen: must be host:port"},
		{"listen named port", func(c *Config) { c.Listen = ":http" }, "listen: port must be a number"},
		{"listen port too big", func(c *Config) { c.Listen = ":65536" }, "listen: port must be a number"},
		{"listen port 0", func(c *Config) { c.Listen = "127.0.0.1:0" }, ""},
		{"listen ipv6", func(c *Config) { c.Listen = "[::1]:8080" }, ""},
		{"path no slash", func(c *Config) { c.CallbackPath = "wechat" }, `callback_path: must start with "/"`},
		{"path space", func(c *Config) { c.CallbackPath = "/we chat" }, "callback_path: must not contain whitespace"},
		{"path query", func(c *Config) { c.CallbackPath = "/wechat?x=1" }, "callback_path: must be a path without"},
		{"path healthz", func(c *Config) { c.CallbackPath = "/healthz" }, "callback_path: \"/healthz\" is reserved"},
		{"path readyz", func(c *Config) { c.CallbackPath = "/readyz/" }, "is reserved"},
		{"path metrics", func(c *Config) { c.CallbackPath = "/metrics" }, "is reserved"},
		{"path nested ok", func(c *Config) { c.CallbackPath = "/wx/callback" }, ""},
		{"timezone bad", func(c *Config) { c.Timezone = "Mars/Base" }, `timezone: unknown time zone "Mars/Base"`},
		{"timezone empty", func(c *Config) { c.Timezone = "" }, "timezone: must not be empty"},
		{"timezone utc", func(c *Config) { c.Timezone = "UTC" }, ""},
		{"tolerance zero", func(c *Config) { c.Callback.TimestampTolerance = Duration{} }, "callback.timestamp_tolerance: must be greater than 0"},
		{"dedup too short", func(c *Config) { c.Callback.DedupTTL = Duration{59 * time.Second} }, "callback.dedup_ttl: must be at least 1m0s, got 59s"},
		{"dedup 1m", func(c *Config) { c.Callback.DedupTTL = Duration{time.Minute} }, ""},
		{"reply_wait 0", func(c *Config) { c.Callback.ReplyWait = Duration{} }, ""},
		{"reply_wait 4.5s", func(c *Config) { c.Callback.ReplyWait = Duration{4500 * time.Millisecond} }, ""},
		{"redis_timeout 4s", func(c *Config) { c.Callback.RedisTimeout = Duration{4 * time.Second} }, ""},
		{"redis_timeout 5s", func(c *Config) { c.Callback.RedisTimeout = Duration{5 * time.Second} }, "callback.redis_timeout: must be between 100ms and 4s, got 5s"},
		{"reply_wait 5s", func(c *Config) { c.Callback.ReplyWait = Duration{5 * time.Second} }, "callback.reply_wait: must be between 0s and 4.5s, got 5s"},
		{"body too small", func(c *Config) { c.Callback.MaxBodyBytes = 1023 }, "callback.max_body_bytes: must be between 1024 and 1048576"},
		{"body too big", func(c *Config) { c.Callback.MaxBodyBytes = 1<<20 + 1 }, "callback.max_body_bytes"},
		{"app_id missing", func(c *Config) { c.WeChat.AppID = "" }, "wechat.app_id: is required"},
		{"app_id space", func(c *Config) { c.WeChat.AppID = "wx 1" }, "wechat.app_id: must not contain whitespace"},
		{"token missing", func(c *Config) { c.WeChat.Token = "" }, "wechat.token: is required"},
		{"token short", func(c *Config) { c.WeChat.Token = "ab" }, "wechat.token: must be 3 to 32 characters from [A-Za-z0-9], got 2 characters"},
		{"token long", func(c *Config) { c.WeChat.Token = Secret(strings.Repeat("a", 33)) }, "got 33 characters"},
		{"token symbol", func(c *Config) { c.WeChat.Token = "abc-def" }, "got 7 characters including some outside"},
		{"token 32", func(c *Config) { c.WeChat.Token = Secret(strings.Repeat("a", 32)) }, ""},
		{"aes key ok", func(c *Config) { c.WeChat.EncodingAESKey = testAESKey }, ""},
		{"aes key 42", func(c *Config) { c.WeChat.EncodingAESKey = Secret(testAESKey[:42]) },
			"wechat.encoding_aes_key: must be 43 characters from [A-Za-z0-9], got 42 characters"},
		{"aes key base64 symbol", func(c *Config) { c.WeChat.EncodingAESKey = Secret("+" + testAESKey[1:]) }, "including some outside"},
		{"previous ok", func(c *Config) {
			c.WeChat.EncodingAESKey = testAESKey
			c.WeChat.PreviousEncodingAESKey = Secret(strings.Repeat("A", 43))
		}, ""},
		{"previous bad", func(c *Config) {
			c.WeChat.EncodingAESKey = testAESKey
			c.WeChat.PreviousEncodingAESKey = "short"
		}, "wechat.previous_encoding_aes_key: must be 43 characters"},
		{"previous without current", func(c *Config) { c.WeChat.PreviousEncodingAESKey = testAESKey },
			"wechat.previous_encoding_aes_key: set without wechat.encoding_aes_key"},
		{"app_secret space", func(c *Config) { c.WeChat.AppSecret = "abc def" }, "wechat.app_secret: must not contain whitespace"},
		{"api url relative", func(c *Config) { c.WeChat.APIBaseURL = "api.weixin.qq.com" }, "wechat.api_base_url: must be an absolute URL"},
		{"api url ftp", func(c *Config) { c.WeChat.APIBaseURL = "ftp://api.weixin.qq.com" }, "wechat.api_base_url: scheme must be http or https"},
		{"api url query", func(c *Config) { c.WeChat.APIBaseURL = "https://x.example/?a=1" }, "wechat.api_base_url: must not have a query"},
		{"api url fragment", func(c *Config) { c.WeChat.APIBaseURL = "https://x.example#f" }, "must not have a query or fragment"},
		{"api url no host", func(c *Config) { c.WeChat.APIBaseURL = "https:///path" }, "must be an absolute URL"},
		{"redis scheme", func(c *Config) { c.Redis.URL = "http://localhost:6379" }, `redis.url: scheme "http" is not one of`},
		{"redis ok", func(c *Config) { c.Redis.URL = "rediss://u:p@h:6380/2" }, ""},
		{"key prefix brace", func(c *Config) { c.Redis.KeyPrefix = "wx{1}" }, "redis.key_prefix: must not contain"},
		{"key prefix space", func(c *Config) { c.Redis.KeyPrefix = "wx cast" }, "redis.key_prefix: must not contain"},
		{"key prefix empty", func(c *Config) { c.Redis.KeyPrefix = "" }, ""},
		{"log level", func(c *Config) { c.Log.Level = "trace" }, `log.level: must be one of debug, info, warn, error, got "trace"`},
		{"log level upper", func(c *Config) { c.Log.Level = "WARN" }, ""},
		{"log format", func(c *Config) { c.Log.Format = "text" }, `log.format: must be one of json, console, got "text"`},
		{"history_max 0", func(c *Config) { c.Profile.HistoryMax = 0 }, "profile.history_max: must be between 1 and 1000, got 0"},
		{"history_max 1001", func(c *Config) { c.Profile.HistoryMax = 1001 }, "profile.history_max"},
		{"history_days 91", func(c *Config) { c.Profile.HistoryDays = 91 }, "profile.history_days: must be between 1 and 90, got 91"},
		{"language en", func(c *Config) { c.Bot.Language = "EN" }, ""},
		{"language fr", func(c *Config) { c.Bot.Language = "fr" }, `bot.language: must be one of zh, en, got "fr"`},
		{"language empty", func(c *Config) { c.Bot.Language = "" }, `bot.language: must be one of zh, en, got ""`},
		{"template id space", func(c *Config) { c.Bot.NotifyTemplateID = "tpl 1" }, "bot.notify_template_id: must not contain whitespace"},
		{"template id ok", func(c *Config) { c.Bot.NotifyTemplateID = "iPk5sOIt5X_flOVKn5GrTFpncEYTojx6ddbt8WYoV5s" }, ""},
		{"approvals 0", func(c *Config) { c.Broadcast.ApprovalsRequired = 0 }, "broadcast.approvals_required: must be between 1 and 5, got 0"},
		{"approvals 6", func(c *Config) { c.Broadcast.ApprovalsRequired = 6 }, "broadcast.approvals_required: must be between 1 and 5, got 6"},
		{"approvals 5 without admins", func(c *Config) { c.Broadcast.ApprovalsRequired = 5 }, ""},
		{"approval_ttl 59s", func(c *Config) { c.Broadcast.ApprovalTTL = Duration{59 * time.Second} },
			"broadcast.approval_ttl: must be between 1m0s and 720h0m0s, got 59s"},
		{"approval_ttl 1m", func(c *Config) { c.Broadcast.ApprovalTTL = Duration{time.Minute} }, ""},
		{"approval_ttl 720h", func(c *Config) { c.Broadcast.ApprovalTTL = Duration{720 * time.Hour} }, ""},
		{"approval_ttl 721h", func(c *Config) { c.Broadcast.ApprovalTTL = Duration{721 * time.Hour} }, "broadcast.approval_ttl: must be between"},
		{"batch_size 2", func(c *Config) { c.Broadcast.BatchSize = 2 }, "broadcast.batch_size: must be between 3 and 10000, got 2"},
		{"batch_size 10001", func(c *Config) { c.Broadcast.BatchSize = 10001 }, "broadcast.batch_size: must be between 3 and 10000, got 10001"},
		{"tag_send_above 1", func(c *Config) { c.Broadcast.TagSendAbove = 1 }, "broadcast.tag_send_above: must be between 2 and 1000000000, got 1"},
		{"tag_send_above 2", func(c *Config) { c.Broadcast.TagSendAbove = 2 }, ""},
		{"batch_interval 0", func(c *Config) { c.Broadcast.BatchInterval = Duration{} }, ""},
		{"batch_interval 1h", func(c *Config) { c.Broadcast.BatchInterval = Duration{time.Hour} }, ""},
		{"batch_interval 61m", func(c *Config) { c.Broadcast.BatchInterval = Duration{61 * time.Minute} },
			"broadcast.batch_interval: must be between 0s and 1h0m0s, got 1h1m0s"},
		{"sync off", func(c *Config) { c.Sync.Interval = Duration{} }, ""},
		{"sync hourly", func(c *Config) { c.Sync.Interval = Duration{time.Hour} }, ""},
		{"sync every 59m", func(c *Config) { c.Sync.Interval = Duration{59 * time.Minute} },
			"sync.interval: must be 0 (off) or at least 1h0m0s, got 59m0s"},
		{"sync workers 0", func(c *Config) { c.Sync.Workers = 0 }, "sync.workers: must be between 1 and 32, got 0"},
		{"sync workers 33", func(c *Config) { c.Sync.Workers = 33 }, "sync.workers: must be between 1 and 32, got 33"},
		{"mirror every 50ms", func(c *Config) { c.Sync.MirrorEvery = Duration{50 * time.Millisecond} },
			"sync.mirror_every: must be between 100ms and 1m0s, got 50ms"},
		{"failure rate 0", func(c *Config) { c.Broadcast.AlertFailureRate = 0 }, ""},
		{"failure rate 1", func(c *Config) { c.Broadcast.AlertFailureRate = 1 }, ""},
		{"failure rate negative", func(c *Config) { c.Broadcast.AlertFailureRate = -0.01 },
			"broadcast.alert_failure_rate: must be between 0 and 1, got -0.01"},
		{"failure rate percent", func(c *Config) { c.Broadcast.AlertFailureRate = 5 }, "broadcast.alert_failure_rate: must be between 0 and 1, got 5"},
		{"api token empty", func(c *Config) { c.API.Token = "" }, ""},
		{"api token 16", func(c *Config) { c.API.Token = Secret(strings.Repeat("k", 16)) }, ""},
		{"api token 15", func(c *Config) { c.API.Token = Secret(strings.Repeat("k", 15)) }, "api.token: must be 16 to 256 characters (e.g. openssl rand -hex 24), got 15 characters"},
		{"api token 257", func(c *Config) { c.API.Token = Secret(strings.Repeat("k", 257)) }, "api.token: must be 16 to 256 characters"},
		{"api token space", func(c *Config) { c.API.Token = "abcdefgh ijklmnopq" }, "api.token: must be visible ASCII characters without spaces, got 18 bytes"},
		{"metrics listen empty", func(c *Config) { c.Metrics.Listen = "" }, ""},
		{"metrics listen loopback", func(c *Config) { c.Metrics.Listen = "127.0.0.1:9090" }, ""},
		{"metrics listen no port", func(c *Config) { c.Metrics.Listen = "127.0.0.1" }, `metrics.listen: must be host:port, e.g. ":8080", got "127.0.0.1"`},
		{"metrics listen same as listen", func(c *Config) { c.Listen, c.Metrics.Listen = ":8080", ":8080" }, `metrics.listen: must differ from listen (":8080")`},
		{"metrics token 16", func(c *Config) { c.Metrics.Token = Secret(strings.Repeat("k", 16)) }, ""},
		{"metrics token 15", func(c *Config) { c.Metrics.Token = Secret(strings.Repeat("k", 15)) }, "metrics.token: must be 16 to 256 characters (e.g. openssl rand -hex 24), got 15 characters; leave it empty to require none"},
		{"api token non-ascii", func(c *Config) { c.API.Token = "密钥密钥密钥密钥密钥" }, "api.token: must be visible ASCII"},
		{"failure rate NaN", func(c *Config) { c.Broadcast.AlertFailureRate = math.NaN() }, "broadcast.alert_failure_rate: must be between 0 and 1, got NaN"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := validConfig()
			tt.edit(&c)
			err := c.Validate()
			if tt.want == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			wantErrs(t, err, tt.want)
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Key == "" {
				t.Errorf("error is not a *FieldError with a key: %#v", err)
			}
		})
	}
}

func TestValidateNeverEchoesSecrets(t *testing.T) {
	c := Default()
	c.WeChat.Token = "s3cr3t-t0ken"
	c.WeChat.AppSecret = "hunter2 hunter2"
	c.WeChat.EncodingAESKey = "supersecretaeskey"
	c.API.Token = "sh0rtt0k"
	c.Redis.URL = "redis://admin:pa55w0rd@h1,h2:6379/0?sentinel_password=sp4ss"
	err := c.Validate()
	wantErrs(t, err, "wechat.token", "wechat.app_secret", "wechat.encoding_aes_key",
		"redis.url", "admin:xxxxx@h1,h2:6379", "api.token")
	for _, secret := range []string{"s3cr3t", "hunter2", "supersecret", "pa55w0rd", "sp4ss", "sh0rtt0k"} {
		if strings.Contains(err.Error(), secret) {
			t.Errorf("error leaks %q:\n%v", secret, err)
		}
	}
}

func TestValidateReportsAllErrors(t *testing.T) {
	c := Default() // no app_id, no token
	c.Log.Format = "xml"
	err := c.Validate()
	wantErrs(t, err, "wechat.app_id", "wechat.token", "log.format")
	if n := len(strings.Split(err.Error(), "\n")); n != 3 {
		t.Errorf("got %d errors, want 3:\n%v", n, err)
	}
}
