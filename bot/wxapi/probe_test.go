package wxapi

import (
	"context"
	"errors"
	"net/url"
	"slices"
	"strings"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/wxcast/wxcast/internal/wxsim"
)

// The account check against each kind of simulated account: what it
// confirms and what it finds missing, per docs/accounts.md, and the one
// log entry saying so.
func TestProbeAccountKinds(t *testing.T) {
	t.Parallel()
	all := []string{"openid-list broadcasts", "tag and to-all broadcasts", "previews",
		"customer-service notices", "template notices", "follower sync"}
	tests := []struct {
		kind    wxsim.AccountKind
		missing []string
	}{
		{wxsim.KindVerifiedService, nil},
		{wxsim.KindService, all},
		{wxsim.KindVerifiedSubscription, []string{"openid-list broadcasts", "template notices"}},
		{wxsim.KindSubscription, all},
		{wxsim.KindTest, []string{"openid-list broadcasts"}},
	}
	for _, tt := range tests {
		t.Run(tt.kind.String(), func(t *testing.T) {
			t.Parallel()
			appID, secret := newApp(t)
			sim.SetAccountKind(appID, tt.kind)
			client, _ := newClient(t, replicaStores(t, 1)[0], appID, secret)
			p := client.Probe(testContext(t))
			if p.Err != nil || len(p.Unknown) != 0 {
				t.Fatalf("probe: err %v, unknown %v %v", p.Err, names(p.Unknown), p.Reasons)
			}
			var present []string
			for _, n := range all {
				if !slices.Contains(tt.missing, n) {
					present = append(present, n)
				}
			}
			if got := names(p.Missing); !slices.Equal(got, tt.missing) {
				t.Errorf("missing %q, want %q", got, tt.missing)
			}
			if got := names(p.Present); !slices.Equal(got, present) {
				t.Errorf("confirmed %q, want %q", got, present)
			}

			core, logs := observer.New(zap.DebugLevel)
			p.Log(zap.New(core), simURL)
			if logs.Len() != 1 {
				t.Fatalf("%d log entries, want one summary", logs.Len())
			}
			e := logs.All()[0]
			wantLevel := zap.InfoLevel
			if len(tt.missing) > 0 {
				wantLevel = zap.WarnLevel
			}
			if e.Level != wantLevel {
				t.Errorf("level %v, want %v", e.Level, wantLevel)
			}
			missing := strings.Join(asStrings(e.ContextMap()["missing"]), "\n")
			for _, n := range tt.missing {
				if !strings.Contains(missing, n+": ") {
					t.Errorf("the log's missing %q does not explain %q", missing, n)
				}
			}
			if n := "openid-list broadcasts"; slices.Contains(tt.missing, n) && !strings.Contains(missing, "use a verified service account") {
				t.Errorf("the log's missing %q does not say which account to use", missing)
			}
			if unknown := asStrings(e.ContextMap()["unknown_until_first_use"]); len(unknown) != len(Unprobed()) {
				t.Errorf("unknown %q, want only the unprobed %q", unknown, Unprobed())
			}
		})
	}
}

// asStrings reads a zap.Strings field as the observer keeps it.
func asStrings(v any) []string {
	switch s := v.(type) {
	case []string:
		return s
	case []any:
		out := make([]string, len(s))
		for i, x := range s {
			out[i], _ = x.(string)
		}
		return out
	}
	return nil
}

// Refused tokens: the allowlist (with the IP WeChat names), a wrong
// secret, and WeChat out of reach each get their own explanation, and the
// check asks nothing further.
func TestProbeTokenRefused(t *testing.T) {
	t.Parallel()
	t.Run("ip allowlist", func(t *testing.T) {
		t.Parallel()
		appID, secret := newApp(t)
		sim.RefuseIP(appID, true)
		client, _ := newClient(t, replicaStores(t, 1)[0], appID, secret)
		p := client.Probe(testContext(t))
		if p.Code != CodeIPNotAllowed || p.IP != "127.0.0.1" || len(p.Unknown) != len(Capabilities()) {
			t.Fatalf("probe = code %d ip %q unknown %d (%v), want 40164 naming 127.0.0.1", p.Code, p.IP, len(p.Unknown), p.Err)
		}
		msg := logOnce(t, p)
		if !strings.Contains(msg, "IP allowlist") || !strings.Contains(msg, "add 127.0.0.1") {
			t.Errorf("log %q does not name the allowlist and the IP to add", msg)
		}
		for _, c := range sim.Calls(appID) {
			if c.Path == pathQuotaGet {
				t.Errorf("quota/get asked without a token")
			}
		}
	})
	t.Run("wrong secret", func(t *testing.T) {
		t.Parallel()
		appID, _ := newApp(t)
		client, _ := newClient(t, replicaStores(t, 1)[0], appID, "not-the-secret")
		p := client.Probe(testContext(t))
		if p.Code != CodeInvalidAppSecret {
			t.Fatalf("probe code %d (%v), want 40125", p.Code, p.Err)
		}
		if msg := logOnce(t, p); !strings.Contains(msg, "wechat.app_secret") {
			t.Errorf("log %q does not name wechat.app_secret", msg)
		}
	})
	t.Run("unreachable", func(t *testing.T) {
		t.Parallel()
		appID, secret := newApp(t)
		st := replicaStores(t, 1)[0]
		down := func(context.Context, bool) (string, int64, error) {
			return "", 0, &url.Error{Op: "Post", URL: "https://api.weixin.qq.com/cgi-bin/stable_token", Err: errors.New("connection refused")}
		}
		client := New(Config{AppID: appID, AppSecret: secret}, replica(t, st, appID, down, nil), st.SDKCache())
		p := client.Probe(testContext(t))
		if p.Err == nil || p.Code != 0 {
			t.Fatalf("probe err %v code %d, want a transport error", p.Err, p.Code)
		}
		if msg := logOnce(t, p); !strings.Contains(msg, "could not be asked") {
			t.Errorf("log %q does not say WeChat was out of reach", msg)
		}
	})
}

// logOnce logs p and returns its one entry's message.
func logOnce(t *testing.T, p Probe) string {
	t.Helper()
	core, logs := observer.New(zap.DebugLevel)
	p.Log(zap.New(core), simURL)
	if logs.Len() != 1 || logs.All()[0].Level != zap.WarnLevel {
		t.Fatalf("log entries %v, want one warning", logs.All())
	}
	return logs.All()[0].Message
}
