package configs

import (
	"strings"
	"testing"
)

// TestLoadWithoutWeChat checks the loader of the commands that never talk
// to WeChat: no wechat.app_id or wechat.token is asked for, the keys they
// do use come through as with Load, and a bad value of any key is still
// named, with where it came from. Load itself keeps requiring the WeChat
// keys.
func TestLoadWithoutWeChat(t *testing.T) {
	env := []string{"WXCAST_REDIS_URL=redis://:pw@127.0.0.1:6390/0", "WXCAST_TIMEZONE=UTC", "WXCAST_REDIS_KEY_PREFIX=demo:"}
	c, err := LoadWithoutWeChat("", env)
	if err != nil {
		t.Fatalf("LoadWithoutWeChat without WeChat keys: %v", err)
	}
	if c.Redis.URL.Value() != "redis://:pw@127.0.0.1:6390/0" || c.Location.String() != "UTC" || c.Redis.KeyPrefix != "demo:" {
		t.Fatalf("got redis.url %q, timezone %v, key prefix %q", c.Redis.URL.Value(), c.Location, c.Redis.KeyPrefix)
	}
	_, err = Load("", env)
	wantErrs(t, err, "wechat.app_id: is required", "wechat.token: is required")

	// What is set is still checked, and named.
	_, err = LoadWithoutWeChat("", append(env[:1:1], "WXCAST_TIMEZONE=Mars/Olympus", "WXCAST_WECHAT_TOKEN=a b"))
	wantErrs(t, err, `timezone: unknown time zone "Mars/Olympus"`, "(from WXCAST_TIMEZONE)",
		"wechat.token: must be 3 to 32 characters", "(from WXCAST_WECHAT_TOKEN)")
	if strings.Contains(err.Error(), "wechat.app_id") {
		t.Errorf("an empty wechat.app_id is reported: %v", err)
	}
	path := writeYAML(t, "redis:\n  url: \"http://127.0.0.1:6379\"\n")
	_, err = LoadWithoutWeChat(path, nil)
	wantErrs(t, err, path+":2: redis.url:")
	_, err = LoadWithoutWeChat("", []string{"WXCAST_REDIS_ULR=redis://127.0.0.1:6379/0"})
	wantErrs(t, err, "WXCAST_REDIS_ULR")
}
