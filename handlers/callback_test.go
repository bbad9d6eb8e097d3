package handlers_test

import (
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wxcast/wxcast/bot"
	"github.com/wxcast/wxcast/internal/wxsim"
)

func TestURLVerification(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{})
	c := e.client(wxsim.ModePlain)
	res, err := c.VerifyURL(context.Background(), "4375120948345356249")
	if err != nil || res.Status != 200 || string(res.Raw) != "4375120948345356249" {
		t.Fatalf("verify: %v %d %q", err, res.Status, res.Raw)
	}
	bad := e.client(wxsim.ModePlain, func(c *wxsim.ClientConfig) { c.Token = "notTheToken" })
	res, err = bad.VerifyURL(context.Background(), "123")
	if err != nil || res.Status != http.StatusUnauthorized || strings.Contains(string(res.Raw), "123") {
		t.Fatalf("verify with a wrong token: %v %d %q", err, res.Status, res.Raw)
	}
}

func TestModesEndToEnd(t *testing.T) {
	t.Parallel()
	for _, mode := range []wxsim.Mode{wxsim.ModePlain, wxsim.ModeCompat, wxsim.ModeSafe} {
		t.Run(mode.String(), func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, envOpts{})
			c := e.client(mode)
			ctx := context.Background()
			const who = "oFollower_mode-1"
			for _, m := range []wxsim.Message{
				wxsim.Subscribe(who, "poster_A"),
				wxsim.Text(who, "优惠券", 900001),
				wxsim.Click(who, "MENU_PROMO"),
				wxsim.LocationReport(who, 31.2304, 121.4737, 65),
				wxsim.Location(who, 39.9042, 116.4074, "北京", 900002),
				wxsim.View(who, "https://example.com/shop"),
			} {
				res, err := c.Send(ctx, m)
				if err != nil || !res.IsSuccess() {
					t.Fatalf("%s %s: %v %+v", m.MsgType, m.Event, err, res)
				}
			}
			p, err := e.followers.Profile(ctx, who)
			if err != nil {
				t.Fatal(err)
			}
			if !p.Subscribed || p.Scene != "poster_A" || p.LastClickKey != "MENU_PROMO" {
				t.Fatalf("profile %+v", p)
			}
			for kind, n := range map[string]int64{"subscribe": 1, "text": 1, "click": 1, "location_report": 1, "location": 1, "view": 1} {
				if p.Counts()[kind] != n {
					t.Errorf("%s count = %d, want %d", kind, p.Counts()[kind], n)
				}
			}
			if p.Location == nil {
				t.Fatal("no location recorded")
			}
			h, _ := e.followers.History(ctx, who)
			if len(h) != 6 || h[len(h)-1].Kind != "subscribe" || h[len(h)-2].Content != "优惠券" {
				t.Fatalf("history %+v", h)
			}
		})
	}
}

func TestRefusalsTouchNothing(t *testing.T) {
	t.Parallel()
	past := func() time.Time { return time.Now().Add(-10 * time.Minute) }
	future := func() time.Time { return time.Now().Add(10 * time.Minute) }
	cases := []struct {
		name   string
		mode   wxsim.Mode
		tweak  func(*wxsim.ClientConfig)
		msg    wxsim.Message
		req    func(*http.Request)
		status int
		reason string
		strict bool
	}{
		{name: "plaintext while an AES key is set", mode: wxsim.ModeSafe, strict: true,
			req: func(r *http.Request) {
				// A safe-mode URL stripped of encrypt_type and msg_signature
				// still carries a valid plaintext signature: refused.
				q := r.URL.Query()
				q.Del("encrypt_type")
				q.Del("msg_signature")
				r.URL.RawQuery = q.Encode()
				setBody(r, "<xml><ToUserName><![CDATA[gh_0123456789ab]]></ToUserName><FromUserName><![CDATA[oForged]]></FromUserName>"+
					"<CreateTime>1</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[unsubscribe]]></Event></xml>")
			},
			status: 401, reason: "plaintext_refused"},
		{name: "wrong signature", mode: wxsim.ModePlain,
			req:    func(r *http.Request) { setQuery(r, "signature", strings.Repeat("0", 40)) },
			status: 401, reason: "bad_signature"},
		{name: "missing signature", mode: wxsim.ModeSafe,
			req:    func(r *http.Request) { setQuery(r, "signature", "") },
			status: 401, reason: "bad_signature"},
		{name: "wrong msg_signature", mode: wxsim.ModeSafe,
			req:    func(r *http.Request) { setQuery(r, "msg_signature", strings.Repeat("a", 40)) },
			status: 401, reason: "bad_msg_signature"},
		{name: "token mismatch", mode: wxsim.ModeSafe, tweak: func(c *wxsim.ClientConfig) { c.Token = "otherToken" },
			status: 401, reason: "bad_signature"},
		{name: "timestamp 10 minutes old", mode: wxsim.ModeSafe, tweak: func(c *wxsim.ClientConfig) { c.Clock = past },
			status: 401, reason: "stale_timestamp"},
		{name: "timestamp 10 minutes ahead", mode: wxsim.ModePlain, tweak: func(c *wxsim.ClientConfig) { c.Clock = future },
			status: 401, reason: "stale_timestamp"},
		{name: "body over 64 KiB", mode: wxsim.ModePlain, msg: wxsim.Text("oBig", strings.Repeat("长", 25000), 1),
			status: 413, reason: "body_too_large"},
		{name: "encrypted for another AppID", mode: wxsim.ModeSafe, tweak: func(c *wxsim.ClientConfig) { c.AppID = "wxsomeoneelse00001" },
			status: 400, reason: "appid_mismatch"},
		{name: "encrypted with another key", mode: wxsim.ModeSafe, tweak: func(c *wxsim.ClientConfig) { c.EncodingAESKey = oldKey },
			status: 400, reason: "decrypt_failed"},
		{name: "unknown encrypt_type", mode: wxsim.ModeSafe,
			req:    func(r *http.Request) { setQuery(r, "encrypt_type", "des") },
			status: 400, reason: "unsupported_encrypt_type"},
		{name: "malformed XML", mode: wxsim.ModePlain, req: func(r *http.Request) { setBody(r, "<xml><ToUserName>") },
			status: 400, reason: "malformed_xml"},
		{name: "envelope without Encrypt", mode: wxsim.ModeSafe, req: func(r *http.Request) { setBody(r, "<xml><ToUserName>gh</ToUserName></xml>") },
			status: 400, reason: "malformed_xml"},
		{name: "sender is not an openid", mode: wxsim.ModePlain, msg: wxsim.Text("o}{evil", "x", 2),
			status: 400, reason: "invalid_message"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, envOpts{strict: tc.strict})
			var tweaks []func(*wxsim.ClientConfig)
			if tc.tweak != nil {
				tweaks = append(tweaks, tc.tweak)
			}
			c := e.client(tc.mode, tweaks...)
			msg := tc.msg
			if msg.MsgType == "" {
				msg = wxsim.Text("oRefused", "hello", 77)
			}
			req, err := c.BuildRequest(context.Background(), msg)
			if err != nil {
				t.Fatal(err)
			}
			if tc.req != nil {
				tc.req(req)
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != tc.status {
				t.Fatalf("status %d (%s), want %d", res.StatusCode, body, tc.status)
			}
			if n := e.keyCount(); n != 0 {
				t.Fatalf("a refused callback wrote %d keys", n)
			}
			if got := e.counter("wxcast_callback_refusals_total", "reason", tc.reason); got != 1 {
				t.Fatalf("refusals{reason=%s} = %v, want 1", tc.reason, got)
			}
		})
	}
}

func setQuery(r *http.Request, k, v string) {
	q := r.URL.Query()
	q.Set(k, v)
	r.URL.RawQuery = q.Encode()
}

func setBody(r *http.Request, s string) {
	r.Body = io.NopCloser(strings.NewReader(s))
	r.ContentLength = int64(len(s))
}

type textReply struct {
	ToUserName   string `xml:"ToUserName"`
	FromUserName string `xml:"FromUserName"`
	MsgType      string `xml:"MsgType"`
	Content      string `xml:"Content"`
}

func parseReply(t *testing.T, plain []byte) textReply {
	t.Helper()
	var r textReply
	if err := xml.Unmarshal(plain, &r); err != nil {
		t.Fatalf("reply %q: %v", plain, err)
	}
	return r
}

func TestRetriesSequentialSameAnswer(t *testing.T) {
	t.Parallel()
	rep := &countingReplier{}
	e := newEnv(t, envOpts{decider: rep})
	c := e.client(wxsim.ModeSafe)
	ctx := context.Background()
	msg := wxsim.Text("oRetry", "价格", 31337)
	msg.CreateTime = time.Now().Unix()
	var answers []string
	for i := 0; i < 3; i++ {
		res, err := c.Send(ctx, msg)
		if err != nil || res.Status != 200 || !res.Encrypted {
			t.Fatalf("delivery %d: %v %+v", i, err, res)
		}
		r := parseReply(t, res.Plain)
		if r.ToUserName != "oRetry" || r.FromUserName != original || r.MsgType != "text" {
			t.Fatalf("reply envelope %+v", r)
		}
		answers = append(answers, r.Content)
	}
	if answers[0] != "reply #1 to 价格" || answers[1] != answers[0] || answers[2] != answers[0] {
		t.Fatalf("answers %q, want three times the first", answers)
	}
	if rep.calls() != 1 {
		t.Fatalf("reply rules ran %d times, want 1", rep.calls())
	}
	p, _ := e.followers.Profile(ctx, "oRetry")
	if p.Counts()["text"] != 1 {
		t.Fatalf("text counted %d times", p.Counts()["text"])
	}
	if got := e.counter("wxcast_callback_dedup_hits_total"); got != 2 {
		t.Fatalf("dedup hits = %v, want 2", got)
	}
}

func TestRetriesWhileFirstInFlight(t *testing.T) {
	t.Parallel()
	rep := &countingReplier{hold: make(chan struct{}), entered: make(chan struct{})}
	pending := &pendingSeen{seen: make(chan struct{}, 2)}
	e := newEnv(t, envOpts{decider: rep, watch: func(f bot.Followers) bot.Followers {
		pending.Followers = f
		return pending
	}})
	c := e.client(wxsim.ModePlain)
	ctx := context.Background()
	msg := wxsim.Text("oSlow", "在吗", 4242)
	msg.CreateTime = time.Now().Unix()

	answers := make([]string, 3)
	var wg sync.WaitGroup
	send := func(i int) {
		defer wg.Done()
		res, err := c.Send(ctx, msg)
		if err != nil || res.Status != 200 {
			t.Errorf("delivery %d: %v %+v", i, err, res)
			return
		}
		answers[i] = parseReply(t, res.Plain).Content
	}
	wg.Add(1)
	go send(0)
	<-rep.entered // the first delivery is inside the reply rules
	wg.Add(2)
	go send(1)
	go send(2)
	// Both retries found the first delivery still unanswered: they are
	// waiting for its answer, not racing it to the rules.
	for range 2 {
		select {
		case <-pending.seen:
		case <-time.After(5 * time.Second):
			t.Error("a retry did not find the first delivery unanswered")
		}
	}
	close(rep.hold)
	wg.Wait()
	for i, a := range answers {
		if a != "reply #1 to 在吗" {
			t.Fatalf("answer %d = %q; all deliveries should get the first one's reply", i, a)
		}
	}
	if rep.calls() != 1 {
		t.Fatalf("reply rules ran %d times", rep.calls())
	}
	p, _ := e.followers.Profile(ctx, "oSlow")
	if p.Counts()["text"] != 1 {
		t.Fatalf("text counted %d times", p.Counts()["text"])
	}
}

func TestConcurrentRetriesManyMessages(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{})
	c := e.client(wxsim.ModeSafe)
	ctx := context.Background()
	now := time.Now().Unix()
	var wg sync.WaitGroup
	for i := 0; i < 30; i++ {
		m := wxsim.Text(fmt.Sprintf("oMany%02d", i%5), "hi", int64(5000+i))
		m.CreateTime = now
		for try := 0; try < 3; try++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if res, err := c.Send(ctx, m); err != nil || !res.IsSuccess() {
					t.Errorf("send: %v %+v", err, res)
				}
			}()
		}
	}
	wg.Wait()
	for i := 0; i < 5; i++ {
		p, _ := e.followers.Profile(ctx, fmt.Sprintf("oMany%02d", i))
		if p.Counts()["text"] != 6 {
			t.Errorf("follower %d: %d texts recorded, want 6", i, p.Counts()["text"])
		}
	}
	if got := e.counter("wxcast_callback_dedup_hits_total"); got != 60 {
		t.Errorf("dedup hits = %v, want 60", got)
	}
}
