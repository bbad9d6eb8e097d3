package handlers

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/gorilla/mux"
	"go.uber.org/zap"

	"github.com/wxcast/wxcast/bot/attrs"
	"github.com/wxcast/wxcast/rules"
)

// maxAttrsBody caps a PUT of attributes: a few dozen attributes of at most
// 1 KiB each fit many times over.
const maxAttrsBody = 64 << 10

// AttrSetter sets a follower's business attributes from a JSON object,
// as the live rules file's declarations allow.
type AttrSetter interface {
	Put(ctx context.Context, openid string, obj map[string]any) (attrs.Result, error)
}

var _ AttrSetter = (*attrs.Service)(nil)

// attrsAnswer is the body of a successful PUT.
type attrsAnswer struct {
	OpenID  string `json:"openid"`
	Changed bool   `json:"changed"`
	// Attributes are the follower's declared attributes after the update,
	// typed as rules see them (times as RFC 3339).
	Attributes map[string]any `json:"attributes"`
}

// handlePutAttributes sets a follower's business attributes from a JSON
// object of attribute → value (null deletes), checked against the live
// rules file's declarations. Other systems call it with the bearer token
// of api.token; without one the API is off.
func (s *Server) handlePutAttributes(w http.ResponseWriter, r *http.Request) {
	if s.cfg.APIToken == "" || s.cfg.Attributes == nil {
		apiError(w, http.StatusNotFound, "the API is off: set api.token (WXCAST_API_TOKEN) to turn it on")
		return
	}
	if !bearerOK(r, s.cfg.APIToken) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="wxcast"`)
		apiError(w, http.StatusUnauthorized, "missing or wrong bearer token: send Authorization: Bearer <api.token>")
		return
	}
	openid := mux.Vars(r)["openid"]
	if err := rules.CheckOpenID(openid); err != nil {
		apiError(w, http.StatusBadRequest, err.Error())
		return
	}
	obj, body, status, msg := readJSONObject(w, r)
	if status != 0 {
		apiError(w, status, msg)
		return
	}
	// encoding/json has replaced what is not UTF-8 with U+FFFD: refused
	// here, since the decoded values can no longer tell.
	if err := rules.CheckJSONText(body); err != nil {
		refuseAttrs(w, err)
		return
	}
	res, err := s.cfg.Attributes.Put(r.Context(), openid, obj)
	if err != nil {
		s.attrsError(w, openid, err)
		return
	}
	writeJSON(w, http.StatusOK, attrsAnswer{OpenID: openid, Changed: res.Changed, Attributes: res.Attributes})
}

// attrsError answers a failed Put: 422 for values the rules file refuses,
// naming the attribute at fault when there is one; 500 for the store,
// whose error is logged and not shown.
func (s *Server) attrsError(w http.ResponseWriter, openid string, err error) {
	if !errors.Is(err, attrs.ErrInvalid) {
		s.log.Error("attributes API: store failed", zap.String("openid", openid), zap.Error(err))
		apiError(w, http.StatusInternalServerError, "the store failed; try again")
		return
	}
	refuseAttrs(w, err)
}

// refuseAttrs answers 422 for values that cannot be stored, naming the
// attribute at fault when err is a *rules.AttrError.
func refuseAttrs(w http.ResponseWriter, err error) {
	body := map[string]string{"error": err.Error()}
	var ae *rules.AttrError
	if errors.As(err, &ae) {
		body["attribute"] = ae.Attr
	}
	writeJSON(w, http.StatusUnprocessableEntity, body)
}

// bearerOK compares r's bearer token with want (api.token, metrics.token)
// in constant time; hashing both first hides the token's length too.
func bearerOK(r *http.Request, want string) bool {
	scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return false
	}
	g := sha256.Sum256([]byte(strings.TrimSpace(tok)))
	w := sha256.Sum256([]byte(want))
	return subtle.ConstantTimeCompare(g[:], w[:]) == 1
}

// readJSONObject reads a JSON object body of at most maxAttrsBody bytes,
// numbers kept as json.Number so that 3 and 3.5 stay apart; the body is
// returned too. On failure it returns the status and reason to answer.
func readJSONObject(w http.ResponseWriter, r *http.Request) (map[string]any, []byte, int, string) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return nil, nil, http.StatusUnsupportedMediaType, "send the attributes as Content-Type: application/json"
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxAttrsBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, nil, http.StatusRequestEntityTooLarge, "the body is larger than 64 KiB"
		}
		return nil, nil, http.StatusBadRequest, "cannot read the body"
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, nil, http.StatusBadRequest, "malformed JSON: " + err.Error()
	}
	if dec.More() {
		return nil, nil, http.StatusBadRequest, "malformed JSON: more than one value in the body"
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, nil, http.StatusBadRequest, `want a JSON object of attribute to value, e.g. {"vip_level": 3, "city": null}`
	}
	return obj, body, 0, ""
}

func apiError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
