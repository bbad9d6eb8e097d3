package wxsim

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// The APIs wxcast uses, and the account kinds that lack each of them
// (docs/accounts.md): those answer 48001, every other kind reaches the
// API itself, whatever it then says about the request.
func TestAccountKindsLackAPIs(t *testing.T) {
	const (
		vs, svc, vsub, sub, test = KindVerifiedService, KindService, KindVerifiedSubscription, KindSubscription, KindTest
	)
	unverified := []AccountKind{svc, sub}
	cases := []struct {
		method, path string
		lacking      []AccountKind
	}{
		{http.MethodPost, "/cgi-bin/message/mass/send", []AccountKind{svc, vsub, sub, test}},
		{http.MethodPost, "/cgi-bin/message/mass/sendall", unverified},
		{http.MethodPost, "/cgi-bin/message/mass/preview", unverified},
		{http.MethodPost, "/cgi-bin/message/mass/get", unverified},
		{http.MethodPost, "/cgi-bin/media/uploadnews", unverified},
		{http.MethodPost, "/cgi-bin/message/custom/send", unverified},
		{http.MethodPost, "/cgi-bin/message/template/send", []AccountKind{svc, vsub, sub}},
		{http.MethodGet, "/cgi-bin/user/get", unverified},
		{http.MethodGet, "/cgi-bin/user/info", unverified},
		{http.MethodGet, "/cgi-bin/tags/get", unverified},
		{http.MethodPost, "/cgi-bin/tags/members/batchtagging", unverified},
		{http.MethodPost, "/cgi-bin/draft/get", nil},
		{http.MethodGet, "/cgi-bin/getcallbackip", nil},
	}
	e := newMsgEnv(t)
	for _, k := range []AccountKind{vs, svc, vsub, sub, test} {
		appID := "wx_kind_" + k.String()
		e.sim.AddApp(appID, "s")
		e.sim.SetAccountKind(appID, k)
		tok := e.token(appID, "s").AccessToken
		if tok == "" {
			t.Fatalf("%s: no token", k)
		}
		for _, c := range cases {
			want := false
			for _, l := range c.lacking {
				want = want || l == k
			}
			body := ""
			if c.method == http.MethodPost {
				body = "{}"
			}
			r := e.do(c.method, c.path, url.Values{"access_token": {tok}}, body)
			if got := r.ErrCode == CodeAPIUnauthorized; got != want {
				t.Errorf("%s %s: errcode %d %q, want 48001: %v", k, c.path, r.ErrCode, r.ErrMsg, want)
			}
		}
		// A bad token is a token error first, on any kind.
		r := e.do(http.MethodPost, "/cgi-bin/message/mass/send", url.Values{"access_token": {strings.Repeat("x", 80)}}, "{}")
		if r.ErrCode != CodeInvalidCredential {
			t.Errorf("%s: mass/send with an unknown token: errcode %d, want 40001", k, r.ErrCode)
		}
	}
}

// openapi/quota/get refuses the APIs a kind lacks and reads the rest,
// mass/preview included.
func TestAccountKindQuotaReadings(t *testing.T) {
	e := newMsgEnv(t)
	e.sim.SetAccountKind(testApp, KindVerifiedSubscription)
	if c, _ := e.quotaOf("/cgi-bin/message/mass/send"); c != CodeAPIUnauthorized {
		t.Errorf("verified subscription: quota of mass/send: errcode %d, want 48001", c)
	}
	if c, q := e.quotaOf("/cgi-bin/message/mass/sendall"); c != 0 || q.Quota.DailyLimit != 100 {
		t.Errorf("verified subscription: quota of mass/sendall: errcode %d %+v, want the reading", c, q.Quota)
	}
	wantCode(t, e.post(pathMassPreview, map[string]any{"touser": "oPREVIEW0001", "msgtype": "text",
		"text": map[string]string{"content": "hi"}}), CodeOK)
	if c, q := e.quotaOf(pathMassPreview); c != 0 || q.Quota.DailyLimit != previewsPerDay || q.Quota.Used != 1 {
		t.Errorf("quota of mass/preview: errcode %d %+v, want limit %d with 1 used", c, q.Quota, previewsPerDay)
	}
	e.sim.SetAccountKind(testApp, KindSubscription)
	for _, p := range []string{"/cgi-bin/message/mass/sendall", pathMassPreview, pathCustomSend, "/cgi-bin/user/get"} {
		if c, _ := e.quotaOf(p); c != CodeAPIUnauthorized {
			t.Errorf("subscription: quota of %s: errcode %d, want 48001", p, c)
		}
	}
}

// A subscription account's one successful mass send a day: a second
// sendall, to a tag or to all, answers 45028 until the next Beijing day.
func TestSubscriptionOneMassSendADay(t *testing.T) {
	e := newMsgEnv(t)
	e.sim.SetAccountKind(testApp, KindVerifiedSubscription)
	all := func(text string) map[string]any {
		return map[string]any{"filter": map[string]any{"is_to_all": true}, "msgtype": "text",
			"text": map[string]string{"content": text}}
	}
	byTag := func(text string) map[string]any {
		return map[string]any{"filter": map[string]any{"is_to_all": false, "tag_id": 2}, "msgtype": "text",
			"text": map[string]string{"content": text}}
	}
	wantCode(t, e.post(pathMassSendAll, byTag("one")), CodeOK)
	wantCode(t, e.post(pathMassSendAll, byTag("two")), CodeNoMassQuota)
	wantCode(t, e.post(pathMassSendAll, all("three")), CodeNoMassQuota)
	e.advance(24 * time.Hour)
	wantCode(t, e.post(pathMassSendAll, all("four")), CodeOK)

	// A service account sends by tag as often as its quota allows.
	e.sim.SetAccountKind(testApp, KindVerifiedService)
	wantCode(t, e.post(pathMassSendAll, byTag("five")), CodeOK)
	wantCode(t, e.post(pathMassSendAll, byTag("six")), CodeOK)
}

// With the IP allowlist refusing, both token endpoints answer 40164 and
// name the caller's IP as WeChat does; credentials still come first.
func TestIPAllowlistRefuses(t *testing.T) {
	e := newSimEnv(t)
	e.sim.AddApp("wx_ip", "s")
	e.sim.RefuseIP("wx_ip", true)
	want := "invalid ip 127.0.0.1 ipv6 ::ffff:127.0.0.1, not in whitelist rid: wxsim"
	wantErr(t, e.token("wx_ip", "s"), CodeIPNotAllowed, want)
	wantErr(t, e.stable("wx_ip", "s", false), CodeIPNotAllowed, want)
	if r := e.token("wx_ip", "wrong"); r.ErrCode != CodeInvalidAppSecret {
		t.Errorf("wrong secret behind the allowlist: errcode %d, want 40125", r.ErrCode)
	}
	e.sim.RefuseIP("wx_ip", false)
	e.wantOK(e.token("wx_ip", "s").AccessToken)
}

func TestParseAccountKind(t *testing.T) {
	for _, k := range []AccountKind{KindVerifiedService, KindService, KindVerifiedSubscription, KindSubscription, KindTest} {
		if got, err := ParseAccountKind(k.String()); err != nil || got != k {
			t.Errorf("ParseAccountKind(%q) = %v, %v", k.String(), got, err)
		}
	}
	if _, err := ParseAccountKind("enterprise"); err == nil || !strings.Contains(err.Error(), "verified-service") {
		t.Errorf("ParseAccountKind(enterprise): %v, want an error listing the kinds", err)
	}
}

// A test account sends and previews text, but news answers 48008; other
// kinds get past the check to the news itself.
func TestTestAccountRefusesNews(t *testing.T) {
	e := newMsgEnv(t)
	news := func(path string) msgReply {
		body := map[string]any{"msgtype": "mpnews", "mpnews": map[string]string{"media_id": "NOT_UPLOADED"}}
		if path == pathMassPreview {
			body["touser"] = "oPREVIEW0001"
		} else {
			body["filter"] = map[string]any{"is_to_all": true}
		}
		return e.post(path, body)
	}
	e.sim.SetAccountKind(testApp, KindTest)
	for _, p := range []string{pathMassPreview, pathMassSendAll} {
		wantCode(t, news(p), CodeNoMsgTypePermission)
	}
	wantCode(t, e.post(pathMassPreview, map[string]any{"touser": "oPREVIEW0001", "msgtype": "text",
		"text": map[string]string{"content": "hi"}}), CodeOK)
	e.sim.SetAccountKind(testApp, KindVerifiedService)
	for _, p := range []string{pathMassPreview, pathMassSendAll} {
		wantCode(t, news(p), CodeInvalidMediaID)
	}
}
