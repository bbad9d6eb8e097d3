package main

import (
	"context"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/wxcast/wxcast/internal/wxsim"
)

func ms(n int) time.Duration { return time.Duration(n) * time.Millisecond }

func TestPercentileNearestRank(t *testing.T) {
	var d []time.Duration
	for i := 1; i <= 1000; i++ {
		d = append(d, ms(i))
	}
	for _, c := range []struct {
		p    float64
		want time.Duration
	}{
		{50, ms(500)}, {90, ms(900)}, {99, ms(990)}, {99.9, ms(999)}, {100, ms(1000)},
		{0.01, ms(1)}, {0, ms(1)},
	} {
		if got := percentile(d, c.p); got != c.want {
			t.Errorf("p%v of 1..1000 ms = %v, want %v", c.p, got, c.want)
		}
	}
	// Few values: p99 is the maximum, not an interpolation.
	four := []time.Duration{ms(1), ms(2), ms(3), ms(40)}
	if got := percentile(four, 99); got != ms(40) {
		t.Errorf("p99 of 4 values = %v, want the max", got)
	}
	if got := percentile(four, 50); got != ms(2) {
		t.Errorf("p50 of 4 values = %v, want 2ms", got)
	}
	if got := percentile(nil, 50); got != 0 {
		t.Errorf("p50 of nothing = %v", got)
	}
}

func TestSummarizeSortsAndConverts(t *testing.T) {
	d := []time.Duration{ms(3), ms(1), ms(2), 1500 * time.Microsecond}
	s := summarize(d)
	if s.Count != 4 || s.P50 != 1.5 || s.Max != 3 || s.Mean != 1.875 {
		t.Fatalf("summary = %+v", s)
	}
	if z := summarize(nil); z != (latencySummary{}) {
		t.Fatalf("empty summary = %+v", z)
	}
}

func TestMixFollowsWeights(t *testing.T) {
	var ids atomic.Int64
	const followers, draws = 1000, 200000
	m := newMix(rand.New(rand.NewPCG(1, 2)), followers, &ids, defaultMix())
	count := map[string]int{}
	seenFollower := map[string]bool{}
	seenMsgID := map[int64]bool{}
	for range draws {
		msg, kind := m.next()
		count[kind]++
		seenFollower[msg.FromUserName] = true
		if len(msg.FromUserName) != 28 || !strings.HasPrefix(msg.FromUserName, "o") {
			t.Fatalf("openid %q is not 28 characters starting with o", msg.FromUserName)
		}
		switch kind {
		case kindText:
			if n := utf8.RuneCountInString(msg.Content); n < 5 || n > 30 || msg.MsgType != wxsim.MsgTypeText {
				t.Fatalf("text %q has %d characters", msg.Content, n)
			}
			if seenMsgID[msg.MsgID] {
				t.Fatalf("MsgId %d sent twice", msg.MsgID)
			}
			seenMsgID[msg.MsgID] = true
		case kindClick:
			if msg.Event != wxsim.EventClick || msg.EventKey == "" {
				t.Fatalf("click = %+v", msg)
			}
		case kindLocation:
			if msg.Event != wxsim.EventLocation || msg.Latitude < 31 || msg.Longitude < 121 {
				t.Fatalf("location report = %+v", msg)
			}
		case kindSubscribe:
			if msg.Event != wxsim.EventSubscribe {
				t.Fatalf("subscribe = %+v", msg)
			}
		}
	}
	total := 0
	for _, s := range defaultMix() {
		total += s.weight
	}
	for _, s := range defaultMix() {
		got := float64(count[s.kind]) / draws
		want := float64(s.weight) / float64(total)
		if got < want-0.01 || got > want+0.01 {
			t.Errorf("%s: %.3f of the mix, want %.3f", s.kind, got, want)
		}
	}
	if len(seenFollower) < followers*99/100 {
		t.Errorf("only %d of %d followers drawn", len(seenFollower), followers)
	}
}

func TestChineseTextIsValidUTF8(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for range 1000 {
		s := chineseText(rng, 5, 30)
		if !utf8.ValidString(s) {
			t.Fatalf("%q is not UTF-8", s)
		}
	}
}

func TestWeek(t *testing.T) {
	var ids atomic.Int64
	end := time.Date(2025, 3, 10, 12, 0, 0, 0, time.UTC)
	msgs := week(rand.New(rand.NewPCG(5, 6)), openID(7), "gh_x", end, &ids)
	if len(msgs) < 12 || len(msgs) > 18 {
		t.Fatalf("%d callbacks in a week", len(msgs))
	}
	if first := msgs[0]; first.Event != wxsim.EventSubscribe || !strings.HasPrefix(first.EventKey, "qrscene_") {
		t.Fatalf("first callback = %+v, want a subscribe through a QR code", first)
	}
	for i, m := range msgs {
		if i > 0 && m.CreateTime < msgs[i-1].CreateTime {
			t.Fatalf("callback %d is older than the one before", i)
		}
		if m.CreateTime < end.Add(-7*24*time.Hour).Unix() || m.CreateTime >= end.Unix() {
			t.Fatalf("callback %d at %d is outside the week", i, m.CreateTime)
		}
		if b := botMessage(m); b.OpenID != openID(7) || b.ToUser != "gh_x" {
			t.Fatalf("bot message = %+v", b)
		}
	}
}

func TestClassify(t *testing.T) {
	for _, c := range []struct {
		r    *wxsim.Response
		want string
	}{
		{&wxsim.Response{Status: 200, Raw: []byte("success")}, ""},
		{&wxsim.Response{Status: 200, Raw: []byte("")}, "body"},
		{&wxsim.Response{Status: 200, Raw: []byte("<xml/>"), Plain: []byte("<xml/>")}, "body"},
		{&wxsim.Response{Status: 200, Raw: []byte("<xml>…"), Plain: []byte("<xml><MsgType>text</MsgType></xml>")}, ""},
		{&wxsim.Response{Status: 503, Raw: []byte("success")}, "status_503"},
		{nil, "transport"},
	} {
		if got := classify(c.r, nil); got != c.want {
			t.Errorf("classify(%+v) = %q, want %q", c.r, got, c.want)
		}
	}
}

func TestCheckLoopback(t *testing.T) {
	for _, ok := range []string{"http://127.0.0.1:8081/wechat", "http://localhost/wechat", "http://[::1]:80/", "http://127.9.9.9/"} {
		if err := checkLoopback(ok); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	for _, bad := range []string{"http://10.0.0.1/wechat", "http://example.com/", "http://192.168.1.2:8080/"} {
		if checkLoopback(bad) == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}

// TestRunAgainstBare drives the bare handler in every mode, paced and
// flat out, and checks that the counts add up.
func TestRunAgainstBare(t *testing.T) {
	srv := httptest.NewServer(bareHandler("tok"))
	defer srv.Close()
	for _, c := range []struct {
		mode string
		rate float64
	}{{"safe", 400}, {"plain", 0}, {"compat", 0}} {
		args := []string{"--url", srv.URL + "/wechat", "--token", "tok", "--mode", c.mode,
			"--aes-key", "DemoKeyReplaceMeWithYourOwnEncodingAESKey01", "--app-id", "wxapp",
			"--duration", "300ms", "--concurrency", "4", "--followers", "50", "--json"}
		if c.rate > 0 {
			args = append(args, "--rate", "400")
		}
		cfg, err := parseRunFlags(args, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		workers, err := newWorkers(cfg)
		if err != nil {
			t.Fatal(err)
		}
		start, scheduled := drive(context.Background(), workers, cfg.rate, cfg.duration)
		r := buildReport(cfg, workers, start, scheduled)
		if r.Errors != 0 || r.OK != r.Sent || r.Sent == 0 {
			t.Fatalf("%s: sent %d ok %d errors %v %v", c.mode, r.Sent, r.OK, r.ErrorKinds, r.ErrorSamples)
		}
		if c.rate > 0 && (scheduled != 120 || r.Sent < 100 || r.Sent > 120) {
			t.Fatalf("paced at 400/s for 300ms: scheduled %d, sent %d", scheduled, r.Sent)
		}
	}
}

func TestBareRefusesBadSignature(t *testing.T) {
	srv := httptest.NewServer(bareHandler("tok"))
	defer srv.Close()
	cl, err := wxsim.NewClient(wxsim.ClientConfig{URL: srv.URL + "/wechat", Token: "other", Mode: wxsim.ModePlain})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := cl.Send(context.Background(), wxsim.Text(openID(1), "你好", 1))
	if err != nil {
		t.Fatal(err)
	}
	if resp.Status != http.StatusUnauthorized {
		t.Fatalf("status %d, want 401", resp.Status)
	}
}

func TestProcTicks(t *testing.T) {
	if _, err := procTicks(1); err != nil {
		t.Skip("no /proc:", err)
	}
	ws, err := parseWatch("a=1, b=1")
	if err != nil || len(ws) != 2 || ws[1].name != "b" {
		t.Fatalf("parseWatch = %v, %v", ws, err)
	}
	if _, err := parseWatch("a"); err == nil {
		t.Fatal("parseWatch accepted a bare name")
	}
}
