package admin

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// thousands writes n with comma separators: 1234567 → "1,234,567".
func thousands(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var out strings.Builder
	if neg {
		out.WriteByte('-')
	}
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			out.WriteByte(',')
		}
		out.WriteRune(r)
	}
	return out.String()
}

// long is a time as shown to admins in full.
func (b *Bot) long(t time.Time) string { return t.In(b.loc).Format("2006-01-02 15:04") }

// short is a time in a one-line list entry.
func (b *Bot) short(t time.Time) string { return t.In(b.loc).Format("01-02 15:04") }

// clip keeps the first n runes of s, on one line, marking a cut with "…".
func clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}

// truncate keeps the first n runes of s as they are.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

// join lists words as "a、b或c" ("a, b or c" in English).
func (b *Bot) join(words []string) string {
	switch len(words) {
	case 0:
		return ""
	case 1:
		return words[0]
	}
	last := len(words) - 1
	return strings.Join(words[:last], b.t(kListSep)) + b.t(kOr) + words[last]
}

// name is the admin name for openid, or openid for someone no longer an
// admin.
func (b *Bot) name(openid string) string {
	if a, ok := b.admins[openid]; ok {
		return a.Name
	}
	return openid
}
