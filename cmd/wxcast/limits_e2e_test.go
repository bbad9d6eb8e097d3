package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"

	"github.com/wxcast/wxcast/configs"
	"github.com/wxcast/wxcast/internal/redistest"
	"github.com/wxcast/wxcast/internal/wxsim"
	"github.com/wxcast/wxcast/rules"
)

// hostileRules are rules files that once crashed or stalled the server,
// with what refuses each.
func hostileRules() []struct{ name, src, want string } {
	withTags := func(tags string) string { return strings.Replace(e2eRules, "tags:\n", "tags:\n"+tags, 1) }
	var costly strings.Builder
	for i := range 300 {
		fmt.Fprintf(&costly, "  - name: slow%d\n    when: 'any(1..4999, {# < 0})'\n", i)
	}
	return []struct{ name, src, want string }{
		// ~700,000 ! overflowed expr's parser stack: a fatal error.
		{"deep", withTags("  - name: deep\n    when: \"" + strings.Repeat("!", 700_000) + "true\"\n"), "(rules.max_expr_len)"},
		{"big", e2eRules + "# " + strings.Repeat("x", 2<<20) + "\n", "(rules.max_file_size)"},
		{"costly", withTags(costly.String()), "(rules.max_file_cost)"},
	}
}

// TestHostileRulesFileKeepsLiveRules: a running server refuses each
// hostile version of its rules file on hot reload, keeps answering with
// the live rules, and rules check refuses the same files with the place
// and the limit instead of crashing.
func TestHostileRulesFileKeepsLiveRules(t *testing.T) {
	url, prefix := redistest.SharedURL(t), redistest.Prefix(t)
	rulesFile := filepath.Join(t.TempDir(), "rules.yaml")
	if err := os.WriteFile(rulesFile, []byte(e2eRules), 0o644); err != nil {
		t.Fatal(err)
	}
	live, err := rules.Parse(rulesFile, []byte(e2eRules), rules.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addr, done, logs := startServeLogged(t, ctx, []string{"WXCAST_REDIS_URL=" + url, "WXCAST_REDIS_KEY_PREFIX=" + prefix,
		"WXCAST_RULES_FILE=" + rulesFile})
	t.Cleanup(func() { cancel(); <-done })
	c, err := wxsim.NewClient(wxsim.ClientConfig{URL: "http://" + addr + "/wechat", Token: tToken,
		EncodingAESKey: tAESKey, AppID: tAppID, OriginalID: "gh_cmd", Mode: wxsim.ModeSafe})
	if err != nil {
		t.Fatal(err)
	}

	for i, h := range hostileRules() {
		if err := os.WriteFile(rulesFile, []byte(h.src), 0o644); err != nil {
			t.Fatal(err)
		}
		waitFor(t, 15*time.Second, h.name+" file refused", func() bool {
			for _, e := range logs.FilterMessage("rules file refused; keeping the live rules").All() {
				if f, _ := e.ContextMap()["error"].(string); strings.Contains(f, rulesFile+":") && strings.Contains(f, h.want) {
					return true
				}
			}
			return false
		})
		if v := readyRules(t, addr); v != live.Version {
			t.Fatalf("after the %s file, readyz shows rules %q, want the live %q", h.name, v, live.Version)
		}
		res, err := c.Send(ctx, wxsim.Text("oLimits", "请问价格", int64(100+i)))
		if err != nil || res.Status != 200 || !containsContent(res.Plain, "价格请看菜单") {
			t.Fatalf("after the %s file, a reply rule: %v %+v", h.name, err, res)
		}

		var out, errs bytes.Buffer
		err = run(ctx, []string{"rules", "check", rulesFile}, nil, &out, &errs)
		if err == nil || !strings.Contains(errs.String(), rulesFile+":") || !strings.Contains(errs.String(), h.want) {
			t.Fatalf("rules check of the %s file: %v\nstdout %s\nstderr %.500s", h.name, err, out.String(), errs.String())
		}
	}
}

// TestServeRefusesHostileRulesAtStart: a server started on a hostile
// rules file stops with an error naming rules_file, the place and the
// limit, instead of dying in expr's parser.
func TestServeRefusesHostileRulesAtStart(t *testing.T) {
	url, prefix := redistest.SharedURL(t), redistest.Prefix(t)
	for _, h := range hostileRules() {
		t.Run(h.name, func(t *testing.T) {
			rulesFile := filepath.Join(t.TempDir(), "rules.yaml")
			if err := os.WriteFile(rulesFile, []byte(h.src), 0o644); err != nil {
				t.Fatal(err)
			}
			cfg, err := configs.Load("../../configs/wxcast.example.yaml", []string{"WXCAST_LISTEN=127.0.0.1:0",
				"WXCAST_WECHAT_APP_ID=" + tAppID, "WXCAST_WECHAT_TOKEN=" + tToken, "WXCAST_WECHAT_ENCODING_AES_KEY=" + tAESKey,
				"WXCAST_REDIS_URL=" + url, "WXCAST_REDIS_KEY_PREFIX=" + prefix, "WXCAST_RULES_FILE=" + rulesFile})
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			err = serve(ctx, cfg, zaptest.NewLogger(t), func(running) { t.Error("serve started"); cancel() })
			if err == nil || !strings.HasPrefix(err.Error(), "rules_file:") || !strings.Contains(err.Error(), rulesFile+":") ||
				!strings.Contains(err.Error(), h.want) {
				t.Fatalf("serve: %.500v", err)
			}
		})
	}
}
