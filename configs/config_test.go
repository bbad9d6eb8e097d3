package configs

import (
	"fmt"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

func TestDefault(t *testing.T) {
	d := Default()
	tests := []struct {
		key  string
		got  any
		want any
	}{
		{"listen", d.Listen, ":8080"},
		{"callback_path", d.CallbackPath, "/wechat"},
		{"timezone", d.Timezone, "Asia/Shanghai"},
		{"rules_file", d.RulesFile, ""},
		{"rules.max_file_size", d.Rules.MaxFileSize, int64(1 << 20)},
		{"rules.max_rules", d.Rules.MaxRules, 1000},
		{"rules.max_expr_len", d.Rules.MaxExprLen, 4096},
		{"rules.max_depth", d.Rules.MaxDepth, 64},
		{"rules.max_rule_cost", d.Rules.MaxRuleCost, int64(50_000)},
		{"rules.max_file_cost", d.Rules.MaxFileCost, int64(500_000)},
		{"callback.timestamp_tolerance", d.Callback.TimestampTolerance.D(), 300 * time.Second},
		{"callback.dedup_ttl", d.Callback.DedupTTL.D(), 10 * time.Minute},
		{"callback.reply_wait", d.Callback.ReplyWait.D(), 4 * time.Second},
		{"callback.redis_timeout", d.Callback.RedisTimeout.D(), 2500 * time.Millisecond},
		{"callback.max_body_bytes", d.Callback.MaxBodyBytes, int64(65536)},
		{"callback.allow_plaintext", d.Callback.AllowPlaintext, false},
		{"wechat.app_id", d.WeChat.AppID, ""},
		{"wechat.app_secret", d.WeChat.AppSecret, Secret("")},
		{"wechat.token", d.WeChat.Token, Secret("")},
		{"wechat.encoding_aes_key", d.WeChat.EncodingAESKey, Secret("")},
		{"wechat.previous_encoding_aes_key", d.WeChat.PreviousEncodingAESKey, Secret("")},
		{"wechat.api_base_url", d.WeChat.APIBaseURL, "https://api.weixin.qq.com"},
		{"redis.url", d.Redis.URL, Secret("")},
		{"redis.key_prefix", d.Redis.KeyPrefix, "wxcast:"},
		{"log.level", d.Log.Level, "info"},
		{"log.format", d.Log.Format, "json"},
		{"profile.history_max", d.Profile.HistoryMax, 50},
		{"profile.history_days", d.Profile.HistoryDays, 8},
		{"admins", len(d.Admins), 0},
		{"words_dir", d.WordsDir, ""},
		{"bot.language", d.Bot.Language, "zh"},
		{"bot.notify_template_id", d.Bot.NotifyTemplateID, ""},
		{"bot.admins_as_followers", d.Bot.AdminsAsFollowers, false},
		{"broadcast.allow_self_approval", d.Broadcast.AllowSelfApproval, false},
		{"broadcast.approvals_required", d.Broadcast.ApprovalsRequired, 1},
		{"broadcast.approval_ttl", d.Broadcast.ApprovalTTL.D(), 24 * time.Hour},
		{"broadcast.batch_interval", d.Broadcast.BatchInterval.D(), 30 * time.Second},
		{"broadcast.batch_size", d.Broadcast.BatchSize, 10000},
		{"broadcast.alert_failure_rate", d.Broadcast.AlertFailureRate, 0.05},
		{"broadcast.alert_unsubscribe_rate", d.Broadcast.AlertUnsubscribeRate, 0.03},
		{"broadcast.monthly_cap", d.Broadcast.MonthlyCap, 4},
		{"broadcast.daily_cap", d.Broadcast.DailyCap, 0},
		{"broadcast.quiet_hours", d.Broadcast.QuietHours.String(), "22:30-07:30"},
		{"broadcast.best_windows", fmt.Sprint(d.Broadcast.BestWindows), "[07:00-08:30 12:00-13:30 20:00-22:00]"},
		{"broadcast.measure_window", d.Broadcast.MeasureWindow.D(), 24 * time.Hour},
		{"broadcast.tag_send_above", d.Broadcast.TagSendAbove, 500000},
		{"sync.interval", d.Sync.Interval.D(), 24 * time.Hour},
		{"sync.workers", d.Sync.Workers, 16},
		{"sync.mirror_every", d.Sync.MirrorEvery.D(), 2 * time.Second},
		{"api.token", d.API.Token, Secret("")},
		{"metrics.listen", d.Metrics.Listen, ""},
		{"metrics.token", d.Metrics.Token, Secret("")},
		{"wechat.oauth_base_url", d.WeChat.OAuthBaseURL, "https://open.weixin.qq.com"},
		{"links.base_url", d.Links.BaseURL, ""},
		{"links.verify_file", d.Links.VerifyFile, ""},
		{"links.exchange_workers", d.Links.ExchangeWorkers, 4},
		{"links.exchange_queue", d.Links.ExchangeQueue, 10000},
		{"results.conversion_attributes", len(d.Results.ConversionAttributes), 0},
	}
	if len(tests) != len(leaves()) {
		t.Errorf("test covers %d keys, Config has %d", len(tests), len(leaves()))
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %v, want %v", tt.got, tt.want)
			}
		})
	}
}

func TestDefaultIsValidOnceCredentialsAreSet(t *testing.T) {
	c := validConfig()
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if c.Location == nil || c.Location.String() != "Asia/Shanghai" {
		t.Errorf("Location = %v, want Asia/Shanghai", c.Location)
	}
}

func TestLoadExample(t *testing.T) {
	c, err := Load("wxcast.example.yaml", nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Listen != "127.0.0.1:8080" || c.Redis.URL != "" || c.WeChat.AppSecret != "" {
		t.Errorf("example must listen on localhost with the embedded store and no AppSecret, got %q %q %q",
			c.Listen, c.Redis.URL.Value(), c.WeChat.AppSecret.Value())
	}
	if c.WeChat.AppID == "" || c.WeChat.Token == "" || c.WeChat.EncodingAESKey == "" {
		t.Error("example must carry demo app_id, token and encoding_aes_key")
	}
}

// TestExampleAdminLoads keeps the commented-out admin in
// wxcast.example.yaml valid: uncommented in place of "admins: []", it
// must load.
func TestExampleAdminLoads(t *testing.T) {
	data, err := os.ReadFile("wxcast.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	inAdmins := false
	for line := range strings.Lines(string(data)) {
		switch {
		case line == "admins: []\n":
			continue
		case line == "# admins:\n":
			inAdmins = true
		case inAdmins && !strings.HasPrefix(line, "#   "):
			inAdmins = false
		}
		if inAdmins {
			line = strings.TrimPrefix(line, "# ")
		}
		lines = append(lines, line)
	}
	// The copy sits elsewhere, without the rules file next to it.
	c, err := Load(writeYAML(t, strings.Join(lines, "")), []string{"WXCAST_RULES_FILE="})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Admins) != 1 || c.Admins[0].Name == "" || !slices.Equal(c.Admins[0].Roles, []string{"owner"}) {
		t.Errorf("example admin = %+v, want one owner", c.Admins)
	}
}

// TestExampleShowsEveryKey keeps wxcast.example.yaml complete.
func TestExampleShowsEveryKey(t *testing.T) {
	path := "wxcast.example.yaml"
	root := mustParseFile(t, path)
	seen := make(map[string]bool)
	collectKeys(root, "", seen)
	for _, l := range leaves() {
		if !seen[l.key] {
			t.Errorf("%s does not show key %q", path, l.key)
		}
	}
}

func collectKeys(n *yaml.Node, prefix string, seen map[string]bool) {
	if n.Kind != yaml.MappingNode {
		seen[prefix] = true
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		collectKeys(n.Content[i+1], joinKey(prefix, n.Content[i].Value), seen)
	}
}

func TestEnvNamesAreUnique(t *testing.T) {
	seen := make(map[string]string)
	for _, l := range leaves() {
		if other, dup := seen[l.env]; dup {
			t.Errorf("%s and %s both map to %s", other, l.key, l.env)
		}
		if l.env == EnvConfig {
			t.Errorf("%s maps to the reserved %s", l.key, EnvConfig)
		}
		seen[l.env] = l.key
	}
}

func TestLeavesCoverEveryField(t *testing.T) {
	want := []string{"WXCAST_LISTEN", "WXCAST_WECHAT_APP_SECRET", "WXCAST_REDIS_URL",
		"WXCAST_CALLBACK_DEDUP_TTL", "WXCAST_PROFILE_HISTORY_MAX"}
	var got []string
	for _, l := range leaves() {
		got = append(got, l.env)
		if f := reflect.ValueOf(Default()).FieldByIndex(l.index); !f.IsValid() {
			t.Errorf("%s: bad index %v", l.key, l.index)
		}
	}
	for _, w := range want {
		if !slices.Contains(got, w) {
			t.Errorf("missing %s in %v", w, got)
		}
	}
}
