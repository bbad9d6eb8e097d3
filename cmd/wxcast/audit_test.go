package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/wxcast/wxcast/bot/audit"
	"github.com/wxcast/wxcast/internal/redistest"
)

func TestAuditExport(t *testing.T) {
	url, prefix := redistest.SharedURL(t), redistest.Prefix(t)
	ctx := context.Background()
	st := redistest.OpenAt(t, url, prefix)
	log := audit.New(st.Broadcasts())
	for _, cmd := range []string{"新建 vip 文本 hi", "预览 1", "批准 1"} {
		if err := log.Record(ctx, audit.Entry{At: time.Now(), By: "oA", Command: cmd, Outcome: "ok"}); err != nil {
			t.Fatal(err)
		}
	}
	env := []string{"WXCAST_REDIS_URL=" + url, "WXCAST_REDIS_KEY_PREFIX=" + prefix,
		"WXCAST_WECHAT_APP_ID=" + tAppID, "WXCAST_WECHAT_TOKEN=" + tToken, "WXCAST_WECHAT_ENCODING_AES_KEY=" + tAESKey}
	var out, errOut bytes.Buffer
	if err := run(ctx, []string{"audit", "--config", "../../configs/wxcast.example.yaml", "--since", "1h"}, env, &out, &errOut); err != nil {
		t.Fatalf("audit: %v %s", err, errOut.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 3 {
		t.Fatalf("exported %d lines, want 3:\n%s", len(lines), out.String())
	}
	var first audit.Entry
	if err := json.Unmarshal([]byte(lines[0]), &first); err != nil || first.Command != "新建 vip 文本 hi" {
		t.Fatalf("first line %q: %+v %v", lines[0], first, err)
	}
	out.Reset()
	if err := run(ctx, []string{"audit", "--config", "../../configs/wxcast.example.yaml", "--since", "2999-01-01"}, env, &out, &errOut); err != nil || out.Len() != 0 {
		t.Fatalf("future --since: %v %q", err, out.String())
	}
	if err := run(ctx, []string{"audit", "--config", "../../configs/wxcast.example.yaml", "--since", "yesterday"}, env, &out, &errOut); err == nil ||
		!strings.Contains(err.Error(), "--since") {
		t.Fatalf("bad --since: %v", err)
	}
}

func TestParseSince(t *testing.T) {
	loc := time.FixedZone("CST", 8*3600)
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, loc)
	for in, want := range map[string]time.Time{
		"72h":                  now.Add(-72 * time.Hour),
		"2026-11-01":           time.Date(2026, 11, 1, 0, 0, 0, 0, loc),
		"2026-11-01 09:30":     time.Date(2026, 11, 1, 9, 30, 0, 0, loc),
		"2026-11-01T00:00:00Z": time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC),
	} {
		got, err := parseSince(in, now, loc)
		if err != nil || !got.Equal(want) {
			t.Errorf("parseSince(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
}
