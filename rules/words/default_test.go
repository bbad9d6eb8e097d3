package words_test

import (
	"slices"
	"testing"

	"github.com/wxcast/wxcast/configs"
	"github.com/wxcast/wxcast/rules/words"
)

func TestDefaultLists(t *testing.T) {
	t.Parallel()
	l, err := words.Load(configs.DefaultWords())
	if err != nil {
		t.Fatal(err)
	}
	samples := map[string]string{
		"politics":   "有人在群里煽动 颠覆国家政权，请立即举报。",
		"medical":    "祖传秘方，包治百病，无副作用！",
		"finance":    "本产品保本保息，稳赚不赔，零风险高额回报。",
		"gambling":   "新用户首存即送彩金，澳门赌场真人荷官在线。",
		"adult":      "午夜福利，私密视频加微信看。",
		"violence":   "出售仿真枪和管制刀具，量大从优。",
		"fraud":      "兼职日结，在家刷单，日赚三百。",
		"absolute":   "本店商品全网最低，品质国家级，行业第一。",
		"inducement": "转发到朋友圈并集赞 38 个，即可点赞领取礼品！",
	}
	if got := l.Categories(); !slices.Equal(got, []string{"absolute", "adult", "finance", "fraud", "gambling", "inducement", "medical", "politics", "violence"}) {
		t.Errorf("categories %v", got)
	}
	for cat, text := range samples {
		if !slices.ContainsFunc(l.Check(text), func(h words.Hit) bool { return h.Category == cat }) {
			t.Errorf("%s: %q is not caught: %s", cat, text, show(l.Check(text)))
		}
	}
	// Everyday text stays clean, thanks to allow.txt where needed.
	for _, text := range []string{
		"第一次参加活动的朋友，第一时间到前台签到。",
		"这是我们唯一的门店，欢迎到店。",
		"天气转凉，最好不要穿太少。",
		"On this occasion we thank every reader.",
	} {
		if hits := l.Check(text); len(hits) > 0 {
			t.Errorf("false positive in %q: %s", text, show(hits))
		}
	}
	if l.Words() < 300 {
		t.Errorf("only %d default words", l.Words())
	}
}
