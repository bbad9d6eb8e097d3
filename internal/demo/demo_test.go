package demo

import (
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/wxcast/wxcast/internal/wxsim"
	"github.com/wxcast/wxcast/rules"
)

func TestReplyMessage(t *testing.T) {
	cases := []struct {
		name, xml string
		ok        bool
		want      Message
	}{
		{"success", "success", false, Message{}},
		{"empty", "", false, Message{}},
		{"text", `<xml><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[欢迎关注！]]></Content></xml>`, true,
			Message{From: fromAccount, Kind: "text", Text: "欢迎关注！"}},
		{"news", `<xml><MsgType>news</MsgType><ArticleCount>1</ArticleCount><Articles><item><Title>新人礼包</Title>` +
			`<Description>到店出示</Description><Url>https://m.example.com/w</Url></item></Articles></xml>`, true,
			Message{From: fromAccount, Kind: "news", Title: "新人礼包", Text: "到店出示", URL: "https://m.example.com/w"}},
		{"image", `<xml><MsgType>image</MsgType><Image><MediaId>M1</MediaId></Image></xml>`, true,
			Message{From: fromAccount, Kind: "image", Text: "[图片] M1"}},
		{"video", `<xml><MsgType>video</MsgType><Video><MediaId>V</MediaId><Title>教程</Title><Description>三分钟</Description></Video></xml>`, true,
			Message{From: fromAccount, Kind: "video", Title: "教程", Text: "三分钟"}},
		{"news without articles", `<xml><MsgType>news</MsgType></xml>`, false, Message{}},
		{"not XML", `<html>oops`, false, Message{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := replyMessage([]byte(tc.xml))
			if ok != tc.ok || got != tc.want {
				t.Fatalf("replyMessage = %+v, %v; want %+v, %v", got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestCrowdIsReproducible(t *testing.T) {
	a, b := newCrowd(500, 7), newCrowd(500, 7)
	other := newCrowd(500, 8)
	seen := map[string]bool{}
	var stores, members, located int
	for i := range a {
		if a[i].openid != b[i].openid || a[i].scene != b[i].scene || a[i].place != b[i].place {
			t.Fatalf("person %d differs between two crowds of one seed", i)
		}
		if err := rules.CheckOpenID(a[i].openid); err != nil || len(a[i].openid) != 28 {
			t.Fatalf("openid %q: %v", a[i].openid, err)
		}
		if seen[a[i].openid] {
			t.Fatalf("openid %q twice", a[i].openid)
		}
		seen[a[i].openid] = true
		if strings.HasPrefix(a[i].scene, "store_") {
			stores++
		}
		if a[i].attrs != nil {
			members++
			if lv := a[i].attrs["vip_level"].(int); lv < 0 || lv > 5 {
				t.Fatalf("vip_level %d", lv)
			}
		}
		if a[i].place != "" {
			located++
		}
	}
	if other[0].openid == a[0].openid {
		t.Fatal("another seed gave the same people")
	}
	// Roughly the shares the crowd is built with (33%, 30%, 60%).
	for name, got := range map[string][2]int{"store scenes": {stores, 165}, "members": {members, 150}, "located": {located, 300}} {
		if got[0] < got[1]*7/10 || got[0] > got[1]*13/10 {
			t.Errorf("%s: %d of 500, want about %d", name, got[0], got[1])
		}
	}
}

func TestFeedAndChats(t *testing.T) {
	var f feed
	for i := range 1200 {
		f.add(Entry{Action: "a", Added: []string{"x"}, Label: string(rune('A' + i%26))})
	}
	got := f.after(0, 100)
	if len(got) != 100 || got[99].Seq != 1200 || got[0].Seq != 1101 {
		t.Fatalf("after(0, 100): %d entries, %d..%d", len(got), got[0].Seq, got[len(got)-1].Seq)
	}
	if got := f.after(1195, 100); len(got) != 5 || got[0].Seq != 1196 {
		t.Fatalf("after(1195): %+v", got)
	}
	if n, tags := f.counts(); n != 1200 || tags != 1200 {
		t.Fatalf("counts %d, %d", n, tags)
	}
	if len(f.entries) > 2*feedKeep {
		t.Fatalf("the stream keeps %d entries", len(f.entries))
	}

	c := newChats()
	for i := range chatKeep + 10 {
		c.add("o1", Message{Text: string(rune('a' + i%26))})
		if i == 3 {
			c.add("o2", Message{Text: "other"})
		}
	}
	all := c.after("o1", 0)
	if len(all) != chatKeep || all[len(all)-1].Seq != int64(chatKeep+11) {
		t.Fatalf("o1 keeps %d messages, newest %d", len(all), all[len(all)-1].Seq)
	}
	if l := c.after("o2", 0); len(l) != 1 || l[0].Text != "other" {
		t.Fatalf("o2: %+v", l)
	}
	if l := c.after("o1", all[len(all)-2].Seq); len(l) != 1 {
		t.Fatalf("after the second newest: %d", len(l))
	}
}

func TestTemplateText(t *testing.T) {
	got := templateText(map[string]string{"time": "21:00", "content": "#1 发送完成", "id": "1"})
	if got != "#1 发送完成\nid：1\ntime：21:00" {
		t.Fatalf("templateText = %q", got)
	}
}

// TestSimPagePush pushes through the sim page to a stand-in server and
// checks what the page reports: the XML sent and the reply decrypted.
func TestSimPagePush(t *testing.T) {
	const token, appID = "simPageToken", "wxsimpage000001"
	var got wxsim.Message
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := xmlDecode(r, &got); err != nil {
			t.Error(err)
		}
		_, _ = w.Write([]byte("<xml><MsgType>text</MsgType><Content>收到</Content></xml>"))
	}))
	defer target.Close()
	sim := wxsim.NewServer()
	sim.AddApp(appID, "secret")
	client, err := wxsim.NewClient(wxsim.ClientConfig{URL: target.URL, Token: token, AppID: appID, Mode: wxsim.ModePlain, Platform: sim})
	if err != nil {
		t.Fatal(err)
	}
	page := httptest.NewServer((&SimPage{Sim: sim, AppID: appID, Client: client}).Handler())
	defer page.Close()

	post := func(body string) (int, map[string]any) {
		res, err := http.Post(page.URL+"/sim/push", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var out map[string]any
		_ = json.NewDecoder(res.Body).Decode(&out)
		return res.StatusCode, out
	}
	status, out := post(`{"openid":"oPage1","kind":"click","value":"MENU_PROMO"}`)
	if status != http.StatusOK || !strings.Contains(out["sent"].(string), "MENU_PROMO") || !strings.Contains(out["reply"].(string), "收到") {
		t.Fatalf("push: %d %v", status, out)
	}
	if got.Event != wxsim.EventClick || got.EventKey != "MENU_PROMO" || got.FromUserName != "oPage1" {
		t.Fatalf("the server got %+v", got)
	}
	for body, want := range map[string]string{
		`{"openid":"oPage1","kind":"text"}`:            "needs its text",
		`{"openid":"","kind":"text","value":"x"}`:      "openid is empty",
		`{"openid":"oPage1","kind":"shake"}`:           "unknown kind",
		`{"openid":"oPage1","kind":"scan","value":""}`: "needs the QR scene",
		`not json`: "JSON",
	} {
		if status, out := post(body); status != http.StatusBadRequest || !strings.Contains(out["error"].(string), want) {
			t.Errorf("%s: %d %v, want 400 with %q", body, status, out, want)
		}
	}
	// The API is served next to the page.
	res, err := http.Get(page.URL + "/cgi-bin/getcallbackip?access_token=nope")
	if err != nil {
		t.Fatal(err)
	}
	var apiErr struct{ ErrCode int }
	_ = json.NewDecoder(res.Body).Decode(&apiErr)
	res.Body.Close()
	if apiErr.ErrCode == 0 {
		t.Fatal("the simulated API accepted a bad token")
	}
}

func xmlDecode(r *http.Request, v any) error {
	b, err := io.ReadAll(r.Body)
	if err != nil {
		return err
	}
	return xml.Unmarshal(b, v)
}

// TestOutbox sends through the simulated API as wxcast does and checks
// that each message lands in its recipient's chat: a preview, a
// customer-service message, and a mass send that WeChat delivers to the
// followers only.
func TestOutbox(t *testing.T) {
	const appID, secret = "wxoutbox0000001", "outboxSecret"
	sim := wxsim.NewServer()
	sim.AddApp(appID, secret)
	api := httptest.NewServer(sim)
	defer api.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	getJSON(t, api.URL+"/cgi-bin/token?grant_type=client_credential&appid="+appID+"&secret="+secret, &tok)
	call := func(path, body string) {
		t.Helper()
		res, err := http.Post(api.URL+path+"?access_token="+tok.AccessToken, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var e struct{ ErrCode int }
		_ = json.NewDecoder(res.Body).Decode(&e)
		if e.ErrCode != 0 {
			t.Fatalf("%s: errcode %d", path, e.ErrCode)
		}
	}
	sim.Interact(appID, "oAdmin", wxsim.TriggerMessage, time.Time{})
	sim.Interact(appID, "oFan1", wxsim.TriggerSubscribe, time.Time{})
	sim.Interact(appID, "oFan2", wxsim.TriggerSubscribe, time.Time{})
	sim.Interact(appID, "oGone", wxsim.TriggerSubscribe, time.Time{})
	sim.Unfollow(appID, "oGone")

	c := newChats()
	o := &outbox{sim: sim, appID: appID, chats: c}
	call("/cgi-bin/message/mass/preview", `{"touser":"oAdmin","msgtype":"text","text":{"content":"双十一"}}`)
	call("/cgi-bin/message/custom/send", `{"touser":"oAdmin","msgtype":"text","text":{"content":"#1 发送完成"}}`)
	o.poll()
	call("/cgi-bin/message/mass/send", `{"touser":["oFan1","oFan2","oGone"],"msgtype":"text","text":{"content":"双十一"},"send_ignore_reprint":0}`)
	o.poll()
	o.poll() // nothing new: nothing twice

	admin := c.after("oAdmin", 0)
	if len(admin) != 2 || admin[0].Kind != "preview" || admin[0].Text != "双十一" || admin[1].Text != "#1 发送完成" {
		t.Fatalf("admin's chat: %+v", admin)
	}
	for _, fan := range []string{"oFan1", "oFan2"} {
		if l := c.after(fan, 0); len(l) != 1 || l[0].Kind != "broadcast" || l[0].Text != "双十一" {
			t.Fatalf("%s's chat: %+v", fan, l)
		}
	}
	if l := c.after("oGone", 0); len(l) != 0 {
		t.Fatalf("a follower who unfollowed got %+v", l)
	}
}

func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if err := json.NewDecoder(res.Body).Decode(v); err != nil {
		t.Fatal(err)
	}
}
