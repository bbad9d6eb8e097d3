package admin

import (
	"regexp"
	"strconv"
	"strings"
)

// errCode finds a WeChat errcode in a stop reason: "45028 has no
// masssend quota", "draft/get: wxapi: errcode 40007 …".
var errCode = regexp.MustCompile(`(?:^|[^0-9])(-1|4[0-9]{4}|5[0-9]{4}|6[0-9]{4}|8[0-9]{4})(?:[^0-9]|$)`)

// failureKinds map what the sender writes when it stops a broadcast
// (broadcast.Broadcast.Failure, for logs and the record, in English) to
// the reply key that says it to admins; the first that fits wins.
func failureKinds() []struct{ has, kind string } {
	return []struct{ has, kind string }{
		{"has expired", "expired"},
		{"every reminder's time passed", "series_passed"},
		{"WeChat API is off", "no_api"},
		{"WeChat client cannot", "no_api"},
		{"holds 100 tags", "tags_full"},
		{"free tags", "tags_full"},
		{"is gone before its sendall", "tag_gone"},
		{"draft/get", "draft_get"},
		{"media/uploadnews", "upload"},
		{"SEND_FAIL", "send_fail"},
		{"outcome unknown", "unknown"},
	}
}

// failure words why a broadcast stopped (its Failure) for admins: what
// happened, and WeChat's errcode with its meaning when there is one.
// Anything else says only that it stopped; the record and the logs keep
// the sender's words.
func (b *Bot) failure(why string) string {
	kind := "other"
	for _, k := range failureKinds() {
		if strings.Contains(why, k.has) {
			kind = k.kind
			break
		}
	}
	if kind == "other" && b.lang == "en" {
		return clip(why, 80) // the sender's own words are English
	}
	text := b.t(kFailure + key(kind))
	m := errCode.FindStringSubmatch(why)
	if m == nil {
		return text
	}
	code, _ := strconv.Atoi(m[1])
	if kind == "other" {
		return b.wechatRefusalCode(code)
	}
	return text + b.t(kFailureCode, code)
}
