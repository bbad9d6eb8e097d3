package wxsim

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"
)

// fakeClock is a settable clock shared by the simulator and the test.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock(t time.Time) *fakeClock { return &fakeClock{t: t} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// fixedRand yields the bytes a Client reads for one request: the nonce as a
// big-endian uint32, then the AES random prefix.
func fixedRand(nonce uint32, random string) io.Reader {
	b := binary.BigEndian.AppendUint32(nil, nonce)
	return bytes.NewReader(append(b, random...))
}

// apiReply is the union of the JSON bodies the simulator returns.
type apiReply struct {
	AccessToken string   `json:"access_token"`
	ExpiresIn   int      `json:"expires_in"`
	ErrCode     int      `json:"errcode"`
	ErrMsg      string   `json:"errmsg"`
	IPList      []string `json:"ip_list"`
}

// simEnv is a simulator behind a real HTTP listener, with a fake clock.
type simEnv struct {
	t     *testing.T
	sim   *Server
	clock *fakeClock
	url   string
}

// simStart is 2024-05-01 00:00 in Beijing, so daily quotas start fresh.
func simStart() time.Time {
	return time.Date(2024, 5, 1, 0, 0, 0, 0, time.FixedZone("CST", 8*3600))
}

func newSimEnv(t *testing.T) *simEnv {
	t.Helper()
	clock := newFakeClock(simStart())
	sim := NewServer(WithClock(clock.Now), WithLogger(zaptest.NewLogger(t)))
	ts := httptest.NewServer(sim)
	t.Cleanup(ts.Close)
	return &simEnv{t: t, sim: sim, clock: clock, url: ts.URL}
}

// with rebinds e to a subtest, so helper failures stop the right test.
func (e *simEnv) with(t *testing.T) *simEnv {
	c := *e
	c.t = t
	return &c
}

func (e *simEnv) do(method, path string, q url.Values, body string) apiReply {
	e.t.Helper()
	target := e.url + path
	if len(q) > 0 {
		target += "?" + q.Encode()
	}
	req, err := http.NewRequest(method, target, strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		e.t.Fatalf("%s %s: HTTP %d, WeChat always answers 200", method, path, resp.StatusCode)
	}
	var r apiReply
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		e.t.Fatalf("%s %s: decode: %v", method, path, err)
	}
	return r
}

func (e *simEnv) token(appID, secret string) apiReply {
	e.t.Helper()
	q := url.Values{"grant_type": {"client_credential"}, "appid": {appID}, "secret": {secret}}
	return e.do(http.MethodGet, "/cgi-bin/token", q, "")
}

func (e *simEnv) stable(appID, secret string, force bool) apiReply {
	e.t.Helper()
	body, _ := json.Marshal(map[string]any{
		"grant_type": "client_credential", "appid": appID, "secret": secret, "force_refresh": force,
	})
	return e.do(http.MethodPost, "/cgi-bin/stable_token", nil, string(body))
}

func (e *simEnv) callbackIP(token string) apiReply {
	e.t.Helper()
	q := url.Values{}
	if token != "" {
		q.Set("access_token", token)
	}
	return e.do(http.MethodGet, "/cgi-bin/getcallbackip", q, "")
}

// wantErr fails unless r is the WeChat error (code, msg).
func wantErr(t *testing.T, r apiReply, code int, msg string) {
	t.Helper()
	if r.ErrCode != code || r.ErrMsg != msg {
		t.Fatalf("got errcode %d %q, want %d %q", r.ErrCode, r.ErrMsg, code, msg)
	}
}

// wantOK fails unless getcallbackip accepts token.
func (e *simEnv) wantOK(token string) {
	e.t.Helper()
	r := e.callbackIP(token)
	if r.ErrCode != 0 || len(r.IPList) != 1 || r.IPList[0] != "127.0.0.1" {
		e.t.Fatalf("getcallbackip = %+v, want ip_list [127.0.0.1]", r)
	}
}
