package wxapi

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/silenceper/wechat/v2/util"
)

// apiHost is the host the SDK hard-codes in every API URL.
const apiHost = "api.weixin.qq.com"

// rewriter sends requests for the WeChat API host to the configured base
// URL instead (a simulator, an egress proxy), leaving path and query alone.
type rewriter struct {
	base *url.URL
	next http.RoundTripper
}

func (rw *rewriter) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.URL.Host == apiHost {
		r = r.Clone(r.Context())
		r.URL.Scheme = rw.base.Scheme
		r.URL.Host = rw.base.Host
		r.URL.Path = strings.TrimSuffix(rw.base.Path, "/") + r.URL.Path
		r.Host = rw.base.Host
	}
	return rw.next.RoundTrip(r)
}

// RouteSDK points every HTTP call the SDK makes at baseURL.
//
// The SDK sends all API traffic through one package-level client
// (util.DefaultHTTPClient) with hard-coded URLs, so the base URL can only be
// set process-wide. RouteSDK installs it once; calling it again with the
// same URL does nothing, with another URL is an error, because one process
// talks to one WeChat.
func RouteSDK(baseURL string) error {
	base, err := url.Parse(baseURL)
	if err != nil || base.Host == "" {
		return fmt.Errorf("wxapi: api base URL %q: not an absolute URL", baseURL)
	}
	if rw, ok := util.DefaultHTTPClient.Transport.(*rewriter); ok {
		if rw.base.String() != base.String() {
			return fmt.Errorf("wxapi: this process already sends WeChat API calls to %s, not %s", rw.base, base)
		}
		return nil
	}
	next := http.DefaultTransport.(*http.Transport).Clone()
	next.MaxIdleConnsPerHost = 16
	util.DefaultHTTPClient = &http.Client{
		Transport: &rewriter{base: base, next: next},
		// WeChat API calls are never on the callback path, but a hung
		// connection must not hold a sender forever.
		Timeout: 15 * time.Second,
	}
	return nil
}
