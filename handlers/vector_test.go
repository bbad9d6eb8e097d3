package handlers_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap/zaptest"

	"github.com/wxcast/wxcast/bot"
	"github.com/wxcast/wxcast/handlers"
	"github.com/wxcast/wxcast/internal/redistest"
	"github.com/wxcast/wxcast/internal/wxsim"
	"github.com/wxcast/wxcast/store"
)

// TestServerAcceptsOfficialVectorV3 posts the safe-mode push of the
// platform's published vector V3 (token AAAAA, an all-zero AES key), with
// the server's clock at its timestamp: wxcast's own path, not the
// simulator's crypto, must verify, decrypt and record it.
func TestServerAcceptsOfficialVectorV3(t *testing.T) {
	t.Parallel()
	const (
		v3Token   = "AAAAA"
		v3Key     = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
		v3AppID   = "wx134c8103faa5a59e"
		v3TS      = "1715943329"
		v3Nonce   = "1590219412"
		v3MsgSig  = "6c12a4205838198b8fa631b3220723bb07f1015c"
		v3Encrypt = "D7yzvUNAL930rd28wf21s4hvXhz0L6Uit/p2Di6C5DHyYGpEgdBRnKjBec34JwoQXicwaZC7fOVihW80F4VtsdvE//1vr7oAbqjDv8KenVp+ajKYpJnyQ4zMRhIC+a31fCVOMC03FfzV/QuC94kBP55a+Za3sJgvAn+ZbsNqZI5DkyuzkhQN8OBqCzFhizGmy0xpM0MEA4agpvE+RuNO1rhHTtuJB5yltw1FiYzecSXJ+y/D2r81VkRn2eYjh2ltsoyfbDR7Is6ookXIFxTfyeNyeHxMeT4KN5WpCDmSbTcUYrbBUlkGLJ9n/rU8YOywma6G7aTb7KZKOqCxgfoUlYEZPk4FUL/TK7ShriFDMVCLyjQJ15Ob++agDWtcxhfUfe6HIoIpRW8mKNBQiY/Jd1svvuskA1wLef1RTtzKfMpagSCX/laZINmdnX4zrF6kIaR9P4xQrWXbsTFHTYe0Mg=="
	)
	s := redistest.Open(t)
	f := s.Followers(store.Calendar{Loc: cst}, store.Limits{})
	clock := func() time.Time { return time.Unix(1715943329, 0) }
	srv, err := handlers.NewServer(handlers.Config{
		AppID: v3AppID, Token: v3Token, AESKeys: []string{v3Key}, CallbackPath: "/wechat",
		TimestampTolerance: 300 * time.Second, MaxBodyBytes: 64 << 10, Now: clock,
	}, bot.New(bot.Options{Followers: f, Now: clock}), s, prometheus.NewRegistry(), zaptest.NewLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	defer hs.Close()
	url := hs.URL + "/wechat?signature=" + wxsim.Sign(v3Token, v3TS, v3Nonce) + "&timestamp=" + v3TS + "&nonce=" + v3Nonce +
		"&openid=o9AgO5Kd5ggOC-bXrbNODIiE3bGY&encrypt_type=aes&msg_signature=" + v3MsgSig
	body := "<xml><ToUserName><![CDATA[gh_97417a04a28d]]></ToUserName><Encrypt><![CDATA[" + v3Encrypt + "]]></Encrypt></xml>"
	res, err := http.Post(url, "text/xml", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	answer, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || string(answer) != "success" {
		t.Fatalf("status %d %q", res.StatusCode, answer)
	}
	p, err := f.Profile(context.Background(), "o9AgO5Kd5ggOC-bXrbNODIiE3bGY")
	if err != nil || p.Counts()["debug_demo"] != 1 || !p.LastActive.Equal(clock()) {
		t.Fatalf("profile after V3: %+v %v", p, err)
	}
}
