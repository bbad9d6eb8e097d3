package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/wxcast/wxcast/internal/redistest"
)

// TestOfflineCommandsNeedNoWeChatKeys runs the commands that only read
// Redis and the rules with nothing but redis.url, its prefix and the rules
// file, as the demo prints them; serve and users sync still ask for the
// WeChat keys, and a bad value of a key the commands do use is named.
func TestOfflineCommandsNeedNoWeChatKeys(t *testing.T) {
	url, prefix := redistest.SharedURL(t), redistest.Prefix(t)
	ctx := context.Background()
	env := []string{"WXCAST_REDIS_URL=" + url, "WXCAST_REDIS_KEY_PREFIX=" + prefix,
		"WXCAST_RULES_FILE=../../configs/rules.example.yaml", "WXCAST_TIMEZONE=UTC"}
	for _, args := range [][]string{
		{"segment", "count", "promo_clickers"},
		{"segment", "sample", "promo_clickers"},
		{"rules", "check"},
		{"rules", "backtest", "../../configs/rules.example.yaml", "--days", "1"},
		{"audit", "--since", "1h"},
	} {
		var out, errOut bytes.Buffer
		if err := run(ctx, args, env, &out, &errOut); err != nil {
			t.Errorf("%s: %v\n%s", strings.Join(args, " "), err, errOut.String())
		}
	}
	var out bytes.Buffer
	err := run(ctx, []string{"users", "show", "oNobodyHere0000000000000001"}, env, &out, &out)
	if err == nil || !strings.Contains(err.Error(), "no follower oNobodyHere0000000000000001") {
		t.Errorf("users show of an unknown follower: %v, want the follower named", err)
	}
	for _, args := range [][]string{{"users", "sync"}, {"serve"}} {
		err := run(ctx, args, env, &out, &out)
		if err == nil || !strings.Contains(err.Error(), "wechat.app_id: is required") {
			t.Errorf("%s without wechat.app_id: %v", strings.Join(args, " "), err)
		}
	}
	bad := append(env[:2:2], "WXCAST_TIMEZONE=Asia/Nowhere")
	err = run(ctx, []string{"segment", "count", "promo_clickers"}, bad, &out, &out)
	if err == nil || !strings.Contains(err.Error(), "timezone:") || !strings.Contains(err.Error(), "WXCAST_TIMEZONE") {
		t.Errorf("segment count with a bad timezone: %v", err)
	}
}
