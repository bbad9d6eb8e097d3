package wxapi

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/silenceper/wechat/v2/util"
)

func TestErrCodeOfSDKError(t *testing.T) {
	t.Parallel()
	if got := ErrCode(&util.CommonError{ErrCode: 45009}); got != 45009 {
		t.Errorf("ErrCode = %d, want 45009", got)
	}
	var ce *util.CommonError
	if !errors.As(&APIError{Code: 42001, Msg: "access_token expired"}, &ce) || ce.ErrCode != 42001 {
		t.Error("an APIError does not read as the SDK's error, so Call would not retry it")
	}
}

// Answers that are not WeChat's JSON are errors, but not WeChat errors.
func TestDecodeAnswer(t *testing.T) {
	t.Parallel()
	var out struct {
		MsgID int64 `json:"msg_id"`
	}
	tests := []struct {
		name string
		raw  string
		code int
		ok   bool
	}{
		{"html", "<html>gateway</html>", 0, false},
		{"empty", "", 0, false},
		{"errcode", `{"errcode":45065,"errmsg":"clientmsgid exist","msg_id":9}`, 45065, false},
		{"ok", `{"errcode":0,"msg_id":9}`, 0, true},
	}
	for _, tt := range tests {
		err := decodeAnswer("/p", []byte(tt.raw), &out)
		if (err == nil) != tt.ok || ErrCode(err) != tt.code {
			t.Errorf("%s: err = %v, want ok=%v code %d", tt.name, err, tt.ok, tt.code)
		}
	}
	if out.MsgID != 9 {
		t.Errorf("msg_id = %d", out.MsgID)
	}
}

// Transport failures and non-200 answers never quote the access token.
func TestPostJSONErrors(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Reading the body to its end lets the server notice the client
		// hanging up, which ends r.Context().
		_, _ = io.Copy(io.Discard, r.Body)
		if r.URL.Path == "/slow" {
			<-r.Context().Done()
			return
		}
		http.Error(w, "bad gateway", http.StatusBadGateway)
	}))
	defer srv.Close()
	ctx := testContext(t)

	_, err := postJSON(ctx, srv.URL+"/fail?access_token=SECRET", map[string]int{"a": 1})
	if err == nil || !strings.Contains(err.Error(), "502") || ErrCode(err) != 0 {
		t.Errorf("502: err = %v", err)
	}
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	_, err = postJSON(short, srv.URL+"/slow?access_token=SECRET", nil)
	if !errors.Is(err, context.DeadlineExceeded) || strings.Contains(err.Error(), "SECRET") || ErrCode(err) != 0 {
		t.Errorf("timeout: err = %v, want a deadline error without the token", err)
	}
}
