package broadcast

import (
	"regexp"
	"strconv"
	"strings"
)

// The words admins read for why a broadcast stopped (Broadcast.Failure,
// which the sender writes in English for the logs and the record) and
// for WeChat's errcodes, in Chinese and English: the admin bot and the
// notices both say them.

// errCodeIn finds a WeChat errcode in a stop reason: "45028 has no
// masssend quota", "draft/get: wxapi: 40007 invalid media_id".
var errCodeIn = regexp.MustCompile(`(?:^|[^0-9])(-1|4[0-9]{4}|5[0-9]{4}|6[0-9]{4}|8[0-9]{4})(?:[^0-9]|$)`)

// The kinds of stop the sender records in a broadcast's FailureKind.
const (
	FailExpired      = "expired"       // the audience list expired
	FailSeriesPassed = "series_passed" // every reminder's time passed
	FailNoAPI        = "no_api"        // this replica lacks the WeChat API it needs
	FailTagsFull     = "tags_full"     // no free WeChat tag for a tag send
	FailTagGone      = "tag_gone"      // the temporary tag vanished before its sendall
	FailDraftGet     = "draft_get"     // the draft could not be read
	FailUpload       = "upload"        // media/uploadnews failed
	FailSendFail     = "send_fail"     // WeChat reported SEND_FAIL
	FailOther        = "other"         // anything else; a WeChat errcode in the text is named
)

// legacyFailureKinds map what the sender wrote before it recorded a
// FailureKind to a kind; the first that fits wins. Only records written
// before FailureKind existed need them.
func legacyFailureKinds() []struct{ has, kind string } {
	return []struct{ has, kind string }{
		{"has expired", FailExpired},
		{"every reminder's time passed", FailSeriesPassed},
		{"WeChat API is off", FailNoAPI},
		{"WeChat client cannot", FailNoAPI},
		{"holds 100 tags", FailTagsFull},
		{"free tags", FailTagsFull},
		{"is gone before its sendall", FailTagGone},
		{"draft/get", FailDraftGet},
		{"media/uploadnews", FailUpload},
		{"SEND_FAIL", FailSendFail},
	}
}

// failureWords are each kind of stop in Chinese and English.
func failureWords() map[string][2]string {
	return map[string][2]string{
		"expired":       {"受众名单已过期（保留 30 天），请重新预览后再发送", "the audience list expired (kept 30 days); preview again, then send"},
		"series_passed": {"提醒系列的时间都已过", "every reminder's time passed"},
		"no_api":        {"服务器未开通所需的微信接口，请联系运维", "the server lacks the WeChat API this needs; ask the operators"},
		"tags_full":     {"公众号的标签数已满（最多 100 个），不能按标签群发", "the account has no free tag (at most 100); cannot send by tag"},
		"tag_gone":      {"临时标签在群发前被删除", "the temporary tag was deleted before the send"},
		"draft_get":     {"读取草稿失败", "reading the draft failed"},
		"upload":        {"上传图文失败", "uploading the news failed"},
		"send_fail":     {"微信报告群发失败", "WeChat reported the send as failed"},
		"other":         {"发送出错，详情请运维查看服务器日志", "sending failed; the operators find the details in the server log"},
	}
}

// weChatCodeWords are the errcodes admins meet, in Chinese and English.
func weChatCodeWords() map[int][2]string {
	return map[int][2]string{
		-1:    {"微信系统繁忙，请稍后再试", "WeChat is busy; try again later"},
		40001: {"access_token 无效，请联系运维", "the access_token is invalid; ask the operators"},
		40007: {"media_id 无效或已失效", "the media_id is invalid or expired"},
		40130: {"群发至少需要 2 个 openid", "a mass send needs at least 2 openids"},
		45009: {"今日接口调用次数已用完", "today's API quota is spent"},
		45028: {"本月群发次数已用完", "this month's mass sends are used up"},
		45065: {"相同内容 24 小时内已群发过", "the same content was sent within 24 hours"},
		45066: {"相同内容 1 分钟内重复发送", "the same content was sent within a minute"},
		48001: {"公众号没有该接口权限（未认证或测试号）", "the account lacks this API (unverified or a test account)"},
	}
}

// FailureText words why a broadcast stopped in lang ("zh" or "en"): its
// kind (FailureKind; for an older record without one, the kind its text
// why shows), with WeChat's errcode when why has one; a bare errcode
// reads as WeChat's refusal. In English, a stop of no known kind is the
// sender's own words.
func FailureText(kind, why, lang string) string {
	if kind == "" {
		kind = FailOther
		for _, k := range legacyFailureKinds() {
			if strings.Contains(why, k.has) {
				kind = k.kind
				break
			}
		}
	}
	words, known := failureWords()[kind]
	if !known {
		kind, words = FailOther, failureWords()[FailOther]
	}
	if kind == FailOther && lang == "en" {
		return why
	}
	code := 0
	if m := errCodeIn.FindStringSubmatch(why); m != nil {
		code, _ = strconv.Atoi(m[1])
	}
	if code == 0 {
		return pick(words, lang)
	}
	if kind == FailOther {
		return WeChatRefusalText(code, lang)
	}
	if lang == "en" {
		return pick(words, lang) + " (WeChat errcode " + strconv.Itoa(code) + ")"
	}
	return pick(words, lang) + "（微信错误码 " + strconv.Itoa(code) + "）"
}

// WeChatRefusalText says that WeChat refused with code, and what the code
// means when admins meet it; never WeChat's English message.
func WeChatRefusalText(code int, lang string) string {
	w, known := weChatCodeWords()[code]
	if lang == "en" {
		s := "WeChat refused (errcode " + strconv.Itoa(code) + ")"
		if known {
			s += ": " + w[1]
		}
		return s
	}
	s := "微信拒绝了请求（错误码 " + strconv.Itoa(code) + "）"
	if known {
		s += "：" + w[0]
	}
	return s
}

func pick(w [2]string, lang string) string {
	if lang == "en" {
		return w[1]
	}
	return w[0]
}
