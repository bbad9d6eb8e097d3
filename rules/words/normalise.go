package words

import "unicode"

// fold maps a rune to the form words and text are compared in: the
// full-width forms of ASCII (U+FF01–U+FF5E) to ASCII, the ideographic
// space to a space, and everything to lower case. The fast paths cover
// ASCII and the common CJK block, which make up nearly all of the text.
func fold(r rune) rune {
	switch {
	case r < 0x80:
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	case 0x4E00 <= r && r <= 0x9FFF:
		return r
	case 0xFF01 <= r && r <= 0xFF5E:
		return fold(r - 0xFEE0)
	case r == 0x3000:
		return ' '
	}
	return unicode.ToLower(r)
}

// isSep reports whether a folded rune is a separator: a character that can
// be slipped between the characters of a word without changing how it
// reads (spaces, punctuation, symbols and emoji, format and control
// characters such as the zero-width space, combining marks). Separators
// are skipped while matching.
func isSep(r rune) bool {
	switch {
	case r < 0x80:
		return !isASCIIAlnum(r) // every other ASCII character is Z, P, S or Cc
	case 0x4E00 <= r && r <= 0x9FFF:
		return false
	case 0x200B <= r && r <= 0x200D, r == 0x2060, r == 0xFEFF:
		return true
	}
	return unicode.In(r, unicode.Z, unicode.P, unicode.S, unicode.Cf, unicode.Cc, unicode.Mn, unicode.Me) ||
		unicode.IsSpace(r)
}

// isASCIIAlnum reports whether a folded rune is an ASCII letter or digit.
func isASCIIAlnum(r rune) bool {
	return 'a' <= r && r <= 'z' || '0' <= r && r <= '9' || 'A' <= r && r <= 'Z'
}

// normalise returns a word as it is matched: folded, separators dropped.
func normalise(word string) []rune {
	out := make([]rune, 0, len(word))
	for _, r := range word {
		if c := fold(r); !isSep(c) {
			out = append(out, c)
		}
	}
	return out
}
