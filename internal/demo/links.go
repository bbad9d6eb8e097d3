package demo

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/wxcast/wxcast/internal/wxsim"
)

// Tracked links: a follower who received a text broadcast taps one of
// its links in WeChat. The tap goes through the same path a phone's does:
// wxcast's /l/{code} answers with WeChat's silent authorization, which
// the simulator plays (it knows the follower from a header, as WeChat
// knows its user from the app's session), and sends the browser back to
// wxcast, which redirects to the link's target. The demo stops there: the
// target is a page on the internet, and the demo sends nothing beyond
// this machine.

// wechatAgents are User-Agents of WeChat's in-app browser on phones, as
// tracked links see them: wxcast keeps the system and the model.
func wechatAgents() []string {
	return []string{
		"Mozilla/5.0 (iPhone; CPU iPhone OS 17_5_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.49(0x18003137) NetType/WIFI Language/zh_CN",
		"Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47(0x18002f2c) NetType/4G Language/zh_CN",
		"Mozilla/5.0 (Linux; Android 14; 23127PN0CC Build/UKQ1.230804.001; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065 MMWEBSDK/20240301 MMWEBID/2301 MicroMessenger/8.0.48.2580(0x28003035) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64",
		"Mozilla/5.0 (Linux; Android 13; V2227A Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/111.0.5563.116 Mobile Safari/537.36 XWEB/1110017 MMWEBSDK/20231202 MMWEBID/6012 MicroMessenger/8.0.47.2560(0x28002F30) WeChat/arm64 Weixin NetType/5G Language/zh_CN ABI/arm64",
		"Mozilla/5.0 (Linux; Android 12; NOH-AN00 Build/HUAWEINOH-AN00; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/107.0.5304.141 Mobile Safari/537.36 XWEB/5235 MMWEBSDK/20230805 MMWEBID/9425 MicroMessenger/8.0.42.2460(0x28002A35) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64",
	}
}

// linkHops bounds the redirects one tap follows: the link, the
// authorization page, the return to wxcast.
const linkHops = 4

// linkOpener taps tracked links as a follower's phone would.
type linkOpener struct {
	base  string // links.base_url: tracked links are base + "/l/…"
	oauth string // wechat.oauth_base_url: the simulator's authorization page
	find  *regexp.Regexp
	http  *http.Client
}

func newLinkOpener(base, oauth string) *linkOpener {
	if base == "" {
		return nil
	}
	return &linkOpener{base: base, oauth: oauth,
		find: regexp.MustCompile(regexp.QuoteMeta(base) + `/l/[A-Za-z0-9_-]+`),
		http: &http.Client{Timeout: 5 * time.Second,
			// Each hop is checked before it is followed (see open).
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
	}
}

// linksIn lists the tracked links of a text, each once.
func (l *linkOpener) linksIn(text string) []string {
	if l == nil {
		return nil
	}
	var out []string
	seen := map[string]bool{}
	for _, s := range l.find.FindAllString(text, -1) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// open taps link as follower openid with the browser ua, following the
// redirects through wxcast and the authorization page, and returns where
// the last hop leads (the link's target, not fetched).
func (l *linkOpener) open(ctx context.Context, link, openid, ua string) (string, error) {
	next := link
	for range linkHops {
		if !l.ours(next) {
			return next, nil // the link's target: beyond this machine
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, next, nil)
		if err != nil {
			return "", err
		}
		req.Header.Set("User-Agent", ua)
		if strings.HasPrefix(next, l.oauth+"/") {
			// Who is tapping, as WeChat knows its user: only the
			// authorization page is told.
			req.Header.Set(wxsim.OAuthOpenIDHeader, openid)
		}
		res, err := l.http.Do(req)
		if err != nil {
			return "", err
		}
		_ = res.Body.Close()
		if res.StatusCode != http.StatusFound {
			return "", fmt.Errorf("%s: HTTP %d", strings.SplitN(next, "?", 2)[0], res.StatusCode)
		}
		loc, err := res.Location()
		if err != nil {
			return "", err
		}
		next = loc.String()
	}
	return "", errors.New("too many redirects")
}

// ours reports whether u is one of the hops the demo requests: a tracked
// link or its authorization's return on wxcast's origin, or the
// simulator's authorization page. Anything else is the link's target.
func (l *linkOpener) ours(u string) bool {
	p, err := url.Parse(u)
	if err != nil {
		return false
	}
	origin := p.Scheme + "://" + p.Host
	return origin == l.base && strings.HasPrefix(p.Path, "/l/") ||
		l.oauth != "" && origin == l.oauth && p.Path == "/connect/oauth2/authorize"
}
