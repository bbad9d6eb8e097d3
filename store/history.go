package store

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// historyContentMax bounds the text kept per history entry: enough for
// keyword rules to be back-tested, small enough for millions of followers.
const historyContentMax = 64

// sep separates history fields; it cannot appear in WeChat text.
const sep = "\x1f"

// HistoryEntry is one past event of a follower.
type HistoryEntry struct {
	At       time.Time
	Kind     string
	Key      string
	Content  string
	Lat, Lng float64
}

func encodeHistory(e Event) string {
	var b strings.Builder
	b.WriteString(strconv.FormatInt(e.At.Unix(), 10))
	b.WriteString(sep)
	b.WriteString(e.Kind)
	b.WriteString(sep)
	b.WriteString(clean(e.Key, 256))
	b.WriteString(sep)
	b.WriteString(clean(e.Content, historyContentMax))
	if e.Location != nil {
		b.WriteString(sep)
		b.WriteString(strconv.FormatFloat(e.Location.Lat, 'f', -1, 64))
		b.WriteString(sep)
		b.WriteString(strconv.FormatFloat(e.Location.Lng, 'f', -1, 64))
	}
	return b.String()
}

func decodeHistory(s string) (HistoryEntry, bool) {
	f := strings.Split(s, sep)
	if len(f) < 4 {
		return HistoryEntry{}, false
	}
	ts, err := strconv.ParseInt(f[0], 10, 64)
	if err != nil {
		return HistoryEntry{}, false
	}
	h := HistoryEntry{At: time.Unix(ts, 0), Kind: f[1], Key: f[2], Content: f[3]}
	if len(f) >= 6 {
		h.Lat, _ = strconv.ParseFloat(f[4], 64)
		h.Lng, _ = strconv.ParseFloat(f[5], 64)
	}
	return h, true
}

// clean drops the separator and cuts s to at most n bytes on a rune boundary.
func clean(s string, n int) string {
	if strings.Contains(s, sep) {
		s = strings.ReplaceAll(s, sep, " ")
	}
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
