package handlers

import (
	"bytes"
	"errors"
	"net/http"
	"time"

	"go.uber.org/zap"

	"github.com/wxcast/wxcast/bot"
)

// Refusal reasons, as logged and counted.
const (
	reasonSignature    = "bad_signature"
	reasonMsgSignature = "bad_msg_signature"
	reasonTimestamp    = "stale_timestamp"
	reasonTooLarge     = "body_too_large"
	reasonXML          = "malformed_xml"
	reasonDecrypt      = "decrypt_failed"
	reasonAppID        = "appid_mismatch"
	reasonEncryptType  = "unsupported_encrypt_type"
	reasonMessage      = "invalid_message"
	reasonEchostr      = "missing_echostr"
	reasonPlaintext    = "plaintext_refused"
)

// logReasons lists every reason a callback is refused or ignored for,
// each with its sampled logger.
func logReasons() []string {
	return []string{
		reasonSignature, reasonMsgSignature, reasonTimestamp, reasonTooLarge, reasonXML, reasonDecrypt,
		reasonAppID, reasonEncryptType, reasonMessage, reasonEchostr, reasonPlaintext,
		ignoreFuture, ignoreCoordinates,
	}
}

// handleCallback verifies, decrypts and decodes a message or event, lets
// the bot record it, and answers: "success" when there is nothing to say
// (WeChat then stops retrying and shows nothing), else the passive reply,
// encrypted when the request was.
func (s *Server) handleCallback(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	defer func() { s.metrics.latency.Observe(time.Since(start).Seconds()) }()

	q := r.URL.Query()
	ts, nonce := q.Get("timestamp"), q.Get("nonce")
	if !signatureOK(q.Get("signature"), s.cfg.Token, ts, nonce) {
		s.refuse(w, r, http.StatusUnauthorized, reasonSignature)
		return
	}
	if !s.fresh(ts) {
		s.refuse(w, r, http.StatusUnauthorized, reasonTimestamp)
		return
	}
	buf := s.getBuf()
	defer s.bufs.Put(buf)
	if _, err := buf.ReadFrom(http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes)); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			s.refuse(w, r, http.StatusRequestEntityTooLarge, reasonTooLarge)
			return
		}
		s.log.Debug("read callback body", zap.Error(err))
		w.WriteHeader(http.StatusBadRequest)
		return
	}

	plain, key, encrypted, reason := s.open(buf.Bytes(), q.Get("encrypt_type"), q.Get("msg_signature"), ts, nonce)
	if reason != "" {
		status := http.StatusBadRequest
		if reason == reasonMsgSignature || reason == reasonPlaintext {
			status = http.StatusUnauthorized
		}
		s.refuse(w, r, status, reason)
		return
	}
	msg, err := decodeMessage(plain)
	if err != nil {
		s.refuse(w, r, http.StatusBadRequest, reasonXML)
		return
	}
	if reason := s.implausible(&msg); reason != "" {
		s.ignore(w, &msg, reason)
		return
	}
	res, err := s.bot.Handle(r.Context(), msg)
	if errors.Is(err, bot.ErrInvalid) {
		s.refuse(w, r, http.StatusBadRequest, reasonMessage, zap.Error(err))
		return
	}
	if err != nil {
		// Nothing was recorded: a 503 makes WeChat deliver it again.
		s.metrics.callbacks.WithLabelValues(res.Kind, "error").Inc()
		s.log.Error("record callback", zap.String("openid", msg.OpenID), zap.String("type", res.Kind), zap.Error(err))
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	result := "ok"
	if res.Duplicate {
		result = "duplicate"
		s.metrics.dedupHits.Inc()
	}
	s.metrics.callbacks.WithLabelValues(res.Kind, result).Inc()
	for _, c := range res.TagChanges {
		change := "added"
		if c.Remove {
			change = "removed"
		}
		s.metrics.tags.WithLabelValues(c.Tag, change).Inc()
	}
	s.answer(w, msg, res.Reply, encrypted, key, ts, nonce)
}

// refuse answers a callback that is not accepted, logs it once with its
// reason (sampled: anyone can send refused callbacks), and counts it. Nothing about it reaches the store.
func (s *Server) refuse(w http.ResponseWriter, r *http.Request, status int, reason string, extra ...zap.Field) {
	s.metrics.refusals.WithLabelValues(reason).Inc()
	s.metrics.callbacks.WithLabelValues("unknown", "refused").Inc()
	fields := append([]zap.Field{
		zap.String("reason", reason), zap.Int("status", status),
		zap.String("remote", r.RemoteAddr), zap.String("method", r.Method),
	}, extra...)
	s.quiet.get(reason).Warn("callback refused", fields...)
	http.Error(w, http.StatusText(status), status)
}

func (s *Server) getBuf() *bytes.Buffer {
	if b, ok := s.bufs.Get().(*bytes.Buffer); ok {
		b.Reset()
		return b
	}
	return new(bytes.Buffer)
}
