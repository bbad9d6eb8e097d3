package broadcast

import "strings"

// span is one link found in a text: its bytes text[Start:End].
type span struct{ Start, End int }

// findLinks finds the http and https links in text, as an admin types
// them into Chinese text: a link starts at "http://" or "https://" (any
// case) not glued to a preceding letter or digit, and ends before
// whitespace, any non-ASCII character (CJK, full-width punctuation such
// as ，。！？、）」) or an ASCII character a URL cannot hold unescaped
// (<>"`{}|\^). Punctuation that ends a sentence (.,;:!?'*) is not part of
// a link at its end, nor is a closing bracket without its opening one
// inside the link: "(见 https://a.cn/x)" finds https://a.cn/x, while
// https://zh.wikipedia.org/wiki/Go_(语言) stops at the CJK and
// https://a.cn/Go_(lang) keeps its parentheses.
func findLinks(text string) []span {
	var out []span
	for i := 0; i < len(text); {
		n := schemeLen(text, i)
		if n == 0 {
			i++
			continue
		}
		end := linkEnd(text, i, i+n)
		if end == i {
			i += n
			continue
		}
		out = append(out, span{i, end})
		i = end
	}
	return out
}

// schemeLen is the length of "http://" or "https://" at text[i:] when a
// link may start there, else 0.
func schemeLen(text string, i int) int {
	if text[i] != 'h' && text[i] != 'H' {
		return 0
	}
	if i > 0 && isAlnum(text[i-1]) {
		return 0 // "xhttp://" is not a link's start
	}
	for _, s := range [...]string{"https://", "http://"} {
		if len(text)-i >= len(s) && strings.EqualFold(text[i:i+len(s)], s) {
			return len(s)
		}
	}
	return 0
}

// linkEnd is where the link whose scheme spans text[start:host] ends, or
// start when no host follows the scheme.
func linkEnd(text string, start, host int) int {
	end := host
	for end < len(text) && urlByte(text[end]) {
		end++
	}
	for end > host {
		c := text[end-1]
		if !strings.ContainsRune(".,;:!?'*", rune(c)) && !unbalanced(text[host:end], c) {
			break
		}
		end--
	}
	if end == host || !isAlnum(text[host]) && text[host] != '[' {
		return start
	}
	return end
}

// unbalanced reports whether c, the last byte of s, is a closing bracket
// s does not open as often as it closes.
func unbalanced(s string, c byte) bool {
	var open byte
	switch c {
	case ')':
		open = '('
	case ']':
		open = '['
	default:
		return false
	}
	return strings.Count(s, string(open)) < strings.Count(s, string(c))
}

// urlByte reports whether c may be part of a link: printable ASCII but
// space and the characters a URL must escape.
func urlByte(c byte) bool {
	return c > ' ' && c < 0x7f && !strings.ContainsRune("<>\"`{}|\\^", rune(c))
}

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}
