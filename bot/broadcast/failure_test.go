package broadcast

import "testing"

func TestFailureText(t *testing.T) {
	tests := []struct{ why, zh, en string }{
		{"45028 has no masssend quota", "微信拒绝了请求（错误码 45028）：本月群发次数已用完",
			"45028 has no masssend quota"}, // English: the sender's own words
		{"draft/get: wxapi: 40007 invalid media_id", "读取草稿失败（微信错误码 40007）",
			"reading the draft failed (WeChat errcode 40007)"},
		{"the audience snapshot has expired (kept 30 days); preview again",
			"受众名单已过期（保留 30 天），请重新预览后再发送", "the audience list expired (kept 30 days); preview again, then send"},
		{"45999 something new", "微信拒绝了请求（错误码 45999）", "45999 something new"},
		{"something nobody foresaw", "发送出错，详情请运维查看服务器日志", "something nobody foresaw"},
	}
	for _, tt := range tests {
		if got := FailureText("", tt.why, "zh"); got != tt.zh {
			t.Errorf("zh %q: %q, want %q", tt.why, got, tt.zh)
		}
		if got := FailureText("", tt.why, "en"); got != tt.en {
			t.Errorf("en %q: %q, want %q", tt.why, got, tt.en)
		}
	}
}

// A recorded kind is worded as that kind whatever the sender's text says,
// so rewording the sender's English changes nothing admins read; an
// errcode in the text is still named.
func TestFailureKindWinsOverTheText(t *testing.T) {
	kinds := []string{FailExpired, FailSeriesPassed, FailNoAPI, FailTagsFull, FailTagGone,
		FailDraftGet, FailUpload, FailSendFail}
	for _, kind := range kinds {
		w, ok := failureWords()[kind]
		if !ok || w[0] == "" || w[1] == "" {
			t.Fatalf("kind %q has no words in both languages", kind)
		}
		if got := FailureText(kind, "worded in a way nobody matched", "zh"); got != w[0] {
			t.Errorf("zh %s: %q, want %q", kind, got, w[0])
		}
		if got := FailureText(kind, "worded in a way nobody matched", "en"); got != w[1] {
			t.Errorf("en %s: %q, want %q", kind, got, w[1])
		}
	}
	if got := FailureText(FailUpload, "upload: 45009 quota", "zh"); got != "上传图文失败（微信错误码 45009）" {
		t.Errorf("upload with errcode: %q", got)
	}
	// A text that would match another kind does not override the recorded one.
	if got := FailureText(FailOther, "the audience snapshot has expired", "zh"); got != failureWords()[FailOther][0] {
		t.Errorf("other with a legacy-looking text: %q", got)
	}
}
