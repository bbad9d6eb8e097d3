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

// History kinds for tag changes; every other entry's kind is the event's.
const (
	KindTagAdded   = "tag_added"
	KindTagRemoved = "tag_removed"
)

// HistoryEntry is one past event of a follower, or a change of one of its
// tags (Kind KindTagAdded or KindTagRemoved, Key the tag, Content the rule,
// or "ttl" for an expiry).
type HistoryEntry struct {
	At       time.Time
	Kind     string
	Key      string
	Content  string
	Lat, Lng float64
}

// IsTagChange reports whether h records a tag change rather than an event.
func (h HistoryEntry) IsTagChange() bool {
	return h.Kind == KindTagAdded || h.Kind == KindTagRemoved
}

// encodeHistory renders an event as a history entry: fields separated by
// \x1f, "unix-time kind key content [lat lng]".
func encodeHistory(e Event) string {
	var b strings.Builder
	b.WriteString(strconv.FormatInt(e.At.Unix(), 10))
	b.WriteString(itemSep)
	b.WriteString(e.Kind)
	b.WriteString(itemSep)
	b.WriteString(scrub(e.Key, 256))
	b.WriteString(itemSep)
	b.WriteString(scrub(e.Content, historyContentMax))
	if e.Location != nil {
		b.WriteString(itemSep)
		b.WriteString(strconv.FormatFloat(e.Location.Lat, 'f', -1, 64))
		b.WriteString(itemSep)
		b.WriteString(strconv.FormatFloat(e.Location.Lng, 'f', -1, 64))
	}
	return b.String()
}

func decodeHistory(s string) (HistoryEntry, bool) {
	f := strings.Split(s, itemSep)
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

// cut shortens s to at most n bytes on a rune boundary.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// Kinds of the events that do not come from WeChat's callbacks. Their
// history entries carry what rules read of them: a link click's Key is
// the link's target URL and its Content the ClickRef; an attributes
// event's Key is the changed attribute names, comma-separated.
const (
	KindLinkClick  = "link_click"
	KindAttributes = "attributes"
)

// ClickRef names a tracked link in a history entry: "<broadcast>:<version>:<link>".
func ClickRef(broadcast int64, version, link int) string {
	return strconv.FormatInt(broadcast, 10) + ":" + strconv.Itoa(version) + ":" + strconv.Itoa(link)
}

// ParseClickRef reads a ClickRef; ok is false for anything else.
func ParseClickRef(s string) (broadcast int64, version, link int, ok bool) {
	b, rest, ok1 := strings.Cut(s, ":")
	v, l, ok2 := strings.Cut(rest, ":")
	if !ok1 || !ok2 {
		return 0, 0, 0, false
	}
	var err1, err2, err3 error
	broadcast, err1 = strconv.ParseInt(b, 10, 64)
	version, err2 = strconv.Atoi(v)
	link, err3 = strconv.Atoi(l)
	if err1 != nil || err2 != nil || err3 != nil {
		return 0, 0, 0, false
	}
	return broadcast, version, link, true
}
