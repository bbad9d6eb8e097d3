package openid

import (
	"errors"
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, s string
		kind    error // nil: accepted
		msg     string
	}{
		{"wechat", "oAbc-_123456789012345678901", nil, ""},
		{"max", strings.Repeat("o", Max), nil, ""},
		{"empty", "", ErrEmpty, "empty openid"},
		{"too long", strings.Repeat("o", Max+1), ErrTooLong, "openid of 65 bytes, longer than 64"},
		{"space", "o b", ErrBadChars, `openid "o b": only letters, digits, _ and - are allowed`},
		{"hash tag", "o{x}", ErrBadChars, `openid "o{x}": only`},
		{"path", "o/../x", ErrBadChars, "only letters"},
		{"control", "o\x1f", ErrBadChars, `openid "o\x1f"`},
		{"non-ASCII", "上海", ErrBadChars, `openid "上海"`},
		{"clipped", strings.Repeat("\x01", 20), ErrBadChars, `openid "\x01\x01\x01\x01\x01\x01\x01\x01\x01...: only`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Check(tt.s)
			if Valid(tt.s) != (tt.kind == nil) {
				t.Errorf("Valid = %v, Check = %v", Valid(tt.s), err)
			}
			if tt.kind == nil {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if !errors.Is(err, tt.kind) || !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("got %v, want %q wrapping %v", err, tt.msg, tt.kind)
			}
		})
	}
}
