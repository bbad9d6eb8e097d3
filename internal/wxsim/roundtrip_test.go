package wxsim

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/silenceper/wechat/v2/util"
)

const (
	rtToken  = "rt-token"
	rtKey    = keyAZ
	rtAppID  = "wx_roundtrip"
	rtOrigID = "gh_roundtrip"
)

// devServer is an independent stand-in for the developer's server: it
// checks and opens pushes with the SDK's util functions only, never with
// wxsim code, so the round trip proves compatibility rather than symmetry.
type devServer struct {
	reply func(m Message) string // plaintext reply XML, "" for success
	// sealAppID is the AppID replies are encrypted for.
	sealAppID string

	mu   sync.Mutex
	got  []Message
	body []Message // what the compat body's plain fields said
}

func (d *devServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	ts, nonce := q.Get("timestamp"), q.Get("nonce")
	if q.Get("signature") != util.Signature(rtToken, ts, nonce) {
		http.Error(w, "bad signature", http.StatusForbidden)
		return
	}
	raw, _ := io.ReadAll(r.Body)
	var env struct {
		Message
		Encrypt string `xml:"Encrypt"`
	}
	if err := xml.Unmarshal(raw, &env); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	plain := raw
	encrypted := q.Get("encrypt_type") == "aes"
	if encrypted {
		if q.Get("msg_signature") != util.Signature(rtToken, ts, nonce, env.Encrypt) {
			http.Error(w, "bad msg_signature", http.StatusForbidden)
			return
		}
		var err error
		if _, plain, err = util.DecryptMsg(rtAppID, env.Encrypt, rtKey); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
	}
	var m Message
	if err := xml.Unmarshal(plain, &m); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	d.mu.Lock()
	d.got = append(d.got, m)
	d.body = append(d.body, env.Message)
	d.mu.Unlock()

	out := d.reply(m)
	if out == "" {
		_, _ = io.WriteString(w, "success")
		return
	}
	if !encrypted {
		_, _ = io.WriteString(w, out)
		return
	}
	enc, err := util.EncryptMsg([]byte("0123456789abcdef"), []byte(out), d.sealAppID, rtKey)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	rts, rnonce := "1700000000", "42"
	_, _ = fmt.Fprintf(w, "<xml><Encrypt><![CDATA[%s]]></Encrypt><MsgSignature><![CDATA[%s]]></MsgSignature>"+
		"<TimeStamp>%s</TimeStamp><Nonce><![CDATA[%s]]></Nonce></xml>",
		enc, util.Signature(rtToken, rts, rnonce, string(enc)), rts, rnonce)
}

func textReply(m Message) string {
	return "<xml><ToUserName><![CDATA[" + m.FromUserName + "]]></ToUserName><MsgType><![CDATA[text]]></MsgType>" +
		"<Content><![CDATA[echo " + m.MsgType + "/" + m.Event + "]]></Content></xml>"
}

func newRoundTrip(t *testing.T, mode Mode, reply func(Message) string) (*Client, *devServer) {
	t.Helper()
	d := &devServer{reply: reply, sealAppID: rtAppID}
	ts := httptest.NewServer(d)
	t.Cleanup(ts.Close)
	c, err := NewClient(ClientConfig{
		URL: ts.URL + "/wechat", Token: rtToken, EncodingAESKey: rtKey, AppID: rtAppID,
		OriginalID: rtOrigID, Mode: mode,
		Clock: func() time.Time { return time.Unix(1714000000, 0) },
	})
	if err != nil {
		t.Fatal(err)
	}
	return c, d
}

func allMessages() []Message {
	return []Message{
		Text("o_user", "hi ]]> <there> & co", 101),
		Image("o_user", "media_1", 102),
		Location("o_user", 23.134521, 113.358803, "Guangzhou", 103),
		Subscribe("o_user", ""),
		Subscribe("o_user", "campaign_7"),
		Unsubscribe("o_user"),
		Scan("o_user", "campaign_7"),
		Click("o_user", "MENU_A"),
		View("o_user", "https://example.com/?a=1&b=2"),
		LocationReport("o_user", 23.137466, 113.352425, 119.38504),
		MassSendJobFinish("o_user", 1000001625, "send success", 100, 80, 75, 5),
	}
}

func TestRoundTripAllModes(t *testing.T) {
	for _, mode := range []Mode{ModePlain, ModeCompat, ModeSafe} {
		t.Run(mode.String(), func(t *testing.T) {
			c, d := newRoundTrip(t, mode, textReply)
			for i, m := range allMessages() {
				resp, err := c.Send(context.Background(), m)
				if err != nil {
					t.Fatalf("%d: Send: %v", i, err)
				}
				if resp.Status != http.StatusOK {
					t.Fatalf("%d: dev server said %d: %s", i, resp.Status, resp.Raw)
				}
				want := m
				want.ToUserName, want.CreateTime = rtOrigID, 1714000000
				if got := d.got[i]; got != want {
					t.Errorf("%d: server decoded\n%+v\nwant\n%+v", i, got, want)
				}
				checkBodyShape(t, mode, d.body[i], want)
				if wantReply := textReply(want); string(resp.Plain) != wantReply {
					t.Errorf("%d: Plain = %s, want %s", i, resp.Plain, wantReply)
				}
				if resp.Encrypted != (mode != ModePlain) {
					t.Errorf("%d: Encrypted = %v in %s mode", i, resp.Encrypted, mode)
				}
			}
		})
	}
}

// checkBodyShape: compat bodies repeat the plain fields, safe ones don't.
func checkBodyShape(t *testing.T, mode Mode, body, want Message) {
	t.Helper()
	switch mode {
	case ModeCompat, ModePlain:
		if body != want {
			t.Errorf("%s body plain fields = %+v, want %+v", mode, body, want)
		}
	case ModeSafe:
		if body != (Message{ToUserName: rtOrigID}) {
			t.Errorf("safe body leaked plain fields: %+v", body)
		}
	}
}

func TestSendSuccessReply(t *testing.T) {
	for _, mode := range []Mode{ModePlain, ModeCompat, ModeSafe} {
		c, _ := newRoundTrip(t, mode, func(Message) string { return "" })
		resp, err := c.Send(context.Background(), Text("o_user", "x", 1))
		if err != nil || !resp.IsSuccess() || resp.Encrypted || string(resp.Plain) != "success" {
			t.Fatalf("%s: %+v, %v", mode, resp, err)
		}
	}
}

func TestSendRejectsBadReplies(t *testing.T) {
	t.Run("plain reply in safe mode", func(t *testing.T) {
		c, _ := newRoundTrip(t, ModeSafe, textReply)
		req, _ := c.BuildRequest(context.Background(), Text("o_user", "x", 1))
		// Without "aes" the dev server skips decryption and replies plain.
		q := req.URL.Query()
		q.Set("encrypt_type", "none")
		req.URL.RawQuery = q.Encode()
		resp, err := c.Do(req)
		if !errors.Is(err, ErrPlainReply) || resp == nil || resp.Encrypted {
			t.Fatalf("err = %v, resp = %+v", err, resp)
		}
	})
	t.Run("reply sealed for another app", func(t *testing.T) {
		c, d := newRoundTrip(t, ModeSafe, textReply)
		d.sealAppID = "wx_someone_else"
		if _, err := c.Send(context.Background(), Text("o_user", "x", 1)); !errors.Is(err, ErrAppIDMismatch) {
			t.Fatalf("err = %v, want ErrAppIDMismatch", err)
		}
	})
	t.Run("tampered signature is refused by the server", func(t *testing.T) {
		c, d := newRoundTrip(t, ModeCompat, textReply)
		req, _ := c.BuildRequest(context.Background(), Text("o_user", "x", 1))
		q := req.URL.Query()
		q.Set("msg_signature", "0000")
		req.URL.RawQuery = q.Encode()
		resp, err := c.Do(req)
		if err != nil || resp.Status != http.StatusForbidden || resp.IsSuccess() || len(d.got) != 0 {
			t.Fatalf("resp = %+v, err = %v", resp, err)
		}
	})
}

func TestNewClientValidation(t *testing.T) {
	base := ClientConfig{URL: "http://127.0.0.1/wechat", Token: "t", EncodingAESKey: rtKey, AppID: rtAppID}
	bad := func(f func(*ClientConfig)) ClientConfig { c := base; f(&c); return c }
	tests := []struct {
		name string
		cfg  ClientConfig
		ok   bool
	}{
		{"plain with key", base, true},
		{"plain without key", bad(func(c *ClientConfig) { c.EncodingAESKey = "" }), true},
		{"plain with broken key", bad(func(c *ClientConfig) { c.EncodingAESKey = "short" }), true},
		{"safe with broken key", bad(func(c *ClientConfig) { c.Mode, c.EncodingAESKey = ModeSafe, "short" }), false},
		{"compat without key", bad(func(c *ClientConfig) { c.Mode, c.EncodingAESKey = ModeCompat, "" }), false},
		{"key not base64", bad(func(c *ClientConfig) { c.Mode, c.EncodingAESKey = ModeSafe, "!"+rtKey[1:] }), false},
		{"relative URL", bad(func(c *ClientConfig) { c.URL = "/wechat" }), false},
		{"no token", bad(func(c *ClientConfig) { c.Token = "" }), false},
		{"bad mode", bad(func(c *ClientConfig) { c.Mode = 7 }), false},
	}
	for _, tc := range tests {
		if _, err := NewClient(tc.cfg); (err == nil) != tc.ok {
			t.Errorf("%s: err = %v, want ok=%v", tc.name, err, tc.ok)
		}
	}
}
