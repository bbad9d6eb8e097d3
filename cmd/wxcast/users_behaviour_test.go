package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"

	"github.com/wxcast/wxcast/bot"
	"github.com/wxcast/wxcast/bot/links"
	"github.com/wxcast/wxcast/internal/redistest"
	"github.com/wxcast/wxcast/rules"
	"github.com/wxcast/wxcast/store"
)

const behaviourCLIRules = `
attributes:
  last_order_at: time
  city: string
tags:
  - name: buyer
    when: event.type == "attributes" && "last_order_at" in event.changed
`

// TestUsersImportConversionAndShow: a follower's tracked-link click (as
// the server records it) and an import that changes a conversion
// attribute are shown by users show: the device, the click, the
// attributes event and the tag the import's rules set.
func TestUsersImportConversionAndShow(t *testing.T) {
	url, prefix := redistest.SharedURL(t), redistest.Prefix(t)
	st := redistest.OpenAt(t, url, prefix)
	dir := t.TempDir()
	rulesFile := filepath.Join(dir, "rules.yaml")
	if err := os.WriteFile(rulesFile, []byte(behaviourCLIRules), 0o644); err != nil {
		t.Fatal(err)
	}
	const a = "oBehaviourAAAAAAAAAAAAAAAAAA"
	cal := store.Calendar{Loc: time.UTC}
	b := bot.New(bot.Options{Followers: st.Followers(cal, store.Limits{}), Log: zaptest.NewLogger(t)})
	ctx := context.Background()
	if _, err := b.Handle(ctx, bot.Message{OpenID: a, CreateTime: time.Now().Unix(), MsgType: "event", Event: "subscribe"}); err != nil {
		t.Fatal(err)
	}
	ua := "Mozilla/5.0 (Linux; Android 14; PJZ110 Build/UKQ1.230924.001; wv) AppleWebKit/537.36 MicroMessenger/8.0.47.2560(0x28002F35)"
	if err := b.RecordClick(ctx, links.Click{OpenID: a, Broadcast: 12, Version: 1, Link: 0, URL: "https://shop.example.com/sale",
		UserAgent: ua, At: time.Now(), DedupID: "code-1"}); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "orders.csv")
	if err := os.WriteFile(file, []byte("openid,last_order_at\n"+a+",2026-12-01T10:00:00Z\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	env := []string{"WXCAST_REDIS_URL=" + url, "WXCAST_REDIS_KEY_PREFIX=" + prefix, "WXCAST_RULES_FILE=" + rulesFile,
		`WXCAST_RESULTS_CONVERSION_ATTRIBUTES=["last_order_at"]`}
	cli := func(args ...string) (string, error) {
		var out, errOut bytes.Buffer
		err := run(ctx, append(args, "--config", "../../configs/wxcast.example.yaml"), env, &out, &errOut)
		return out.String() + errOut.String(), err
	}
	out, err := cli("users", "import", file)
	if err != nil || !strings.Contains(out, "1 rows changed a conversion attribute") {
		t.Fatalf("users import: %v\n%s", err, out)
	}
	out, err = cli("users", "show", a)
	for _, want := range []string{"device             android, model PJZ110", "link_click broadcast 12 version B link 1: https://shop.example.com/sale",
		"attributes changed: last_order_at", "+ tag buyer", "attributes 1", "link_click 1"} {
		if err != nil || !strings.Contains(out, want) {
			t.Fatalf("users show: %v; want %q in\n%s", err, want, out)
		}
	}
	// The undeclared-conversion warning names what a write cannot change.
	rs, err := rules.Parse("r.yaml", []byte(behaviourCLIRules), rules.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := undeclaredConversions([]string{"last_order_at", "paid_at"}, rs); len(got) != 1 || got[0] != "paid_at" {
		t.Errorf("undeclared: %v", got)
	}
}
