package handlers_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/wxcast/wxcast/internal/wxsim"
	"github.com/wxcast/wxcast/store"
)

func TestReplyFollowsRequestMode(t *testing.T) {
	t.Parallel()
	cases := []struct {
		mode      wxsim.Mode
		encrypted bool
	}{{wxsim.ModePlain, false}, {wxsim.ModeCompat, true}, {wxsim.ModeSafe, true}}
	for _, tc := range cases {
		t.Run(tc.mode.String(), func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, envOpts{decider: &countingReplier{}})
			res, err := e.client(tc.mode).Send(context.Background(), wxsim.Text("oReply", "你好", 1))
			if err != nil || res.Status != 200 {
				t.Fatalf("%v %+v", err, res)
			}
			if res.Encrypted != tc.encrypted {
				t.Fatalf("encrypted = %v, want %v (raw %q)", res.Encrypted, tc.encrypted, res.Raw)
			}
			if tc.encrypted && strings.Contains(string(res.Raw), "你好") {
				t.Fatal("reply text is visible in an encrypted answer")
			}
			if got := parseReply(t, res.Plain).Content; got != "reply #1 to 你好" {
				t.Fatalf("content %q", got)
			}
		})
	}
}

func TestKeyRotationFallsBackToPreviousKey(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{decider: &countingReplier{}, keys: []string{aesKey, oldKey}})
	ctx := context.Background()
	for _, key := range []string{aesKey, oldKey} {
		c := e.client(wxsim.ModeSafe, func(c *wxsim.ClientConfig) { c.EncodingAESKey = key })
		// The client decrypts the reply with the key it sent with: this
		// fails unless the reply was sealed with the same key.
		res, err := c.Send(ctx, wxsim.Text("oRotate", "k", int64(len(key)+int(key[0]))))
		if err != nil || res.Status != 200 || !res.Encrypted {
			t.Fatalf("key %s…: %v %+v", key[:4], err, res)
		}
	}
	p, _ := e.followers.Profile(ctx, "oRotate")
	if p.Counts()["text"] != 2 {
		t.Fatalf("recorded %d texts, want 2", p.Counts()["text"])
	}
}

func TestPlaintextOnlyServerRefusesEncrypted(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{keys: []string{}})
	res, err := e.client(wxsim.ModeSafe).Send(context.Background(), wxsim.Text("oNoKey", "x", 1))
	if err != nil || res.Status != http.StatusBadRequest {
		t.Fatalf("%v %+v", err, res)
	}
	res, err = e.client(wxsim.ModePlain).Send(context.Background(), wxsim.Text("oNoKey", "x", 2))
	if err != nil || !res.IsSuccess() {
		t.Fatalf("plaintext: %v %+v", err, res)
	}
}

// brokenFollowers fails like an unreachable Redis.
type brokenFollowers struct{}

var errDown = errors.New("dial tcp 127.0.0.1:6379: connection refused")

func (brokenFollowers) Record(context.Context, store.Event, time.Time, store.Mark) (store.Outcome, error) {
	return store.Outcome{}, errDown
}
func (brokenFollowers) MarkSeen(context.Context, string, string) (store.Outcome, error) {
	return store.Outcome{}, errDown
}
func (brokenFollowers) Finish(context.Context, string, string, string, []store.TagChange, time.Time) (bool, error) {
	return false, errDown
}
func (brokenFollowers) Answer(context.Context, string, string) (store.Outcome, error) {
	return store.Outcome{}, errDown
}
func (brokenFollowers) Begin(context.Context, string, string, time.Time) (store.Outcome, error) {
	return store.Outcome{}, errDown
}
func (brokenFollowers) Ping(context.Context) error { return errDown }

func TestStoreDownAsksWeChatToRetry(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{followers: brokenFollowers{}, ready: brokenFollowers{}})
	res, err := e.client(wxsim.ModeSafe).Send(context.Background(), wxsim.Text("oDown", "x", 1))
	if err != nil || res.Status != http.StatusServiceUnavailable {
		t.Fatalf("%v %+v", err, res)
	}
	if got := e.counter("wxcast_callbacks_total", "type", "text", "result", "error"); got != 1 {
		t.Fatalf("error counter = %v", got)
	}
	r, err := http.Get(e.url + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(r.Body)
	r.Body.Close()
	if r.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(body), `"redis":"unavailable"`) ||
		strings.Contains(string(body), "6379") {
		t.Fatalf("readyz %d %s", r.StatusCode, body)
	}
}

func TestHealthReadyMetrics(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{})
	if _, err := e.client(wxsim.ModeSafe).Send(context.Background(), wxsim.Click("oMetrics", "K1")); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{
		"/healthz": "ok",
		"/readyz":  `"redis":"ok"`,
		"/metrics": `wxcast_callbacks_total{result="ok",type="click"} 1`,
	} {
		r, err := http.Get(e.url + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(r.Body)
		r.Body.Close()
		if r.StatusCode != 200 || !strings.Contains(string(body), want) {
			t.Errorf("%s: %d, body lacks %q:\n%.400s", path, r.StatusCode, want, body)
		}
	}
	if !strings.Contains(func() string {
		r, _ := http.Get(e.url + "/metrics")
		b, _ := io.ReadAll(r.Body)
		r.Body.Close()
		return string(b)
	}(), "wxcast_callback_duration_seconds_bucket") {
		t.Error("no latency histogram")
	}
}
