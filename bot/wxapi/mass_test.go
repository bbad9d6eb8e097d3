package wxapi

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/wxcast/wxcast/internal/wxsim"
)

// newMassClient is a client of a fresh app with one news and one image
// uploaded.
func newMassClient(t *testing.T) (*Client, string) {
	t.Helper()
	appID, secret := newApp(t)
	sim.AddMedia(appID, "news-1", wxsim.MediaNews)
	sim.AddMedia(appID, "img-1", wxsim.MediaImage)
	client, _ := newClient(t, replicaStores(t, 1)[0], appID, secret)
	return client, appID
}

func wantAPIError(t *testing.T, err error, code int) *APIError {
	t.Helper()
	var ae *APIError
	if !errors.As(err, &ae) || ae.Code != code || ErrCode(err) != code {
		t.Fatalf("err = %v, want an *APIError with errcode %d", err, code)
	}
	return ae
}

func TestMassSend(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		content Content
		kind    string
		media   string
	}{
		{"text", Content{Type: "text", Text: "<b>hi</b> & bye"}, "text", ""},
		{"news", Content{Type: "news", MediaID: "news-1"}, "mpnews", "news-1"},
		{"image", Content{Type: "image", MediaID: "img-1"}, "image", "img-1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			client, appID := newMassClient(t)
			ctx := testContext(t)
			sent, err := client.MassSend(ctx, []string{"oA", "oB"}, tt.content, "c-1")
			if err != nil {
				t.Fatal(err)
			}
			jobs := sim.Jobs(appID)
			if len(jobs) != 1 || jobs[0].MsgID != sent.MsgID || jobs[0].MsgType != tt.kind ||
				jobs[0].Content != tt.content.Text || jobs[0].MediaID != tt.media || jobs[0].ClientMsgID != "c-1" {
				t.Fatalf("jobs = %+v, want one %s job with msg_id %d", jobs, tt.kind, sent.MsgID)
			}
			// msg_data_id comes with mpnews only, and names the job's articles.
			if sent.MsgDataID != jobs[0].MsgDataID || (sent.MsgDataID != 0) != (tt.kind == "mpnews") {
				t.Errorf("msg_data_id %d, job's %d", sent.MsgDataID, jobs[0].MsgDataID)
			}
		})
	}
}

func TestMassSendErrors(t *testing.T) {
	t.Parallel()
	client, _ := newMassClient(t)
	ctx := testContext(t)
	_, err := client.MassSend(ctx, []string{"oA"}, Content{Type: "text", Text: "x"}, "one")
	wantAPIError(t, err, wxsim.CodeInvalidOpenIDListSize)
	_, err = client.MassSend(ctx, []string{"oA", "oB"}, Content{Type: "news", MediaID: "nope"}, "two")
	wantAPIError(t, err, wxsim.CodeInvalidMediaID)
	_, err = client.MassSend(ctx, []string{"oA", "oB"}, Content{Type: "voice"}, "three")
	if err == nil || ErrCode(err) != 0 {
		t.Errorf("unknown content type: err = %v, want a non-WeChat error", err)
	}
}

// A resent clientmsgid answers 45066 within a minute, then 45065 naming the
// accepted send.
func TestMassSendDuplicate(t *testing.T) {
	t.Parallel()
	client, appID := newMassClient(t)
	ctx := testContext(t)
	content := Content{Type: "news", MediaID: "news-1"}
	first, err := client.MassSend(ctx, []string{"oA", "oB"}, content, "batch-7")
	if err != nil {
		t.Fatal(err)
	}
	_, err = client.MassSend(ctx, []string{"oA", "oB"}, content, "batch-7")
	wantAPIError(t, err, wxsim.CodeClientMsgIDRetryTooFast)
	sim.AgeMassSends(appID, 2*time.Minute)
	got, err := client.MassSend(ctx, []string{"oA", "oB"}, content, "batch-7")
	if ae := wantAPIError(t, err, wxsim.CodeClientMsgIDExist); ae.MsgID != first.MsgID || ae.MsgDataID != first.MsgDataID ||
		first.MsgDataID == 0 || got != (Sent{}) {
		t.Errorf("45065 names msg_id %d, msg_data_id %d (returned %+v), want %+v", ae.MsgID, ae.MsgDataID, got, first)
	}
}

func TestMassPreview(t *testing.T) {
	t.Parallel()
	client, appID := newMassClient(t)
	ctx := testContext(t)
	for _, ct := range []Content{
		{Type: "text", Text: "hi"}, {Type: "news", MediaID: "news-1"}, {Type: "image", MediaID: "img-1"},
	} {
		if _, err := client.MassPreview(ctx, "oAdmin", ct); err != nil {
			t.Fatalf("%s: %v", ct.Type, err)
		}
	}
	got := sim.Previews(appID)
	if len(got) != 3 || got[2].MsgType != "image" || got[2].MediaID != "img-1" || got[0].To != "oAdmin" {
		t.Errorf("previews = %+v", got)
	}
	_, err := client.MassPreview(ctx, "oAdmin", Content{Type: "text"})
	wantAPIError(t, err, wxsim.CodeEmptyContent)
}

func TestMassDeleteAndStatus(t *testing.T) {
	t.Parallel()
	client, _ := newMassClient(t)
	ctx := testContext(t)
	sent, err := client.MassSend(ctx, []string{"oA", "oB"}, Content{Type: "news", MediaID: "news-1"}, "d")
	if err != nil {
		t.Fatal(err)
	}
	id := sent.MsgID
	if st, err := client.MassStatus(ctx, id); err != nil || st != wxsim.JobSendSuccess {
		t.Fatalf("status = %q, %v", st, err)
	}
	if err := client.MassDelete(ctx, id); err != nil {
		t.Fatal(err)
	}
	if st, err := client.MassStatus(ctx, id); err != nil || st != wxsim.JobDeleted {
		t.Fatalf("status after delete = %q, %v", st, err)
	}
	_, err = client.MassStatus(ctx, id+1000)
	wantAPIError(t, err, wxsim.CodeInvalidMsgID)
	wantAPIError(t, client.MassDelete(ctx, id+1000), wxsim.CodeInvalidMsgID)
}

// The wrappers' errcodes reach Client.Call's stale-token retry too.
func TestMassStatusRetriesStaleToken(t *testing.T) {
	t.Parallel()
	client, appID := newMassClient(t)
	ctx := testContext(t)
	sent, err := client.MassSend(ctx, []string{"oA", "oB"}, Content{Type: "text", Text: "x"}, "s")
	if err != nil {
		t.Fatal(err)
	}
	sim.RevokeTokens(appID)
	if _, err := client.MassStatus(ctx, sent.MsgID); err != nil {
		t.Fatalf("MassStatus after the token was revoked: %v", err)
	}
	wantCalls(t, appID, pathStable, 2)
}

// Not parallel: FailNext and DropAfterAccept apply to the path on every
// app, and the parallel tests only resume once the serial ones are done.
func TestMassSendFaults(t *testing.T) {
	client, appID := newMassClient(t)
	ctx := testContext(t)
	content := Content{Type: "text", Text: "x"}

	sim.FailNext(pathMassSend, wxsim.CodeSystemBusy, 1)
	_, err := client.MassSend(ctx, []string{"oA", "oB"}, content, "f")
	wantAPIError(t, err, wxsim.CodeSystemBusy)

	// Accepted, but the answer never comes: a plain error, not a WeChat one,
	// so the caller knows to find out what happened before resending.
	sim.DropAfterAccept(pathMassSend, 1)
	short, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	_, err = client.MassSend(short, []string{"oA", "oB"}, content, "f")
	var ae *APIError
	if err == nil || errors.As(err, &ae) || ErrCode(err) != 0 || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("dropped send: err = %v, want a deadline error that is not an APIError", err)
	}
	if jobs := sim.Jobs(appID); len(jobs) != 1 {
		t.Fatalf("jobs = %+v, want the dropped send accepted", jobs)
	}
	sim.AgeMassSends(appID, 2*time.Minute)
	_, err = client.MassSend(ctx, []string{"oA", "oB"}, content, "f")
	if ae := wantAPIError(t, err, wxsim.CodeClientMsgIDExist); ae.MsgID != sim.Jobs(appID)[0].MsgID {
		t.Errorf("45065 names %d, want the dropped send", ae.MsgID)
	}
}

func TestErrCode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  error
		want int
	}{
		{nil, 0},
		{errors.New("reset"), 0},
		{&APIError{Code: 45065, MsgID: 1}, 45065},
		{fmt.Errorf("send: %w", &APIError{Code: -1}), -1},
		{errors.Join(errors.New("x"), &APIError{Code: 40001}), 40001},
	}
	for _, tt := range tests {
		if got := ErrCode(tt.err); got != tt.want {
			t.Errorf("ErrCode(%v) = %d, want %d", tt.err, got, tt.want)
		}
	}
	if got := (&APIError{Code: 45065, Msg: "clientmsgid exist", MsgID: 7}).Error(); got != "wxapi: errcode 45065: clientmsgid exist (msg_id 7)" {
		t.Errorf("Error() = %q", got)
	}
}
