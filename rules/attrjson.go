package rules

import (
	"encoding/json"
	"strconv"
	"unicode/utf8"
)

// CheckJSONText refuses the strings of a JSON object that encoding/json
// would not read as written: bytes that are not UTF-8, and escaped lone
// surrogates (\ud800), both of which it silently replaces with U+FFFD.
// Run it on a body json.Decoder accepted; the error is an *AttrError
// naming the top-level member the string is in (its name, or its value
// at any depth).
func CheckJSONText(data []byte) error {
	depth, key, wantKey := 0, "", false
	for i := 0; i < len(data); i++ {
		switch data[i] {
		case '{':
			depth++
			wantKey = depth == 1
		case '[':
			depth++
		case '}', ']':
			depth--
		case ',':
			wantKey = depth == 1
		case '"':
			end, ok := jsonString(data, i)
			if end >= len(data) {
				return nil // not JSON: the decoder says what is wrong
			}
			isKey := depth == 1 && wantKey
			if isKey {
				key, wantKey = keyText(data[i:end+1]), false
			}
			if !ok {
				reason := "not valid UTF-8 (a byte that is not UTF-8, or an escaped lone surrogate such as \\ud800)"
				if isKey {
					reason = "the name is " + reason
				}
				return &AttrError{Attr: key, Reason: reason}
			}
			i = end
		}
	}
	return nil
}

// jsonString reads the string literal starting at data[start] (a quote)
// and returns the index of its closing quote, and whether it reads as
// written: valid UTF-8, surrogate escapes in pairs.
func jsonString(data []byte, start int) (end int, ok bool) {
	ok = true
	i := start + 1
	for i < len(data) && data[i] != '"' {
		if data[i] != '\\' {
			r, n := utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && n <= 1 {
				ok = false
			}
			i += n
			continue
		}
		if i+1 < len(data) && data[i+1] == 'u' {
			r := hex4(data, i+2)
			switch {
			case r >= 0xd800 && r < 0xdc00:
				if low := hex4Escape(data, i+6); low >= 0xdc00 && low < 0xe000 {
					i += 12
					continue
				}
				ok = false
			case r >= 0xdc00 && r < 0xe000:
				ok = false
			}
			i += 6
			continue
		}
		i += 2
	}
	return i, ok
}

// hex4Escape reads \uXXXX at data[i], or returns -1.
func hex4Escape(data []byte, i int) rune {
	if i+1 >= len(data) || data[i] != '\\' || data[i+1] != 'u' {
		return -1
	}
	return hex4(data, i+2)
}

// hex4 reads four hex digits at data[i], or returns -1.
func hex4(data []byte, i int) rune {
	if i+4 > len(data) {
		return -1
	}
	n, err := strconv.ParseUint(string(data[i:i+4]), 16, 32)
	if err != nil {
		return -1
	}
	return rune(n)
}

// keyText is a member name for an error message: as encoding/json reads
// it when it reads as written, else quoted byte by byte.
func keyText(lit []byte) string {
	var s string
	if utf8.Valid(lit) && json.Unmarshal(lit, &s) == nil {
		return s
	}
	return strconv.Quote(string(lit[1 : len(lit)-1]))
}
