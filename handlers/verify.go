package handlers

import (
	"crypto/subtle"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/silenceper/wechat/v2/util"
)

// handleVerify answers WeChat's URL verification: echo echostr when the
// signature over the token, timestamp and nonce is right. For an Official
// Account the echostr is plain even in safe mode.
func (s *Server) handleVerify(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if !signatureOK(q.Get("signature"), s.cfg.Token, q.Get("timestamp"), q.Get("nonce")) {
		s.refuse(w, r, http.StatusUnauthorized, reasonSignature)
		return
	}
	echo := q.Get("echostr")
	if echo == "" {
		s.refuse(w, r, http.StatusBadRequest, reasonEchostr)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = io.WriteString(w, echo)
}

// fresh reports whether the request's timestamp is within the tolerance of
// the server clock; older requests are refused as replays.
func (s *Server) fresh(ts string) bool {
	t, ok := parseUnix(ts)
	if !ok {
		return false
	}
	d := s.cfg.Now().Sub(time.Unix(t, 0))
	return d <= s.cfg.TimestampTolerance && d >= -s.cfg.TimestampTolerance
}

func parseUnix(s string) (int64, bool) {
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil && n > 0
}

func signature(parts ...string) string { return util.Signature(parts...) }

// signatureOK compares in constant time so the expected signature cannot
// be learned byte by byte from response times.
func signatureOK(got string, parts ...string) bool {
	want := util.Signature(parts...)
	return subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}
