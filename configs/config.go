package configs

import "time"

// Config is wxcast's whole configuration.
//
// The comment on each field is its entry in docs/configuration.md: keep it
// a single sentence or two, without "|".
type Config struct {
	// Address the HTTP server listens on, as host:port; an empty host means all interfaces.
	Listen string `yaml:"listen" json:"listen"`
	// URL path WeChat's callbacks are posted to; must match the URL set in the WeChat console.
	CallbackPath string `yaml:"callback_path" json:"callback_path"`
	// IANA time zone used for dates shown to people and for day boundaries, e.g. "Asia/Shanghai" or "UTC".
	Timezone string `yaml:"timezone" json:"timezone"`
	// The rules file (tags, segments, replies); a relative path in the config file is relative to that file's directory. Empty runs without rules.
	RulesFile string `yaml:"rules_file" json:"rules_file"`
	// Directory of content-check word lists (one <category>.txt per category, plus allow.txt); a relative path in the config file is relative to that file's directory. Empty uses the built-in lists.
	WordsDir string         `yaml:"words_dir" json:"words_dir"`
	Rules    RulesConfig    `yaml:"rules" json:"rules"`
	Callback CallbackConfig `yaml:"callback" json:"callback"`
	WeChat   WeChatConfig   `yaml:"wechat" json:"wechat"`
	Redis    RedisConfig    `yaml:"redis" json:"redis"`
	Log      LogConfig      `yaml:"log" json:"log"`
	Profile  ProfileConfig  `yaml:"profile" json:"profile"`
	// Admins who run broadcasts from WeChat chat; anyone else is an ordinary follower. Empty turns the admin bot off.
	Admins    []Admin         `yaml:"admins" json:"admins"`
	Bot       BotConfig       `yaml:"bot" json:"bot"`
	Broadcast BroadcastConfig `yaml:"broadcast" json:"broadcast"`
	Sync      SyncConfig      `yaml:"sync" json:"sync"`
	API       APIConfig       `yaml:"api" json:"api"`
	Metrics   MetricsConfig   `yaml:"metrics" json:"metrics"`
	Links     LinksConfig     `yaml:"links" json:"links"`
	Results   ResultsConfig   `yaml:"results" json:"results"`

	// Location is Timezone loaded by Validate; not read from YAML.
	Location *time.Location `yaml:"-" json:"-"`
}

// RulesConfig bounds what a rules file may ask of the server; a file over
// a limit is refused (at start, on reload and by rules check) with the
// place and the key.
type RulesConfig struct {
	// Largest rules file read, in bytes (1024 to 16777216).
	MaxFileSize int64 `yaml:"max_file_size" json:"max_file_size"`
	// Most rules (tags, segments and replies together) in a rules file (1 to 100000).
	MaxRules int `yaml:"max_rules" json:"max_rules"`
	// Longest expression, in bytes (64 to 65536).
	MaxExprLen int `yaml:"max_expr_len" json:"max_expr_len"`
	// Deepest nesting of brackets, unary operators and conditionals in an expression (8 to 1000).
	MaxDepth int `yaml:"max_depth" json:"max_depth"`
	// Highest static cost of one rule: an upper bound on its work per run, see docs/rules.md (100 to 1000000000).
	MaxRuleCost int64 `yaml:"max_rule_cost" json:"max_rule_cost"`
	// Highest static cost of all rules of the file together, roughly what one callback may cost at worst (100 to 1000000000).
	MaxFileCost int64 `yaml:"max_file_cost" json:"max_file_cost"`
}

// CallbackConfig tunes how WeChat's callbacks are accepted.
type CallbackConfig struct {
	// A callback whose timestamp is further than this from the server clock is refused as a replay; one whose CreateTime is further ahead is answered success and not recorded.
	TimestampTolerance Duration `yaml:"timestamp_tolerance" json:"timestamp_tolerance"`
	// How long a delivered callback's id is remembered to drop WeChat's retries; at least 1m.
	DedupTTL Duration `yaml:"dedup_ttl" json:"dedup_ttl"`
	// Longest a retried delivery waits for the first delivery's answer (and never past 1s after the first began); 0 to 4.5s, since WeChat gives up after 5s.
	ReplyWait Duration `yaml:"reply_wait" json:"reply_wait"`
	// Longest any one Redis call of a callback may take before the callback is answered 503 (WeChat then retries), so a hung Redis does not outlast WeChat's 5s; 100ms to 4s.
	RedisTimeout Duration `yaml:"redis_timeout" json:"redis_timeout"`
	// Largest callback body accepted, in bytes (1024 to 1048576).
	MaxBodyBytes int64 `yaml:"max_body_bytes" json:"max_body_bytes"`
	// Accept plaintext callbacks although encoding_aes_key is set; only while switching the console's mode, since a plaintext signature does not cover the body.
	AllowPlaintext bool `yaml:"allow_plaintext" json:"allow_plaintext"`
}

// WeChatConfig identifies the Official Account and holds its credentials.
type WeChatConfig struct {
	// The Official Account's AppID (开发者ID), from the WeChat console.
	AppID string `yaml:"app_id" json:"app_id"`
	// The AppSecret (开发者密码); empty disables calls to the WeChat API (replies to callbacks still work).
	AppSecret Secret `yaml:"app_secret" json:"app_secret"`
	// The callback Token (令牌) set in the WeChat console: 3 to 32 characters from [A-Za-z0-9].
	Token Secret `yaml:"token" json:"token"`
	// The EncodingAESKey (消息加解密密钥): 43 characters from [A-Za-z0-9]; empty allows plaintext mode only.
	EncodingAESKey Secret `yaml:"encoding_aes_key" json:"encoding_aes_key"`
	// The EncodingAESKey before the last rotation; decryption falls back to it. Needs encoding_aes_key.
	PreviousEncodingAESKey Secret `yaml:"previous_encoding_aes_key" json:"previous_encoding_aes_key"`
	// Base URL of the WeChat API, e.g. to go through a proxy; a trailing "/" is removed.
	APIBaseURL string `yaml:"api_base_url" json:"api_base_url"`
	// Base URL of WeChat's web authorization page (网页授权) tracked links pass through; a trailing "/" is removed.
	OAuthBaseURL string `yaml:"oauth_base_url" json:"oauth_base_url"`
}

// RedisConfig says where follower profiles and callback ids are kept.
type RedisConfig struct {
	// Redis URL (see "Redis URL forms"); empty uses an embedded in-memory store that is lost on restart.
	URL Secret `yaml:"url" json:"url"`
	// Prefix of every Redis key wxcast writes; may be empty; no "{", "}" or whitespace.
	KeyPrefix string `yaml:"key_prefix" json:"key_prefix"`
}

// LogConfig sets up the logger.
type LogConfig struct {
	// Lowest level logged: debug, info, warn or error.
	Level string `yaml:"level" json:"level"`
	// Log encoding: json (one object per line) or console (human-readable).
	Format string `yaml:"format" json:"format"`
}

// ProfileConfig bounds what is kept per follower.
type ProfileConfig struct {
	// Number of recent events kept per follower (1 to 1000).
	HistoryMax int `yaml:"history_max" json:"history_max"`
	// Events older than this many days are dropped from a follower's history (1 to 90).
	HistoryDays int `yaml:"history_days" json:"history_days"`
}

// Admin is one person allowed to run admin commands.
type Admin struct {
	// Their openid in this Official Account, as `wxcast admins add` prints it: 1 to 64 characters from [A-Za-z0-9_-], unique among admins.
	OpenID string `yaml:"openid" json:"openid"`
	// Shown in replies and the audit log; 1 to 32 characters.
	Name string `yaml:"name" json:"name"`
	// One or more of editor (create, preview, send and cancel their own broadcasts), approver (preview, approve, reject and send) and owner (everything, including pause, resume, retract and audit).
	Roles []string `yaml:"roles" json:"roles"`
}

// BotConfig tunes the admin bot.
type BotConfig struct {
	// Language of the bot's replies to admins: zh or en.
	Language string `yaml:"language" json:"language"`
	// Template message id used to reach an admin when a customer-service message cannot (outside the 48 h window or over quota); empty keeps the notice in the list and status commands only. The template needs a {{content.DATA}} field.
	NotifyTemplateID string `yaml:"notify_template_id" json:"notify_template_id"`
	// Count admins' own messages and events as follower behaviour (profile, tags, replies).
	AdminsAsFollowers bool `yaml:"admins_as_followers" json:"admins_as_followers"`
}

// BroadcastConfig sets how broadcasts are approved and sent.
type BroadcastConfig struct {
	// Let a broadcast's creator approve it too, for a team of one.
	AllowSelfApproval bool `yaml:"allow_self_approval" json:"allow_self_approval"`
	// Distinct approvers a broadcast needs before it can be sent (1 to 5); at most the number of admins with the approver or owner role.
	ApprovalsRequired int `yaml:"approvals_required" json:"approvals_required"`
	// How long an approval stays valid (1m to 720h).
	ApprovalTTL Duration `yaml:"approval_ttl" json:"approval_ttl"`
	// Pause between two mass-send batches (0 to 1h).
	BatchInterval Duration `yaml:"batch_interval" json:"batch_interval"`
	// Most followers in one mass-send call (3 to 10000, WeChat's limit); smaller batches spread a broadcast out.
	BatchSize int `yaml:"batch_size" json:"batch_size"`
	// Share of failed recipients above which owners are alerted when a broadcast finishes, e.g. 0.05 for 5% (0 to 1).
	AlertFailureRate float64 `yaml:"alert_failure_rate" json:"alert_failure_rate"`
	// Share of a broadcast's recipients who unsubscribe within 24 h of receiving it above which its remaining batches pause and owners are alerted (0 to 1).
	AlertUnsubscribeRate float64 `yaml:"alert_unsubscribe_rate" json:"alert_unsubscribe_rate"`
	// Most broadcasts a follower receives per calendar month in timezone (WeChat's limit for service accounts is 4); 0 turns the cap off.
	MonthlyCap int `yaml:"monthly_cap" json:"monthly_cap"`
	// Most broadcasts a follower receives per day in timezone (set 1 for a subscription account); 0 turns the cap off.
	DailyCap int `yaml:"daily_cap" json:"daily_cap"`
	// Daily span "HH:MM-HH:MM" in which no broadcast starts unless an owner overrides; empty allows any time.
	QuietHours ClockRange `yaml:"quiet_hours" json:"quiet_hours"`
	// Daily spans "send <id> best" picks from: the next one that has not ended and does not start in quiet_hours.
	BestWindows ClockRanges `yaml:"best_windows" json:"best_windows"`
	// Audience above which a broadcast sends by WeChat tag (one temporary tag and one mass/sendall per version) instead of openid batches (2 to 1000000000); a plan whose openid batches do not fit today's remaining mass-send quota sends by tag too. Reminder series always use openid batches.
	TagSendAbove int `yaml:"tag_send_above" json:"tag_send_above"`
	// How long after their batch a follower's callbacks, clicks and conversions count for a broadcast, in its results (1h to 168h; 状态 may ask for another window).
	MeasureWindow Duration `yaml:"measure_window" json:"measure_window"`
}

// SyncConfig sets how followers and tags are kept in step with WeChat.
type SyncConfig struct {
	// How often the server syncs followers from WeChat by itself (as wxcast users sync does), one replica at a time; 0 turns it off, otherwise at least 1h. Needs wechat.app_secret.
	Interval Duration `yaml:"interval" json:"interval"`
	// Concurrent user/info/batchget calls of a sync (1 to 32).
	Workers int `yaml:"workers" json:"workers"`
	// How often queued WeChat tag changes (from tag rules with wechat_tag) are sent to WeChat; changes within one period are batched (100ms to 1m).
	MirrorEvery Duration `yaml:"mirror_every" json:"mirror_every"`
}

// APIConfig guards wxcast's HTTP API for other systems (PUT /api/followers/{openid}/attributes).
type APIConfig struct {
	// Bearer token other systems send as "Authorization: Bearer TOKEN": 16 to 256 visible ASCII characters; empty turns the API off.
	Token Secret `yaml:"token" json:"token"`
}

// MetricsConfig says where and to whom GET /metrics answers.
type MetricsConfig struct {
	// Address of a listener of its own for /metrics, as host:port (e.g. "127.0.0.1:9090" or a private address); /metrics then answers 404 on listen. Empty serves /metrics on listen, next to the callback.
	Listen string `yaml:"listen" json:"listen"`
	// Bearer token /metrics requires, as "Authorization: Bearer TOKEN": 16 to 256 visible ASCII characters; empty requires none.
	Token Secret `yaml:"token" json:"token"`
}

// LinksConfig sets up tracked links: the links of text broadcasts pass
// through wxcast, which learns who clicked (see docs/links.md).
type LinksConfig struct {
	// The account's public HTTPS origin, e.g. "https://wx.example.com", whose domain is the console's web authorization domain (网页授权域名); links in text broadcasts are rewritten at preview to <base_url>/l/<code>. Empty leaves links as written. Plain http only for a loopback host.
	BaseURL string `yaml:"base_url" json:"base_url"`
	// The domain-check file the console gives when the web authorization domain is set (MP_verify_….txt), served at the root of base_url under its own name; a relative path in the config file is relative to that file's directory.
	VerifyFile string `yaml:"verify_file" json:"verify_file"`
	// Concurrent sns/oauth2/access_token calls that turn authorization codes into clickers (1 to 64).
	ExchangeWorkers int `yaml:"exchange_workers" json:"exchange_workers"`
	// Most authorization codes waiting for an exchange; a click beyond it counts as anonymous (100 to 1000000).
	ExchangeQueue int `yaml:"exchange_queue" json:"exchange_queue"`
}

// ResultsConfig sets what counts as a broadcast's result.
type ResultsConfig struct {
	// Business attributes (declared in the rules file) whose change through the attributes API or an import is a conversion: an attributes event rules see, counted in broadcast results; e.g. [last_order_at].
	ConversionAttributes []string `yaml:"conversion_attributes" json:"conversion_attributes"`
}

// Default returns the configuration with every key at its default value.
// It does not validate: the WeChat credentials have no default.
func Default() Config {
	return Config{
		Listen:       ":8080",
		CallbackPath: "/wechat",
		Timezone:     "Asia/Shanghai",
		Rules: RulesConfig{
			MaxFileSize: 1 << 20,
			MaxRules:    1000,
			MaxExprLen:  4 << 10,
			MaxDepth:    64,
			MaxRuleCost: 50_000,
			MaxFileCost: 500_000,
		},
		Callback: CallbackConfig{
			TimestampTolerance: Duration{300 * time.Second},
			DedupTTL:           Duration{10 * time.Minute},
			ReplyWait:          Duration{4 * time.Second},
			RedisTimeout:       Duration{2500 * time.Millisecond},
			MaxBodyBytes:       64 << 10,
		},
		WeChat: WeChatConfig{
			APIBaseURL:   "https://api.weixin.qq.com",
			OAuthBaseURL: "https://open.weixin.qq.com",
		},
		Redis: RedisConfig{
			KeyPrefix: "wxcast:",
		},
		Log: LogConfig{
			Level:  "info",
			Format: "json",
		},
		Profile: ProfileConfig{
			HistoryMax:  50,
			HistoryDays: 8,
		},
		Bot: BotConfig{
			Language: "zh",
		},
		Broadcast: BroadcastConfig{
			ApprovalsRequired:    1,
			ApprovalTTL:          Duration{24 * time.Hour},
			BatchInterval:        Duration{30 * time.Second},
			BatchSize:            10000,
			AlertFailureRate:     0.05,
			AlertUnsubscribeRate: 0.03,
			MonthlyCap:           4,
			QuietHours:           ClockRange{From: 22*60 + 30, To: 7*60 + 30},
			BestWindows: ClockRanges{
				{From: 7 * 60, To: 8*60 + 30}, {From: 12 * 60, To: 13*60 + 30}, {From: 20 * 60, To: 22 * 60},
			},
			MeasureWindow: Duration{24 * time.Hour},
			TagSendAbove:  500_000,
		},
		Sync: SyncConfig{
			Interval:    Duration{24 * time.Hour},
			Workers:     16,
			MirrorEvery: Duration{2 * time.Second},
		},
		Links: LinksConfig{
			ExchangeWorkers: 4,
			ExchangeQueue:   10000,
		},
	}
}
