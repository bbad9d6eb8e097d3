package wxapi

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/silenceper/wechat/v2/util"
)

// TestMain has routed the SDK to the simulator; RouteSDK must keep that
// route for the same URL and refuse any other without changing it.
func TestRouteSDK(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		url     string
		wantErr []string // substrings of the error; nil for success
	}{
		{"same URL again", simURL, nil},
		{"another URL", "http://127.0.0.1:1/wechat", []string{simURL, "http://127.0.0.1:1/wechat"}},
		{"relative", "api.example.com/wechat", []string{"api.example.com/wechat", "not an absolute URL"}},
		{"empty", "", []string{`""`, "not an absolute URL"}},
		{"unparsable", "http://[::1", []string{"not an absolute URL"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := RouteSDK(tt.url)
			if tt.wantErr == nil {
				if err != nil {
					t.Fatalf("RouteSDK(%q) = %v", tt.url, err)
				}
				return
			}
			if err == nil {
				t.Fatalf("RouteSDK(%q) succeeded, want an error", tt.url)
			}
			for _, s := range tt.wantErr {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not name %q", err, s)
				}
			}
		})
	}
	t.Cleanup(func() {
		rw, ok := util.DefaultHTTPClient.Transport.(*rewriter)
		if !ok || rw.base.String() != simURL {
			t.Errorf("the SDK route changed: %v", util.DefaultHTTPClient.Transport)
		}
	})
}

// The rewriter sends WeChat API requests to the base URL, under its path,
// with path and query intact, and leaves every other host alone.
func TestRewriter(t *testing.T) {
	t.Parallel()
	seen := make(chan string, 10)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen <- r.Host + " " + r.URL.RequestURI()
	}))
	defer srv.Close()
	u, _ := url.Parse(srv.URL)

	tests := []struct {
		name, base, req, want string
	}{
		{"root", srv.URL, "https://api.weixin.qq.com/cgi-bin/token?appid=a&x=%2F", u.Host + " /cgi-bin/token?appid=a&x=%2F"},
		{"path prefix", srv.URL + "/wx/", "https://api.weixin.qq.com/cgi-bin/getcallbackip?access_token=t", u.Host + " /wx/cgi-bin/getcallbackip?access_token=t"},
		{"other host", "http://127.0.0.1:1", srv.URL + "/elsewhere?q=1", u.Host + " /elsewhere?q=1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base, err := url.Parse(tt.base)
			if err != nil {
				t.Fatal(err)
			}
			c := &http.Client{Transport: &rewriter{base: base, next: http.DefaultTransport}}
			resp, err := c.Get(tt.req)
			if err != nil {
				t.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if got := <-seen; got != tt.want {
				t.Fatalf("server saw %q, want %q", got, tt.want)
			}
		})
	}
}
