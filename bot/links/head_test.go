package links_test

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// head is one HEAD request, no redirect followed.
func (w *world) head(rawURL, ua, who string) hop {
	w.t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if strings.HasPrefix(rawURL, "/") {
		rawURL = w.srv.URL + rawURL
	}
	req, err := http.NewRequest(http.MethodHead, rawURL, nil)
	if err != nil {
		w.t.Fatal(err)
	}
	setHeaders(req, ua, who, nil)
	resp, err := c.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	_ = resp.Body.Close()
	return hop{resp.StatusCode, resp.Header.Get("Location")}
}

// A HEAD is a link previewer (a chat app, a scanner) asking where a link
// leads, not a tap: it gets the frozen target and counts nothing, and on
// the authorization's return it leaves the code alone, so the follower's
// own GET still exchanges it.
func TestHeadCountsNothing(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOpts{})
	for _, ua := range []string{browserUA, wechatUA, "facebookexternalhit/1.1"} {
		h := w.head("/l/"+w.code0, ua, follA)
		if h.status != http.StatusFound || h.location != targetA {
			t.Errorf("HEAD /l/<code> (%s): %+v, want 302 to the frozen target", ua[:12], h)
		}
	}
	if h := w.head("/l/UnknownCode0000000000000", browserUA, ""); h.status != http.StatusNotFound {
		t.Errorf("HEAD of an unknown code: %+v, want 404", h)
	}
	back := w.returnURL(w.code0, follA)
	if h := w.head(back, wechatUA, follA); h.status != http.StatusFound || h.location != targetA {
		t.Errorf("HEAD of the return: %+v, want 302 to the frozen target", h)
	}
	if h := w.head(w.srv.URL+"/l/auth?code=x&state=forged", wechatUA, follA); h.status != http.StatusBadRequest {
		t.Errorf("HEAD of a forged return: %+v, want 400", h)
	}
	time.Sleep(50 * time.Millisecond)
	if c := w.counts(); len(c.Taps) != 0 || w.svc.Exchanged() != 0 {
		t.Fatalf("HEAD requests counted taps %v, exchanged %d codes; want none", c.Taps, w.svc.Exchanged())
	}
	// The follower's own GET of the same return is still theirs.
	sameURL(t, w.get(back, wechatUA, follA).location, targetA)
	w.settle(1)
	if got := w.counts().Clickers[0]; got != 1 {
		t.Fatalf("after the GET: %d clickers of A, want 1", got)
	}
}
