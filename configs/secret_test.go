package configs

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

const leak = "TopSecretValue42"

func TestSecretFormatting(t *testing.T) {
	s := Secret(leak)
	tests := []struct {
		format string
		want   string
	}{
		{"%v", "[redacted]"},
		{"%+v", "[redacted]"},
		{"%s", "[redacted]"},
		{"%q", `"[redacted]"`},
		{"%x", "[redacted]"},
		{"%d", "[redacted]"},
		{"%#v", `configs.Secret("[redacted]")`},
	}
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) {
			if got := fmt.Sprintf(tt.format, s); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
	if s.String() != "[redacted]" || s.Value() != leak {
		t.Errorf("String() = %q, Value() = %q", s.String(), s.Value())
	}
}

func TestEmptySecretPrintsEmpty(t *testing.T) {
	var s Secret
	if got := fmt.Sprintf("%v|%s|%q", s, s, s); got != `||""` {
		t.Errorf("got %q", got)
	}
	if b, _ := json.Marshal(s); string(b) != `""` {
		t.Errorf("JSON %s", b)
	}
}

// secretConfig is a valid Config whose every Secret holds leak.
func secretConfig(t *testing.T) *Config {
	t.Helper()
	c := validConfig()
	c.WeChat.AppSecret = leak
	c.WeChat.Token = leak
	c.WeChat.EncodingAESKey = leak + "x"
	c.WeChat.PreviousEncodingAESKey = leak + "y"
	c.Redis.URL = "redis://:" + leak + "@localhost:6379"
	c.API.Token = leak
	c.Metrics.Token = leak + "m"
	return &c
}

func TestConfigNeverPrintsSecrets(t *testing.T) {
	c := secretConfig(t)
	outputs := map[string]string{}
	for _, f := range []string{"%v", "%+v", "%s", "%#v"} {
		outputs["fmt "+f] = fmt.Sprintf(f, c)
		outputs["fmt value "+f] = fmt.Sprintf(f, *c)
		outputs["fmt wechat "+f] = fmt.Sprintf(f, c.WeChat)
	}
	j, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	outputs["json"] = string(j)
	y, err := yaml.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	outputs["yaml"] = string(y)
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("cfg", "token", c.WeChat.Token, "wechat", c.WeChat)
	outputs["slog"] = buf.String()
	outputs["redacted url"] = c.RedactedURL()
	for name, out := range outputs {
		if strings.Contains(out, leak) {
			t.Errorf("%s leaks the secret:\n%s", name, out)
		}
	}
	if !strings.Contains(outputs["json"], `"token":"[redacted]"`) {
		t.Errorf("json does not show the redacted token:\n%s", outputs["json"])
	}
}
