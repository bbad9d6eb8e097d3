package handlers_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/wxcast/wxcast/internal/wxsim"
)

func TestMadeUpTypesBoundMetricLabels(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{})
	c := e.client(wxsim.ModePlain)
	req, err := c.BuildRequest(t.Context(), wxsim.Text("oPlaceholder", "x", 1))
	if err != nil {
		t.Fatal(err)
	}
	const n = 3000
	now := time.Now().Unix()
	for i := range n {
		// Half made-up message types, half made-up events.
		typ := fmt.Sprintf("<MsgType>madeup%04d</MsgType><MsgId>%d</MsgId>", i, 1000+i)
		if i%2 == 1 {
			typ = fmt.Sprintf("<MsgType>event</MsgType><Event>MADEUP%04d</Event>", i)
		}
		r := req.Clone(t.Context())
		setBody(r, fmt.Sprintf("<xml><ToUserName>%s</ToUserName><FromUserName>oFollower_madeup-%d</FromUserName>"+
			"<CreateTime>%d</CreateTime>%s</xml>", original, i, now, typ))
		rec := httptest.NewRecorder()
		e.handler.ServeHTTP(rec, r)
		if rec.Code != http.StatusOK || rec.Body.String() != "success" {
			t.Fatalf("made-up type %d: %d %q", i, rec.Code, rec.Body)
		}
	}
	res, err := http.Get(e.url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = res.Body.Close() }()
	page, _ := io.ReadAll(res.Body)
	t.Logf("/metrics: %d bytes", len(page))
	if len(page) > 20<<10 {
		t.Errorf("/metrics is %d KiB after %d made-up types, want under 20 KiB", len(page)>>10, n)
	}
	if strings.Contains(strings.ToLower(string(page)), "madeup") {
		t.Errorf("/metrics names a made-up type")
	}
	if got := e.counter("wxcast_callbacks_total", "type", "other", "result", "ok"); got != n {
		t.Errorf("callbacks{type=other,result=ok} = %v, want %d", got, n)
	}
}
