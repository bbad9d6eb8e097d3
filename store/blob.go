package store

import (
	"strconv"
	"strings"
)

// A follower's profile is one string in its shard hash: fields in a fixed
// order, separated by \x1e; lists inside a field are separated by \x1f.
// Neither byte can occur in a WeChat callback (XML forbids them) and both
// are stripped from anything else written into a profile. Positional
// fields keep the string short (no field names repeated two million
// times) and let the Lua scripts and Go read it without a parser library.
// New fields are only ever appended, so older profiles read as having them
// empty, and a script preserves fields it does not know.
//
// The field numbers, 1-based as in the Lua scripts:
//
//	 1 ver  format version, "1"
//	 2 sub  "1" subscribed, "0" unsubscribed, "" never known
//	 3 st   CreateTime of the event that set sub
//	 4 sa   time of the newest subscribe
//	 5 ua   time of the newest unsubscribe
//	 6 sc   QR scene of the newest subscribe
//	 7 fs   first seen (earliest recorded event)
//	 8 la   last active (newest event that was activity)
//	 9 ck   last menu key clicked      10 ca  when
//	11 lat  last location latitude     12 lng longitude
//	13 lp   precision                  14 lt  when
//	15 d    day buckets  "day:msgs:events,…" for 30 days
//	16 hr   hour buckets "hour:msgs:events,…" for 24 hours
//	17 n    counts by kind "kind=count" \x1f-separated
//	18 t    tags "name=expires" \x1f-separated; expires 0 = never
//	19 a    business attributes "name=value" \x1f-separated
//	20 w    WeChat tags "id=name" \x1f-separated, as the sync or the tag
//	        mirror last saw them
//	21 ss   subscribe scene from WeChat (ADD_SCENE_QR_CODE, …)
//	22 lg   language from WeChat (zh_CN, en, …)
//	23 rm   remark the account set on WeChat
//	24 sy   the sync run that last listed the follower (unix s of its start)
//	25 do   device operating system of the newest tracked-link click
//	        ("ios", "android", "other"; "" before any)
//	26 dm   device model string that click's User-Agent carried
const (
	fieldSep = "\x1e"
	itemSep  = "\x1f"
	nFields  = 26
)

const (
	fVer = iota
	fSub
	fSubTime
	fSubAt
	fUnsubAt
	fScene
	fFirstSeen
	fLastActive
	fClickKey
	fClickAt
	fLat
	fLng
	fPrecision
	fLocAt
	fDays
	fHours
	fCounts
	fTags
	fAttrs
	fWeChatTags
	fSubScene
	fLanguage
	fRemark
	fSyncRun
	fDeviceOS
	fDeviceModel
)

// splitFields cuts a profile string into its fields without allocating
// more than the array.
func splitFields(blob string) [nFields]string {
	var f [nFields]string
	for i := 0; i < nFields; i++ {
		j := strings.IndexByte(blob, fieldSep[0])
		if j < 0 {
			f[i] = blob
			break
		}
		f[i], blob = blob[:j], blob[j+1:]
	}
	return f
}

// eachItem calls fn with every "name=value" item of a list field.
func eachItem(field string, fn func(name, value string)) {
	for field != "" {
		item := field
		if j := strings.IndexByte(field, itemSep[0]); j >= 0 {
			item, field = field[:j], field[j+1:]
		} else {
			field = ""
		}
		if name, value, ok := strings.Cut(item, "="); ok && name != "" {
			fn(name, value)
		}
	}
}

// scrub makes s safe to store inside a profile or history entry: the
// separators become spaces, and it is cut to at most n bytes on a rune
// boundary.
func scrub(s string, n int) string {
	if strings.ContainsAny(s, fieldSep+itemSep) {
		s = strings.NewReplacer(fieldSep, " ", itemSep, " ").Replace(s)
	}
	return cut(s, n)
}

// atoi reads a decimal integer written by the scripts; anything else is
// 0. It is the hot loop of a segment count, hence no strconv.
func atoi(s string) int64 {
	if s == "" {
		// Most time fields of most profiles are empty: strconv would
		// allocate an error for each.
		return 0
	}
	neg := s[0] == '-'
	if neg {
		s = s[1:]
	}
	if len(s) == 0 || len(s) > 18 {
		n, _ := strconv.ParseInt(s, 10, 64)
		return n
	}
	var n int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0
		}
		n = n*10 + int64(c-'0')
	}
	if neg {
		return -n
	}
	return n
}
