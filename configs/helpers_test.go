package configs

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/wxcast/wxcast/internal/yamlnode"
)

// Demo credentials that pass validation.
const (
	testAppID  = "wx0123456789abcdef"
	testToken  = "testToken123"
	testAESKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG" // the key of the encryption known-answer vectors
)

// validConfig returns Default with the required keys set.
func validConfig() Config {
	c := Default()
	c.WeChat.AppID = testAppID
	c.WeChat.Token = testToken
	return c
}

// writeYAML writes content to a file in a temporary directory.
func writeYAML(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "wxcast.yaml")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// requiredEnv is the environment that makes Default valid.
func requiredEnv(extra ...string) []string {
	return append([]string{
		"WXCAST_WECHAT_APP_ID=" + testAppID,
		"WXCAST_WECHAT_TOKEN=" + testToken,
	}, extra...)
}

// wantErrs fails unless err's text contains every string in want.
func wantErrs(t *testing.T, err error, want ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want one containing %q", want)
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error does not contain %q:\n%v", w, err)
		}
	}
}

// mustParseFile parses the YAML file at path into its root node.
func mustParseFile(t *testing.T, path string) *yaml.Node {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	root, err := yamlnode.Parse(data)
	if err != nil || root == nil {
		t.Fatalf("parse %s: %v", path, err)
	}
	return root
}
