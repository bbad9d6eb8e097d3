package configs

import "strings"

// RedactedURL returns redis.url with its password, and any query option
// whose name contains "pass", replaced by "xxxxx": safe to log. It returns
// "" when the URL is empty (the embedded store).
func (r RedisConfig) RedactedURL() string { return redactURL(r.URL.Value()) }

// RedactedURL is c.Redis.RedactedURL(), the loggable form of redis.url.
func (c *Config) RedactedURL() string { return c.Redis.RedactedURL() }

// redactURL hides the password of a URL that may be malformed. Like
// ParseRedisURL it takes the last "@" as the end of the user info, so it
// errs towards hiding too much. A value without "://" is not a URL at all
// and could be a bare password, so none of it is shown.
func redactURL(raw string) string {
	if raw == "" {
		return ""
	}
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return "xxxxx"
	}
	userinfo := ""
	if at := strings.LastIndex(rest, "@"); at >= 0 {
		user, _, hasPassword := strings.Cut(rest[:at], ":")
		userinfo = user
		if hasPassword {
			userinfo += ":xxxxx"
		}
		userinfo += "@"
		rest = rest[at+1:]
	}
	if before, query, ok := strings.Cut(rest, "?"); ok {
		rest = before + "?" + redactQuery(query)
	}
	return scheme + "://" + userinfo + rest
}

func redactQuery(q string) string {
	parts := strings.Split(q, "&")
	for i, p := range parts {
		if k, _, ok := strings.Cut(p, "="); ok && strings.Contains(strings.ToLower(k), "pass") {
			parts[i] = k + "=xxxxx"
		}
	}
	return strings.Join(parts, "&")
}
