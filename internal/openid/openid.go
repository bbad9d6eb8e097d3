// Package openid says what wxcast accepts as an openid: 1 to [Max] bytes
// of [A-Za-z0-9_-]. WeChat issues 28 such characters today; the room to
// spare is for other account types. Anything else is refused at every
// door (callbacks, the attributes API, imports, the admins list): an
// openid is part of Redis keys, inside a {openid} hash tag, and a "}" or a
// space there would put a follower's keys in the wrong slot or the wrong
// place.
//
// It is a leaf: it imports no other wxcast package, so configs, rules and
// bot can all use it.
package openid

import (
	"errors"
	"fmt"
	"strconv"
	"unicode/utf8"
)

// Max is the longest openid accepted, in bytes.
const Max = 64

// The ways a string can fail to be an openid. The errors of [Check] wrap
// one of them, so that a caller can word its own message.
var (
	ErrEmpty    = errors.New("empty openid")
	ErrTooLong  = errors.New("openid too long")
	ErrBadChars = errors.New("openid has characters other than letters, digits, _ and -")
)

// checkError is an error of Check: its own message, and the kind it is.
type checkError struct {
	msg  string
	kind error
}

func (e *checkError) Error() string { return e.msg }
func (e *checkError) Unwrap() error { return e.kind }

// Check returns nil when s can be an openid, else an error that says why
// and wraps [ErrEmpty], [ErrTooLong] or [ErrBadChars].
func Check(s string) error {
	switch {
	case s == "":
		return ErrEmpty
	case len(s) > Max:
		return &checkError{fmt.Sprintf("openid of %d bytes, longer than %d", len(s), Max), ErrTooLong}
	case !allowed(s):
		return &checkError{fmt.Sprintf("openid %s: only letters, digits, _ and - are allowed", clip(strconv.Quote(s))), ErrBadChars}
	}
	return nil
}

// Valid reports whether s can be an openid: Check(s) == nil.
func Valid(s string) bool {
	return s != "" && len(s) <= Max && allowed(s)
}

func allowed(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// clip shortens s to at most 40 bytes, ending in "...", so that an error
// quoting a rejected value stays one readable line.
func clip(s string) string {
	if len(s) <= 40 {
		return s
	}
	i := 37
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "..."
}
