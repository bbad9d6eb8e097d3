package configs

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path"
	"strconv"
	"strings"
	"time"
	"unicode"

	// Embed the time zone database so that the default "Asia/Shanghai"
	// loads on machines without tzdata (minimal containers, Windows).
	_ "time/tzdata"
)

// Validate checks every key and reports all problems at once, joined with
// errors.Join; each is a *FieldError naming its key. It also normalizes:
// it sets Location from Timezone, lower-cases log.level, log.format,
// bot.language and every admin's roles, and trims trailing "/" from
// wechat.api_base_url.
func (c *Config) Validate() error { return c.validate(nil, true) }

// check is the outcome of validating one key; err is nil when it is fine.
type check struct {
	key string
	err error
}

// validate checks every key; with wechat false, an empty wechat.app_id or
// wechat.token passes (a value that is set is still checked).
func (c *Config) validate(origins map[string]origin, wechat bool) error {
	c.WeChat.APIBaseURL = strings.TrimRight(c.WeChat.APIBaseURL, "/")
	c.WeChat.OAuthBaseURL = strings.TrimRight(c.WeChat.OAuthBaseURL, "/")
	c.Links.BaseURL = strings.TrimRight(c.Links.BaseURL, "/")
	c.Log.Level = strings.ToLower(c.Log.Level)
	c.Log.Format = strings.ToLower(c.Log.Format)
	c.Bot.Language = strings.ToLower(c.Bot.Language)
	w, cb, bc := c.WeChat, c.Callback, c.Broadcast
	checks := []check{
		{"listen", checkListen(c.Listen)},
		{"callback_path", checkCallbackPath(c.CallbackPath)},
		{"timezone", c.loadLocation()},
		{"rules_file", checkReadable(c.RulesFile)},
		{"words_dir", checkDir(c.WordsDir)},
		{"rules.max_file_size", checkBetween(c.Rules.MaxFileSize, 1024, 16<<20)},
		{"rules.max_rules", checkBetween(c.Rules.MaxRules, 1, 100_000)},
		{"rules.max_expr_len", checkBetween(c.Rules.MaxExprLen, 64, 64<<10)},
		{"rules.max_depth", checkBetween(c.Rules.MaxDepth, 8, 1000)},
		{"rules.max_rule_cost", checkBetween(c.Rules.MaxRuleCost, 100, 1_000_000_000)},
		{"rules.max_file_cost", checkBetween(c.Rules.MaxFileCost, 100, 1_000_000_000)},
		{"callback.timestamp_tolerance", checkPositive(cb.TimestampTolerance.Duration)},
		{"callback.dedup_ttl", checkAtLeast(cb.DedupTTL.Duration, time.Minute)},
		{"callback.reply_wait", checkBetween(cb.ReplyWait.Duration, 0, 4500*time.Millisecond)},
		{"callback.redis_timeout", checkBetween(cb.RedisTimeout.Duration, 100*time.Millisecond, 4*time.Second)},
		{"callback.max_body_bytes", checkBetween(cb.MaxBodyBytes, 1024, 1<<20)},
		{"wechat.app_id", unlessEmpty(!wechat, w.AppID, checkAppID)},
		{"wechat.app_secret", checkNoSpace(w.AppSecret.Value())},
		{"wechat.token", unlessEmpty(!wechat, w.Token.Value(), checkToken)},
		{"wechat.encoding_aes_key", checkAESKey(w.EncodingAESKey.Value())},
		{"wechat.previous_encoding_aes_key", checkPreviousAESKey(w)},
		{"wechat.api_base_url", checkBaseURL(w.APIBaseURL)},
		{"wechat.oauth_base_url", checkBaseURL(w.OAuthBaseURL)},
		{"redis.url", checkRedisURL(c.Redis.URL.Value())},
		{"redis.key_prefix", checkKeyPrefix(c.Redis.KeyPrefix)},
		{"log.level", checkOneOf(c.Log.Level, "debug", "info", "warn", "error")},
		{"log.format", checkOneOf(c.Log.Format, "json", "console")},
		{"profile.history_max", checkBetween(c.Profile.HistoryMax, 1, 1000)},
		{"profile.history_days", checkBetween(c.Profile.HistoryDays, 1, 90)},
		{"bot.language", checkOneOf(c.Bot.Language, "zh", "en")},
		{"bot.notify_template_id", checkNoSpace(c.Bot.NotifyTemplateID)},
		{"broadcast.approvals_required", checkBetween(bc.ApprovalsRequired, 1, 5)},
		{"broadcast.approval_ttl", checkBetween(bc.ApprovalTTL.Duration, time.Minute, 720*time.Hour)},
		{"broadcast.batch_interval", checkBetween(bc.BatchInterval.Duration, 0, time.Hour)},
		{"broadcast.batch_size", checkBetween(bc.BatchSize, 3, 10000)},
		{"broadcast.alert_failure_rate", checkBetween(bc.AlertFailureRate, 0, 1)},
		{"broadcast.alert_unsubscribe_rate", checkBetween(bc.AlertUnsubscribeRate, 0, 1)},
		{"broadcast.monthly_cap", checkBetween(bc.MonthlyCap, 0, 100)},
		{"broadcast.daily_cap", checkBetween(bc.DailyCap, 0, 10)},
		{"broadcast.best_windows", checkBestWindows(bc.BestWindows, bc.QuietHours)},
		{"broadcast.measure_window", checkBetween(bc.MeasureWindow.Duration, time.Hour, 168*time.Hour)},
		{"broadcast.tag_send_above", checkBetween(bc.TagSendAbove, 2, 1_000_000_000)},
		{"sync.interval", checkOffOrAtLeast(c.Sync.Interval.Duration, time.Hour)},
		{"sync.workers", checkBetween(c.Sync.Workers, 1, 32)},
		{"sync.mirror_every", checkBetween(c.Sync.MirrorEvery.Duration, 100*time.Millisecond, time.Minute)},
		{"api.token", checkAPIToken(c.API.Token.Value())},
		{"metrics.listen", checkMetricsListen(c.Metrics.Listen, c.Listen)},
		{"metrics.token", checkBearerToken(c.Metrics.Token.Value(), "require none")},
		{"links.base_url", checkLinksBaseURL(c.Links.BaseURL)},
		{"links.verify_file", checkVerifyFile(c.Links.VerifyFile, c.Links.BaseURL)},
		{"links.exchange_workers", checkBetween(c.Links.ExchangeWorkers, 1, 64)},
		{"links.exchange_queue", checkBetween(c.Links.ExchangeQueue, 100, 1_000_000)},
		{"results.conversion_attributes", checkAttributeNames(c.Results.ConversionAttributes)},
	}
	checks = append(checks, c.checkAdmins()...)
	var errs []error
	for _, ch := range checks {
		if ch.err != nil {
			errs = append(errs, originOf(origins, ch.key).fieldError(ch.key, ch.err))
		}
	}
	return errors.Join(errs...)
}

// checkOffOrAtLeast accepts 0 (off) or a duration of at least least.
func checkOffOrAtLeast(d, least time.Duration) error {
	if d != 0 && d < least {
		return fmt.Errorf("must be 0 (off) or at least %v, got %v", least, d)
	}
	return nil
}

func checkListen(s string) error {
	if s == "" {
		return errors.New("must not be empty; use host:port, e.g. \":8080\"")
	}
	_, port, err := net.SplitHostPort(s)
	if err != nil {
		return fmt.Errorf("must be host:port, e.g. \":8080\", got %q", s)
	}
	if _, err := strconv.ParseUint(port, 10, 16); err != nil {
		return fmt.Errorf("port must be a number from 0 to 65535, got %q", port)
	}
	return nil
}

func checkCallbackPath(p string) error {
	switch {
	case !strings.HasPrefix(p, "/"):
		return fmt.Errorf("must start with \"/\", got %q", p)
	case strings.IndexFunc(p, unicode.IsSpace) >= 0:
		return fmt.Errorf("must not contain whitespace, got %q", p)
	case strings.ContainsAny(p, "?#"):
		return fmt.Errorf("must be a path without \"?\" or \"#\", got %q", p)
	}
	switch c := path.Clean(p); {
	case c == "/healthz", c == "/readyz", c == "/metrics", c == "/l", strings.HasPrefix(c, "/l/"):
		return fmt.Errorf("%q is reserved for wxcast's own endpoints", p)
	}
	return nil
}

func (c *Config) loadLocation() error {
	c.Location = nil
	if c.Timezone == "" {
		return errors.New("must not be empty; use \"UTC\" for UTC")
	}
	loc, err := time.LoadLocation(c.Timezone)
	if err != nil {
		return fmt.Errorf("unknown time zone %q, want an IANA name such as \"Asia/Shanghai\" or \"UTC\"", c.Timezone)
	}
	c.Location = loc
	return nil
}

func checkPositive(d time.Duration) error {
	if d <= 0 {
		return fmt.Errorf("must be greater than 0, got %v", d)
	}
	return nil
}

func checkAtLeast[T time.Duration | int | int64](v, lo T) error {
	if v < lo {
		return fmt.Errorf("must be at least %v, got %v", lo, v)
	}
	return nil
}

func checkBetween[T time.Duration | int | int64 | float64](v, lo, hi T) error {
	if !(v >= lo && v <= hi) { // not v < lo || v > hi: a NaN must fail too
		return fmt.Errorf("must be between %v and %v, got %v", lo, hi, v)
	}
	return nil
}

func checkOneOf(v string, allowed ...string) error {
	for _, a := range allowed {
		if v == a {
			return nil
		}
	}
	return fmt.Errorf("must be one of %s, got %q", strings.Join(allowed, ", "), v)
}

func checkNoSpace(s string) error {
	if strings.IndexFunc(s, unicode.IsSpace) >= 0 {
		return errors.New("must not contain whitespace")
	}
	return nil
}

func checkKeyPrefix(s string) error {
	if strings.ContainsAny(s, "{}") || strings.IndexFunc(s, unicode.IsSpace) >= 0 {
		return fmt.Errorf("must not contain \"{\", \"}\" or whitespace (the store uses {hash tags}), got %q", s)
	}
	return nil
}

func checkBaseURL(s string) error {
	u, err := url.Parse(s)
	switch {
	case err != nil || !u.IsAbs() || u.Host == "":
		return fmt.Errorf("must be an absolute URL such as \"https://api.weixin.qq.com\", got %q", s)
	case u.Scheme != "http" && u.Scheme != "https":
		return fmt.Errorf("scheme must be http or https, got %q", s)
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		return fmt.Errorf("must not have a query or fragment, got %q", s)
	}
	return nil
}

// checkReadable accepts "" or a file that can be opened.
func checkReadable(p string) error {
	if p == "" {
		return nil
	}
	f, err := os.Open(p)
	if err != nil {
		return fmt.Errorf("cannot read %q: %w", p, errors.Unwrap(err))
	}
	_ = f.Close()
	return nil
}

// checkDir accepts "" or a directory that can be read.
func checkDir(p string) error {
	if p == "" {
		return nil
	}
	fi, err := os.Stat(p)
	if err != nil {
		return fmt.Errorf("cannot read %q: %w", p, errors.Unwrap(err))
	}
	if !fi.IsDir() {
		return fmt.Errorf("%q is not a directory", p)
	}
	return nil
}

// checkBestWindows refuses a best window wholly inside the quiet hours:
// "send <id> best" could never use it. One that only starts in them (the
// default 07:00-08:30 against quiet hours until 07:30) is used from the
// end of the quiet hours on.
func checkBestWindows(best ClockRanges, quiet ClockRange) error {
	for _, w := range best {
		if _, ok := w.FirstOutside(quiet); !ok {
			return fmt.Errorf("window %s lies wholly inside broadcast.quiet_hours %s", w, quiet)
		}
	}
	return nil
}

// checkAPIToken accepts "" (API off) or a bearer token long enough not to
// be guessed, in characters an Authorization header carries as they are.
func checkAPIToken(s string) error { return checkBearerToken(s, "turn the API off") }

// checkMetricsListen accepts "" (/metrics on listen) or a host:port other
// than listen's (port 0, a free port, is never the same).
func checkMetricsListen(s, listen string) error {
	if s == "" {
		return nil
	}
	if err := checkListen(s); err != nil {
		return err
	}
	if _, port, _ := net.SplitHostPort(s); s == listen && port != "0" {
		return fmt.Errorf("must differ from listen (%q); leave it empty to serve /metrics there", listen)
	}
	return nil
}

// checkBearerToken accepts "" or a bearer token long enough not to be
// guessed, in characters an Authorization header carries as they are;
// empty says what leaving it empty does.
func checkBearerToken(s, empty string) error {
	n := len(s)
	if n == 0 {
		return nil
	}
	for i := 0; i < n; i++ {
		if s[i] <= ' ' || s[i] > '~' {
			return fmt.Errorf("must be visible ASCII characters without spaces, got %d bytes including others", n)
		}
	}
	if n < 16 || n > 256 {
		return fmt.Errorf("must be 16 to 256 characters (e.g. openssl rand -hex 24), got %d characters; leave it empty to %s", n, empty)
	}
	return nil
}
