package wxsim

import (
	"context"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// Known-answer vectors of the message encryption; keep them byte-for-byte.
const (
	keyAZ     = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
	v1Encrypt = "jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg=="
	v2Encrypt = "hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE="
	// v2Plain is V2's plaintext; its random prefix was 89465c840c5f116f.
	v2Plain = "<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName>\n" +
		"<FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></FromUserName>\n" +
		"<CreateTime>1409735668</CreateTime>\n<MsgType><![CDATA[text]]></MsgType>\n" +
		"<Content><![CDATA[abcdteT]]></Content>\n<MsgId>6054768590064713728</MsgId>\n</xml>"
	keyZero        = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	v3AppID        = "wx134c8103faa5a59e"
	v3Encrypt      = "D7yzvUNAL930rd28wf21s4hvXhz0L6Uit/p2Di6C5DHyYGpEgdBRnKjBec34JwoQXicwaZC7fOVihW80F4VtsdvE//1vr7oAbqjDv8KenVp+ajKYpJnyQ4zMRhIC+a31fCVOMC03FfzV/QuC94kBP55a+Za3sJgvAn+ZbsNqZI5DkyuzkhQN8OBqCzFhizGmy0xpM0MEA4agpvE+RuNO1rhHTtuJB5yltw1FiYzecSXJ+y/D2r81VkRn2eYjh2ltsoyfbDR7Is6ookXIFxTfyeNyeHxMeT4KN5WpCDmSbTcUYrbBUlkGLJ9n/rU8YOywma6G7aTb7KZKOqCxgfoUlYEZPk4FUL/TK7ShriFDMVCLyjQJ15Ob++agDWtcxhfUfe6HIoIpRW8mKNBQiY/Jd1svvuskA1wLef1RTtzKfMpagSCX/laZINmdnX4zrF6kIaR9P4xQrWXbsTFHTYe0Mg=="
	v3ReplyMsg     = "<xml><demo_resp>[CDATA[good luck]]</demo_resp></xml>"
	v3ReplyEncrypt = "hE8R6mGXHkJJjU72KxzKUd1GEkKJaEZq7vRL8XgK3o+00k8JGq6+pZJUIlTSyhsX+bxIBQ72g3GyvDdIZcr6+3HAZbSvPT9t/o11MI7d6WELwqrGd7jMnV0zv3Zc9Nq7"
)

func TestVectorV1Encrypt(t *testing.T) {
	c, err := NewCipher(keyAZ, "wxb11529c136998cb6")
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.Encrypt([]byte("aaaabbbbccccdddd"), []byte("我是中文abcd123"))
	if err != nil || got != v1Encrypt {
		t.Fatalf("Encrypt = %q, %v\nwant %q", got, err, v1Encrypt)
	}
	plain, err := c.Decrypt(got)
	if err != nil || string(plain) != "我是中文abcd123" {
		t.Fatalf("Decrypt = %q, %v", plain, err)
	}
}

// TestVectorV2BuildRequest rebuilds the official compat-mode push from a
// Message: the plaintext must match byte-for-byte for the Encrypt and both
// signatures to come out identical.
func TestVectorV2BuildRequest(t *testing.T) {
	c, err := NewClient(ClientConfig{
		URL: "http://127.0.0.1/wechat", Token: "spamtest", EncodingAESKey: keyAZ,
		AppID: "wx2c2769f8efd9abc2", OriginalID: "gh_10f6c3c3ac5a", Mode: ModeCompat,
		Clock: func() time.Time { return time.Unix(1409735669, 0) },
		Rand:  fixedRand(1320562132, "89465c840c5f116f"),
	})
	if err != nil {
		t.Fatal(err)
	}
	m := Text("oyORnuP8q7ou2gfYjqLzSIWZf0rs", "abcdteT", 6054768590064713728)
	m.CreateTime = 1409735668
	req, err := c.BuildRequest(context.Background(), m)
	if err != nil {
		t.Fatal(err)
	}
	q := req.URL.Query()
	for k, want := range map[string]string{
		"signature": "16120ec1b8dbb870f510d87ce6bc2463eae6ca1a", "timestamp": "1409735669",
		"nonce": "1320562132", "openid": "oyORnuP8q7ou2gfYjqLzSIWZf0rs",
		"encrypt_type": "aes", "msg_signature": "5d197aaffba7e9b25a30732f161a50dee96bd5fa",
	} {
		if got := q.Get(k); got != want {
			t.Errorf("query %s = %q, want %q", k, got, want)
		}
	}
	body, _ := io.ReadAll(req.Body)
	wantBody := strings.TrimSuffix(v2Plain, "</xml>") + "<Encrypt><![CDATA[" + v2Encrypt + "]]></Encrypt>\n</xml>"
	if string(body) != wantBody {
		t.Errorf("body:\n%s\nwant:\n%s", body, wantBody)
	}
}

func TestVectorV2Decrypt(t *testing.T) {
	if got := Sign("spamtest", "1409735669", "1320562132", v2Encrypt); got != "5d197aaffba7e9b25a30732f161a50dee96bd5fa" {
		t.Fatalf("msg_signature = %s", got)
	}
	c, _ := NewCipher(keyAZ, "wx2c2769f8efd9abc2")
	plain, err := c.Decrypt(v2Encrypt)
	if err != nil || string(plain) != v2Plain {
		t.Fatalf("Decrypt = %q, %v", plain, err)
	}
	var m Message
	if err := xml.Unmarshal(plain, &m); err != nil {
		t.Fatal(err)
	}
	if m.Content != "abcdteT" || m.MsgID != 6054768590064713728 || m.MsgType != "text" {
		t.Fatalf("parsed %+v", m)
	}
	other, _ := NewCipher(keyAZ, "wx_other")
	if _, err := other.Decrypt(v2Encrypt); !errors.Is(err, ErrAppIDMismatch) {
		t.Fatalf("foreign AppID: err = %v, want ErrAppIDMismatch", err)
	}
}

func TestVectorV3Decrypt(t *testing.T) {
	if got := Sign("AAAAA", "1715943329", "1590219412", v3Encrypt); got != "6c12a4205838198b8fa631b3220723bb07f1015c" {
		t.Fatalf("msg_signature = %s", got)
	}
	c, _ := NewCipher(keyZero, v3AppID)
	plain, err := c.Decrypt(v3Encrypt)
	if err != nil || len(plain) != 292 {
		t.Fatalf("Decrypt: %d bytes, %v; want 292", len(plain), err)
	}
	var m Message
	if err := xml.Unmarshal(plain, &m); err != nil {
		t.Fatal(err)
	}
	if m.MsgType != "event" || m.Event != "debug_demo" || m.FromUserName != "o9AgO5Kd5ggOC-bXrbNODIiE3bGY" ||
		m.ToUserName != "gh_97417a04a28d" || m.CreateTime != 1715943329 {
		t.Fatalf("parsed %+v", m)
	}
}

// TestVectorV3Reply checks the official encrypted reply and then feeds it
// through the Client's reply path, which must verify and open it.
func TestVectorV3Reply(t *testing.T) {
	ci, _ := NewCipher(keyZero, v3AppID)
	enc, err := ci.Encrypt([]byte("999951349e8ee746"), []byte(v3ReplyMsg))
	if err != nil || enc != v3ReplyEncrypt {
		t.Fatalf("Encrypt = %q, %v", enc, err)
	}
	sig := Sign("AAAAA", "1713424427", "415670741", enc)
	if sig != "03e0812039325c2712ef5f0f980fd14c70d6e307" {
		t.Fatalf("MsgSignature = %s", sig)
	}
	c, err := NewClient(ClientConfig{URL: "http://x/", Token: "AAAAA", EncodingAESKey: keyZero, AppID: v3AppID, Mode: ModeSafe})
	if err != nil {
		t.Fatal(err)
	}
	envelope := func(sig string) *Response {
		raw := []byte("<xml><Encrypt><![CDATA[" + enc + "]]></Encrypt><MsgSignature><![CDATA[" + sig +
			"]]></MsgSignature><TimeStamp>1713424427</TimeStamp><Nonce><![CDATA[415670741]]></Nonce></xml>")
		return &Response{Status: 200, Raw: raw, Plain: raw}
	}
	r := envelope(sig)
	if err := c.OpenReply(r); err != nil || !r.Encrypted || string(r.Plain) != v3ReplyMsg {
		t.Fatalf("openReply: %v, %+v", err, r)
	}
	if err := c.OpenReply(envelope(strings.Repeat("0", 40))); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("tampered MsgSignature: err = %v", err)
	}
}

// TestVectorURLVerification sends VerifyURL with the doc's timestamp and
// nonce and checks the signature WeChat's example shows.
func TestVectorURLVerification(t *testing.T) {
	if got := Sign("AAAAA", "1714036504", "1514711492"); got != "f464b24fc39322e44b38aa78f5edd27bd1441696" {
		t.Fatalf("signature = %s", got)
	}
	var gotQuery map[string][]string
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotQuery = r.URL.Query()
		_, _ = io.WriteString(w, r.URL.Query().Get("echostr"))
	}))
	defer ts.Close()
	c, err := NewClient(ClientConfig{
		URL: ts.URL + "/wechat", Token: "AAAAA", Mode: ModePlain,
		Clock: func() time.Time { return time.Unix(1714036504, 0) }, Rand: fixedRand(1514711492, ""),
	})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.VerifyURL(context.Background(), "4375120948345356249")
	if err != nil || string(resp.Raw) != "4375120948345356249" {
		t.Fatalf("VerifyURL = %+v, %v", resp, err)
	}
	if gotQuery["signature"][0] != "f464b24fc39322e44b38aa78f5edd27bd1441696" || gotQuery["nonce"][0] != "1514711492" {
		t.Fatalf("query = %v", gotQuery)
	}
}

func TestVectorPlainModeSignature(t *testing.T) {
	c, err := NewClient(ClientConfig{
		URL: "http://127.0.0.1/wechat?tenant=1", Token: "AAAAA", OriginalID: "gh_97417a04a28d", Mode: ModePlain,
		Clock: func() time.Time { return time.Unix(1714037059, 0) }, Rand: fixedRand(486452656, ""),
	})
	if err != nil {
		t.Fatal(err)
	}
	req, err := c.BuildRequest(context.Background(), Click("o9AgO5Kd5ggOC-bXrbNODIiE3bGY", "k"))
	if err != nil {
		t.Fatal(err)
	}
	q := req.URL.Query()
	if q.Get("signature") != "899cf89e464efb63f54ddac96b0a0a235f53aa78" || q.Get("tenant") != "1" {
		t.Fatalf("query = %v", q)
	}
	if q.Has("encrypt_type") || q.Has("msg_signature") {
		t.Fatalf("plain mode sent encryption params: %v", q)
	}
}
