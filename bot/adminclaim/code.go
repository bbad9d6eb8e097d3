// Package adminclaim lets a person show wxcast their openid: `wxcast
// admins add` offers a one-time code (code.go), the person sends it to
// the Official Account from their own WeChat, and whichever replica
// receives it claims it for the sender (claims.go). Codes live in Redis
// (store.AdminClaims), so any replica may receive it; a claim is atomic,
// so a code serves once. It builds on store only.
package adminclaim

import (
	"crypto/rand"
	"fmt"
	"math/big"
	"strings"
)

// A code is "wxcast-" and three groups of four digits: 10¹² codes, of
// which one or two wait at a time for at most a few minutes, so guessing
// one is hopeless; and the word in front keeps followers from typing one
// by accident (and their order numbers from costing a Redis call).
const (
	prefix = "wxcast"
	groups = 3
	group  = 4
	digits = groups * group
	// maxLen bounds what Parse looks at: a canonical code is 21 bytes; a
	// typed one may carry full-width digits and separators (3 bytes each).
	maxLen = 64
)

// NewCode draws a code from crypto/rand, in its canonical form.
func NewCode() (string, error) {
	limit := new(big.Int).Exp(big.NewInt(10), big.NewInt(digits), nil)
	n, err := rand.Int(rand.Reader, limit)
	if err != nil {
		return "", fmt.Errorf("adminclaim: draw a code: %w", err)
	}
	return format(fmt.Sprintf("%0*d", digits, n)), nil
}

// format writes twelve digits as a canonical code.
func format(ds string) string {
	var b strings.Builder
	b.WriteString(prefix)
	for i := 0; i < digits; i += group {
		b.WriteByte('-')
		b.WriteString(ds[i : i+group])
	}
	return b.String()
}

// Parse reports whether text has a code's shape and returns the code in
// its canonical form. It forgives what a phone keyboard does to a typed
// code: a capital W, spaces around, full-width digits, and spaces, dashes
// or none between the groups. It allocates only for a text that passes
// the cheap checks, so a follower's ordinary message costs next to
// nothing.
func Parse(text string) (string, bool) {
	if len(text) > maxLen {
		return "", false
	}
	text = strings.TrimSpace(text) // full-width spaces too
	if len(text) < len(prefix) || !strings.EqualFold(text[:len(prefix)], prefix) {
		return "", false
	}
	var ds [digits]byte
	n := 0
	for _, r := range text[len(prefix):] {
		switch {
		case r >= '0' && r <= '9':
		case r >= '０' && r <= '９':
			r = r - '０' + '0'
		case isSeparator(r):
			continue
		default:
			return "", false
		}
		if n == digits {
			return "", false
		}
		ds[n] = byte(r)
		n++
	}
	if n != digits {
		return "", false
	}
	return format(string(ds[:])), true
}

// isSeparator accepts what may stand between the groups: spaces and the
// dashes of Latin and Chinese keyboards.
func isSeparator(r rune) bool {
	switch r {
	case ' ', '\u3000', '-', '－', '‐', '–', '—', '_':
		return true
	}
	return false
}
