package links_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap/zaptest"

	"github.com/wxcast/wxcast/bot/links"
	"github.com/wxcast/wxcast/handlers"
	"github.com/wxcast/wxcast/store"
)

// Nothing in a request changes where a link leads: other hosts in the
// query, encoded URLs, path tricks and unknown codes get the frozen target
// or 404, never another place.
func TestNoOpenRedirect(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOpts{})
	frozen := []string{
		"/l/" + w.code0 + "?url=https://evil.example/",
		"/l/" + w.code0 + "?redirect_uri=https%3A%2F%2Fevil.example%2F&next=//evil.example",
		"/l/" + w.code0 + "?" + w.code0 + "=https://evil.example",
	}
	for _, p := range frozen {
		for _, ua := range []string{browserUA, wechatUA} {
			h := w.follow(p, ua, follA, nil)
			if h.status != http.StatusFound || h.location != targetA {
				t.Errorf("%s (%s): %+v, want the frozen target", p, ua[:12], h)
			}
		}
	}
	notFound := []string{
		"/l/" + w.code0 + "/https://evil.example",
		"/l/" + w.code0 + "%2F..%2Fevil",
		"/l/%2F%2Fevil.example",
		"/l//evil.example",
		"/l/https:%2F%2Fevil.example",
		"/l/" + strings.ToLower(w.code0[:2]) + w.code0[2:] + "x",
		"/l/UnknownCode0000000000000",
		"/l/short",
		"/l/" + w.code0 + "%00",
		"/l/",
		"/l",
	}
	for _, p := range notFound {
		h := w.get(p, browserUA, "")
		if h.location != "" && !strings.HasPrefix(h.location, "/l/") || h.status == http.StatusFound {
			t.Errorf("%s: %+v, want no redirect", p, h)
		}
		if h.status == http.StatusMovedPermanently {
			// mux cleans paths on the same origin; the cleaned path must
			// itself be unknown.
			if g := w.get(h.location, browserUA, ""); g.status != http.StatusNotFound {
				t.Errorf("%s → %s: %+v, want 404", p, h.location, g)
			}
			continue
		}
		if h.status != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", p, h.status)
		}
	}
	// The authorization's return: its extra parameters change nothing.
	back := w.returnURL(w.code0, follA)
	h := w.get(back+"&redirect_uri=https://evil.example&url=//evil.example", wechatUA, follA)
	if h.location != targetA {
		t.Fatalf("return with extra parameters: %+v", h)
	}
}

// A state that is not wxcast's, or was changed, names nothing: 400 and
// nothing counted. An authentic state past its life still leads to its
// link, as an anonymous tap.
func TestReturnState(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOpts{})
	back, err := url.Parse(w.returnURL(w.code0, follA))
	if err != nil {
		t.Fatal(err)
	}
	state := back.Query().Get("state")
	if len(state) > 128 || strings.Trim(state, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") != "" {
		t.Fatalf("state %q: WeChat takes at most 128 letters and digits", state)
	}
	if !strings.HasSuffix(state, w.code0) {
		t.Fatalf("state %q does not carry the code", state)
	}
	flip := func(s string, i int) string {
		c := byte('a')
		if s[i] == 'a' {
			c = 'b'
		}
		return s[:i] + string(c) + s[i+1:]
	}
	bad := map[string]string{
		"empty":         "",
		"garbage":       "hello",
		"time changed":  flip(state, 3),
		"MAC changed":   flip(state, 10),
		"other code":    strings.TrimSuffix(state, w.code0) + w.code1,
		"code appended": state + "x",
		"not alnum":     state[:20] + "-" + state[21:],
		"too long":      state + strings.Repeat("a", 130),
	}
	for name, s := range bad {
		q := back.Query()
		q.Set("state", s)
		h := w.get(w.srv.URL+links.ReturnPath+"?"+q.Encode(), wechatUA, follA)
		if h.status != http.StatusBadRequest || h.location != "" {
			t.Errorf("%s: %+v, want 400", name, h)
		}
	}
	c := w.counts()
	if len(c.Taps) != 0 || w.svc.Exchanged() != 0 {
		t.Fatalf("a bad state counted something: %v", c.Taps)
	}
	// Eleven minutes on WeChat's page: the state has expired.
	w.clock.advance(11 * time.Minute)
	h := w.get(back.String(), wechatUA, follA)
	sameURL(t, h.location, targetA)
	if got := w.taps(store.TapAnonymous, 0); got != 1 || w.svc.Exchanged() != 0 {
		t.Fatalf("expired state: anonymous taps %d, exchanged %d; want 1, 0", got, w.svc.Exchanged())
	}
}

// The domain-check file is served under its one name, its exact bytes;
// without links the routes do not exist.
func TestVerifyFileAndLinksOff(t *testing.T) {
	t.Parallel()
	body := []byte("abcDEF123\n")
	w := newWorld(t, worldOpts{verifyFile: handlers.VerifyFile{Name: "MP_verify_abcDEF123.txt", Body: body}})
	resp, err := http.Get(w.srv.URL + "/MP_verify_abcDEF123.txt")
	if err != nil {
		t.Fatal(err)
	}
	got := make([]byte, 64)
	n, _ := resp.Body.Read(got)
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK || string(got[:n]) != string(body) || resp.Header.Get("Content-Type") != "text/plain" {
		t.Fatalf("verify file: %d %q %q", resp.StatusCode, got[:n], resp.Header.Get("Content-Type"))
	}
	if h := w.get("/MP_verify_other.txt", browserUA, ""); h.status != http.StatusNotFound {
		t.Fatalf("another name: %d", h.status)
	}

	off, err := handlers.NewServer(handlers.Config{AppID: w.appID, Token: "token"}, nil, nil, prometheus.NewRegistry(), zaptest.NewLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/l/" + w.code0, links.ReturnPath, "/MP_verify_abcDEF123.txt"} {
		rec := httptest.NewRecorder()
		off.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, p, nil))
		if rec.Code != http.StatusNotFound {
			t.Errorf("links off, %s: %d, want 404", p, rec.Code)
		}
	}
}
