package links

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strconv"
	"time"
)

// The state parameter carries a link's code through WeChat's
// authorization page and back, signed so that the return cannot be
// pointed at another link or replayed for long. WeChat allows at most 128
// bytes of [a-zA-Z0-9] in it, so it is one run of those characters:
//
//	<time: 7 base-36 digits, Unix seconds><MAC: 24 hex digits><code>
//
// The MAC is HMAC-SHA256 over the time and the code, truncated to 96 bits,
// under a key derived from the AppSecret and the callback token (StateKey):
// no configuration of its own, and a new secret invalidates the states in
// flight, which only makes those few clicks anonymous.
const (
	stateTimeLen = 7
	stateMACLen  = 24
	// maxStateLen is WeChat's limit on state.
	maxStateLen = 128
	// minCodeLen is the shortest code preview makes (≥ 80 bits).
	minCodeLen = 16
)

// ErrBadState is a state that is malformed or whose MAC does not match: it
// names nothing wxcast can trust.
var ErrBadState = errors.New("links: bad state")

// errStateExpired is an authentic state older than its life.
var errStateExpired = errors.New("links: state expired")

// StateKey derives the key that signs states from the account's AppSecret
// and callback token.
func StateKey(appSecret, token string) []byte {
	m := hmac.New(sha256.New, []byte(appSecret))
	m.Write([]byte("wxcast tracked-link state\x00"))
	m.Write([]byte(token))
	return m.Sum(nil)
}

// signer makes and checks states.
type signer struct {
	key  []byte
	life time.Duration
}

func (s signer) mac(ts, code string) string {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte(ts))
	m.Write([]byte{0})
	m.Write([]byte(code))
	return hex.EncodeToString(m.Sum(nil)[:stateMACLen/2])
}

// sign is the state for code at now; ok is false for a code that cannot
// travel in a state (too long, or not letters and digits).
func (s signer) sign(code string, now time.Time) (string, bool) {
	if !validCode(code) || stateTimeLen+stateMACLen+len(code) > maxStateLen {
		return "", false
	}
	ts := strconv.FormatInt(now.Unix(), 36)
	for len(ts) < stateTimeLen {
		ts = "0" + ts
	}
	return ts + s.mac(ts, code) + code, true
}

// open checks a state and returns its code. A state with a good MAC but
// older than the signer's life returns the code with errStateExpired: it
// is authentic, so the code may be trusted to name the link.
func (s signer) open(state string, now time.Time) (string, error) {
	if len(state) < stateTimeLen+stateMACLen+minCodeLen || len(state) > maxStateLen {
		return "", ErrBadState
	}
	ts, mac, code := state[:stateTimeLen], state[stateTimeLen:stateTimeLen+stateMACLen], state[stateTimeLen+stateMACLen:]
	if !validCode(code) || !hmac.Equal([]byte(mac), []byte(s.mac(ts, code))) {
		return "", ErrBadState
	}
	sec, err := strconv.ParseInt(ts, 36, 64)
	if err != nil {
		return "", ErrBadState
	}
	at := time.Unix(sec, 0)
	if now.Sub(at) > s.life || at.Sub(now) > time.Minute {
		return code, errStateExpired
	}
	return code, nil
}

// validCode reports whether code has the shape preview gives codes: at
// least 16 letters and digits (anything else is unknown without asking
// Redis).
func validCode(code string) bool {
	if len(code) < minCodeLen || len(code) > maxStateLen {
		return false
	}
	for i := 0; i < len(code); i++ {
		c := code[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}
