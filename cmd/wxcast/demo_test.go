package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"
)

// demoAPI talks to a running demo's JSON API as the page does.
type demoAPI struct {
	t    *testing.T
	base string
}

func (d demoAPI) get(path string, v any) {
	d.t.Helper()
	res, err := http.Get(d.base + path)
	if err != nil {
		d.t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		d.t.Fatalf("GET %s: %s", path, res.Status)
	}
	if err := json.NewDecoder(res.Body).Decode(v); err != nil {
		d.t.Fatalf("GET %s: %v", path, err)
	}
}

func (d demoAPI) post(path string, body any) (int, map[string]any) {
	d.t.Helper()
	b, _ := json.Marshal(body)
	res, err := http.Post(d.base+path, "application/json", bytes.NewReader(b))
	if err != nil {
		d.t.Fatal(err)
	}
	defer res.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(res.Body).Decode(&out)
	return res.StatusCode, out
}

// say types text as openid and returns the account's passive reply.
func (d demoAPI) say(openid, text string) string {
	d.t.Helper()
	status, e := d.post("api/say", map[string]string{"openid": openid, "text": text})
	if status != http.StatusOK {
		d.t.Fatalf("say %q as %s: %d %v", text, openid, status, e)
	}
	reply, _ := e["reply"].(string)
	return reply
}

type demoMsg struct {
	From, Kind, Title, Text string
}

func (d demoAPI) chat(openid string) []demoMsg {
	var l []demoMsg
	d.get("api/chat?openid="+openid+"&after=0", &l)
	return l
}

type demoEntry struct {
	OpenID, Label, Action, Reply string
	Added, Removed               []string
	Error                        string
}

// TestDemoEndToEnd runs the demo without a browser: the simulated
// followers must reach wxcast through the real callback endpoint (tags
// and replies show in the event stream, membership data arrives through
// the attributes API), and a broadcast run from the admins' chat must end
// up in exactly its audience's chats, as WeChat delivered it.
func TestDemoEndToEnd(t *testing.T) {
	d := demoAPI{t: t, base: startDemo(t, "--listen", "127.0.0.1:0", "--followers", "80", "--join-in", "2s",
		"--rate", "0.2", "--batch-interval", "100ms", "--rules", "../../configs/rules.example.yaml")}

	var people struct {
		Joined    int
		Followers int
	}
	waitFor(t, 20*time.Second, "every follower to join", func() bool {
		d.get("api/people", &people)
		return people.Joined == 80
	})
	var feed struct {
		Entries    []demoEntry
		Callbacks  int
		TagChanges int `json:"tag_changes"`
	}
	d.get("api/feed?after=0", &feed)
	var welcomed, tagged, attrs, vip bool
	for _, e := range feed.Entries {
		if e.Error != "" {
			t.Errorf("%s: %s failed: %s", e.Label, e.Action, e.Error)
		}
		welcomed = welcomed || strings.Contains(e.Reply, "欢迎关注")
		tagged = tagged || slices.Contains(e.Added, "new_follower")
		attrs = attrs || strings.HasPrefix(e.Action, "会员系统写入属性")
		vip = vip || slices.Contains(e.Added, "vip")
	}
	// The crowd of the default seed is the same every run: it has members
	// of level 3 and above who act after their data arrives.
	if !welcomed || !tagged || !attrs || !vip {
		t.Fatalf("the event stream lacks a welcome (%v), a new_follower tag (%v), membership data (%v) or a vip tag (%v): %+v",
			welcomed, tagged, attrs, vip, feed.Entries)
	}
	if feed.Callbacks < 80 || feed.TagChanges < 80 {
		t.Fatalf("%d callbacks and %d tag changes for 80 followers", feed.Callbacks, feed.TagChanges)
	}

	// The segment counts are the rules' counts over the stored profiles.
	var segs struct {
		Segments []struct {
			Name  string
			Count int
		}
	}
	d.get("api/segments", &segs)
	counts := map[string]int{}
	for _, s := range segs.Segments {
		counts[s.Name] = s.Count
	}
	if counts["all_subscribed"] < 70 || counts["promo_clickers"] < 2 {
		t.Fatalf("segment counts %v", counts)
	}
	if r := d.say(demoEditor, "人数 promo_clickers"); !strings.Contains(r, "promo_clickers") {
		t.Fatalf("count reply %q", r)
	}

	// A broadcast to the clickers, from the admins' chat.
	if r := d.say(demoEditor, "新建 promo_clickers 文本 周末特惠"); !strings.Contains(r, "#1") {
		t.Fatalf("new: %q", r)
	}
	preview := d.say(demoEditor, "预览 1")
	plan := regexp.MustCompile(`计划 ([0-9a-f]{8})：受众 (\d+) 人`).FindStringSubmatch(preview)
	if plan == nil {
		t.Fatalf("preview: %q", preview)
	}
	waitFor(t, 5*time.Second, "the preview in the editor's chat", func() bool {
		return slices.ContainsFunc(d.chat(demoEditor), func(m demoMsg) bool { return m.Kind == "preview" && m.Text == "周末特惠" })
	})
	if r := d.say(demoEditor, "批准 1"); !strings.Contains(r, "权限") {
		t.Fatalf("the editor approved their own broadcast: %q", r)
	}
	if r := d.say(demoApprover, "批准 1 "+plan[1]); !strings.Contains(r, "1/1") {
		t.Fatalf("approve: %q", r)
	}
	if r := d.say(demoEditor, "发送 1"); !strings.Contains(r, "开始发送") {
		t.Fatalf("send: %q", r)
	}
	type batch struct {
		Size     int
		State    string
		Reported bool
		Sent     int
	}
	var bcs []struct {
		ID      int64
		State   string
		Batches []batch
		Sent    int
	}
	waitFor(t, 20*time.Second, "the broadcast to be sent and reported", func() bool {
		d.get("api/broadcasts", &bcs)
		return len(bcs) == 1 && bcs[0].State == "sent" && !slices.ContainsFunc(bcs[0].Batches, func(b batch) bool { return !b.Reported })
	})
	audience := 0
	for _, b := range bcs[0].Batches {
		audience += b.Size
	}
	if planned, _ := strconv.Atoi(plan[2]); audience < 2 || audience > planned {
		t.Fatalf("the batches hold %d followers; the plan had %d", audience, planned)
	}

	// Every recipient's chat shows the broadcast once; nobody else's does.
	var got int
	for n := 1; n <= 80; n++ {
		var pick struct{ Pick struct{ OpenID string } }
		d.get("api/people?n="+strconv.Itoa(n), &pick)
		var profile struct{ Tags []string }
		d.get("api/profile?openid="+pick.Pick.OpenID, &profile)
		var recv int
		for _, m := range d.chat(pick.Pick.OpenID) {
			if m.Kind == "broadcast" && m.Text == "周末特惠" {
				recv++
			}
		}
		if recv > 1 {
			t.Errorf("%s got the broadcast %d times", pick.Pick.OpenID, recv)
		}
		if recv == 1 && !slices.Contains(profile.Tags, "clicked_promo") {
			t.Errorf("%s got the broadcast without the clicked_promo tag %v", pick.Pick.OpenID, profile.Tags)
		}
		got += recv
	}
	// WeChat skips a follower who unfollowed after their batch was made.
	if got != bcs[0].Sent || got > audience || got < audience-2 {
		t.Fatalf("%d followers' chats show the broadcast; the batches held %d and WeChat reported %d", got, audience, bcs[0].Sent)
	}
	waitFor(t, 5*time.Second, "the finish notice in the editor's chat", func() bool {
		return slices.ContainsFunc(d.chat(demoEditor), func(m demoMsg) bool { return strings.Contains(m.Text, "发送完成") })
	})

	// A follower's chat: menu clicks and unfollowing go through callbacks too.
	var pick struct{ Pick struct{ OpenID string } }
	d.get("api/people?n=7", &pick)
	if status, e := d.post("api/do", map[string]string{"openid": pick.Pick.OpenID, "action": "promo"}); status != http.StatusOK ||
		!strings.Contains(e["reply"].(string), "本周优惠") {
		t.Fatalf("promo click: %d %v", status, e)
	}
	if status, e := d.post("api/do", map[string]string{"openid": pick.Pick.OpenID, "action": "dance"}); status != http.StatusBadRequest ||
		!strings.Contains(e["error"].(string), "subscribe, unsubscribe") {
		t.Fatalf("an unknown action answered %d %v", status, e)
	}
	if status, _ := d.post("api/do", map[string]string{"openid": demoEditor, "action": "unsubscribe"}); status != http.StatusBadRequest {
		t.Fatalf("an admin could unfollow: %d", status)
	}
	if status, _ := d.post("api/say", map[string]string{"openid": "oNobody", "text": "hi"}); status != http.StatusNotFound {
		t.Fatalf("an unknown person answered %d", status)
	}
}

func TestDemoFlags(t *testing.T) {
	f, err := parseDemoFlags(nil)
	if err != nil || f.listen != demoListen || f.followers != 2000 || f.joinIn != 30*time.Second {
		t.Fatalf("defaults: %+v %v", f, err)
	}
	if f, _ := parseDemoFlags([]string{"--followers", "100"}); f.joinIn != 10*time.Second {
		t.Fatalf("a small crowd joins over %v, want the 10 s floor", f.joinIn)
	}
	for args, want := range map[string]string{
		"--followers -1":      "--followers -1",
		"--followers 2000000": "want 0 to 1000000",
		"--rate 0":            "--rate 0",
		"--rate NaN":          "--rate NaN",
		"--batch-interval 2h": "--batch-interval 2h0m0s",
		"--join-in -1s":       "--join-in -1s",
		"--click-delay 10ms":  "--click-delay 10ms: want 1s to 1h",
		"extra":               `unexpected argument "extra"`,
		"--listen":            "flag needs an argument",
		"--followers many":    `invalid argument "many" for "--followers"`,
	} {
		if _, err := parseDemoFlags(strings.Fields(args)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want an error with %q", args, err, want)
		}
	}
	// A taken port is named, with the flag that changes it.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	err = run(context.Background(), []string{"demo", "--listen", ln.Addr().String(), "--followers", "0"}, nil, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "--listen") {
		t.Fatalf("demo on a taken port: %v", err)
	}
}

// parseDemoFlags parses args as the demo command does: its flags, no
// positional arguments, and the range checks.
func parseDemoFlags(args []string) (demoFlags, error) {
	var f demoFlags
	fs := pflag.NewFlagSet("demo", pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	f.register(fs)
	if err := fs.Parse(args); err != nil {
		return f, err
	}
	if err := noArgs(nil, fs.Args()); err != nil {
		return f, err
	}
	return f, f.check()
}

func TestSimFlags(t *testing.T) {
	for args, want := range map[string]string{
		"--mode weird":                `--mode "weird"`,
		"--followers -1":              "--followers -1",
		"--draft-ids sometimes":       "--draft-ids",
		"--callback ftp://x/wechat":   "absolute http(s) URL",
		"--mode safe --aes-key short": "EncodingAESKey",
		"extra":                       `unexpected argument "extra"`,
	} {
		err := run(context.Background(), append([]string{"sim"}, strings.Fields(args)...), nil, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("sim %s: %v, want an error with %q", args, err, want)
		}
	}
}

// TestDemoExposureWarning checks that a demo page reachable from beyond
// the host (--listen :PORT, a LAN address) is warned about, and a
// loopback one is not.
func TestDemoExposureWarning(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", ":0") // what --listen :PORT binds
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	for _, tc := range []struct {
		addr net.Addr
		warn bool
	}{
		{&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8080}, false},
		{&net.TCPAddr{IP: net.IPv6loopback, Port: 8080}, false},
		{&net.TCPAddr{IP: net.IPv4zero, Port: 8080}, true},
		{&net.TCPAddr{IP: net.IPv6unspecified, Port: 8080}, true},
		{&net.TCPAddr{IP: net.IPv4(192, 168, 1, 5), Port: 8080}, true},
		{ln.Addr(), true},
	} {
		got := exposureWarning(tc.addr)
		if (got != "") != tc.warn || tc.warn && !strings.Contains(got, tc.addr.String()) {
			t.Errorf("%s: warning %q, want one: %v", tc.addr, got, tc.warn)
		}
	}
}
