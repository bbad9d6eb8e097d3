package configs

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLinksKeys(t *testing.T) {
	dir := t.TempDir()
	verify := filepath.Join(dir, "MP_verify_Ab12.txt")
	if err := os.WriteFile(verify, []byte("Ab12"), 0o600); err != nil {
		t.Fatal(err)
	}
	wrongName := filepath.Join(dir, "verify.txt")
	if err := os.WriteFile(wrongName, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "MP_verify_Big.txt")
	if err := os.WriteFile(big, []byte(strings.Repeat("x", 5000)), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		mod  func(*Config)
		want string // "" valid, else a substring of the error
	}{
		{"off", func(c *Config) {}, ""},
		{"https origin", func(c *Config) { c.Links.BaseURL = "https://wx.example.com" }, ""},
		{"trailing slash", func(c *Config) { c.Links.BaseURL = "https://wx.example.com/" }, ""},
		{"loopback http", func(c *Config) { c.Links.BaseURL = "http://127.0.0.1:8080" }, ""},
		{"localhost http", func(c *Config) { c.Links.BaseURL = "http://localhost:8080" }, ""},
		{"public http", func(c *Config) { c.Links.BaseURL = "http://wx.example.com" }, "links.base_url: must be https"},
		{"path", func(c *Config) { c.Links.BaseURL = "https://wx.example.com/wx" }, "links.base_url: must be an origin without a path"},
		{"query", func(c *Config) { c.Links.BaseURL = "https://wx.example.com?a=1" }, "links.base_url: must not have a query"},
		{"relative", func(c *Config) { c.Links.BaseURL = "wx.example.com" }, "links.base_url: must be an absolute URL"},
		{"user", func(c *Config) { c.Links.BaseURL = "https://a:b@wx.example.com" }, "links.base_url: must not carry a user"},
		{"verify ok", func(c *Config) { c.Links.BaseURL, c.Links.VerifyFile = "https://wx.example.com", verify }, ""},
		{"verify without base", func(c *Config) { c.Links.VerifyFile = verify }, "links.verify_file: needs links.base_url"},
		{"verify name", func(c *Config) { c.Links.BaseURL, c.Links.VerifyFile = "https://wx.example.com", wrongName }, "named like MP_verify_"},
		{"verify missing", func(c *Config) {
			c.Links.BaseURL, c.Links.VerifyFile = "https://wx.example.com", filepath.Join(dir, "MP_verify_None.txt")
		}, "links.verify_file: cannot read"},
		{"verify big", func(c *Config) { c.Links.BaseURL, c.Links.VerifyFile = "https://wx.example.com", big }, "has 5000 bytes"},
		{"workers 0", func(c *Config) { c.Links.ExchangeWorkers = 0 }, "links.exchange_workers: must be between 1 and 64"},
		{"queue small", func(c *Config) { c.Links.ExchangeQueue = 10 }, "links.exchange_queue"},
		{"oauth url", func(c *Config) { c.WeChat.OAuthBaseURL = "open.weixin.qq.com" }, "wechat.oauth_base_url: must be an absolute URL"},
		{"conversions ok", func(c *Config) { c.Results.ConversionAttributes = []string{"last_order_at", "plan"} }, ""},
		{"conversion name", func(c *Config) { c.Results.ConversionAttributes = []string{"Last-Order"} }, `results.conversion_attributes: [0] "Last-Order" is not an attribute name`},
		{"conversion twice", func(c *Config) { c.Results.ConversionAttributes = []string{"a", "a"} }, `[1] "a" is listed twice`},
		{"callback under /l", func(c *Config) { c.CallbackPath = "/l/wechat" }, "callback_path: \"/l/wechat\" is reserved"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := validConfig()
			tt.mod(&c)
			err := c.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("Validate: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("Validate = %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

// A relative verify_file in the config file is read next to that file.
func TestVerifyFileRelativeToConfig(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "MP_verify_X1.txt"), []byte("X1"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := "wechat:\n  app_id: wx0123456789abcdef\n  token: token123\nlinks:\n  base_url: https://wx.example.com/\n  verify_file: MP_verify_X1.txt\n"
	p := filepath.Join(dir, "wxcast.yaml")
	if err := os.WriteFile(p, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(p, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(dir, "MP_verify_X1.txt"); c.Links.VerifyFile != want {
		t.Errorf("verify_file = %q, want %q", c.Links.VerifyFile, want)
	}
	if c.Links.BaseURL != "https://wx.example.com" {
		t.Errorf("base_url = %q, want the trailing / trimmed", c.Links.BaseURL)
	}
}
