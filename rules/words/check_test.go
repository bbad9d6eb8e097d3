package words_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/wxcast/wxcast/rules/words"
)

// testList is a small set of lists covering every matching rule.
func testList(t testing.TB) *words.List {
	t.Helper()
	l, err := words.Parse(map[string][]byte{
		"absolute.txt": []byte("# absolute terms\n最佳\n第一\n唯一\n全网最低\n"),
		"medical.txt":  []byte("根治\n根治率\n包治百病\n治百病\n"),
		"gambling.txt": []byte("casino\nBet365\n赌场\n"),
		"fraud.txt":    []byte("刷单\nQQ群\n中奖\n"),
		"finance.txt":  []byte("中奖\n一步到位\n"), // 中奖 is in two categories
		"allow.txt":    []byte("第一次\n第一步\n第 一 时 间\n"),
	})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// show prints hits compactly: category/word@start+len"text".
func show(hits []words.Hit) string {
	var b strings.Builder
	for i, h := range hits {
		if i > 0 {
			b.WriteString(" ")
		}
		fmt.Fprintf(&b, "%s/%s@%d+%d%q", h.Category, h.Word, h.Start, h.Len, h.Text)
	}
	return b.String()
}

func TestCheck(t *testing.T) {
	t.Parallel()
	l := testList(t)
	for _, c := range []struct{ name, text, want string }{
		{"plain", "本店最佳", `absolute/最佳@2+2"最佳"`},
		{"nothing", "今天天气不错", ``},
		{"full-width", "ＣＡＳＩＮＯ!", `gambling/casino@0+6"ＣＡＳＩＮＯ"`},
		{"upper case", "Visit CASINO now", `gambling/casino@6+6"CASINO"`},
		{"listed upper case", "try bet365 today", `gambling/Bet365@4+6"bet365"`},
		{"dotted", "c.a.s.i.n.o", `gambling/casino@0+11"c.a.s.i.n.o"`},
		{"spaced", "这里最 佳", `absolute/最佳@2+3"最 佳"`},
		{"symbols", "最★佳、根-治", `absolute/最佳@0+3"最★佳" medical/根治@4+3"根-治"`},
		{"zero-width", "最\u200b佳\u2060", `absolute/最佳@0+3"最\u200b佳"`},
		{"bom and word joiner", "刷\ufeff\u200d单", `fraud/刷单@0+4"刷\ufeff\u200d单"`},
		{"ideographic space", "赌\u3000场", `gambling/赌场@0+3"赌\u3000场"`},
		{"full-width punctuation", "刷，单", `fraud/刷单@0+3"刷，单"`},
		{"gap of three", "最 !.佳", `absolute/最佳@0+5"最 !.佳"`},
		{"gap of four", "最 ! . 佳", ``},
		{"gap of four resets", "第。\n\n\n一", ``},
		{"inside an ASCII word", "on this occasion", ``},
		{"ASCII word prefix", "casinos", ``},
		{"ASCII word suffix", "xcasino", ``},
		{"full-width ASCII around", "ｘcasino", ``},
		{"CJK around ASCII word", "去casino玩", `gambling/casino@1+6"casino"`},
		{"digits are word characters", "casino2", ``},
		{"boundary at start only", "加QQ群123", `fraud/QQ群@1+3"QQ群"`},
		{"boundary before", "aQQ群", ``},
		{"overlapping", "包治百病", `medical/包治百病@0+4"包治百病" medical/治百病@1+3"治百病"`},
		{"overlapping, longer first", "全网最低唯一", `absolute/全网最低@0+4"全网最低" absolute/唯一@4+2"唯一"`},
		{"two categories", "中奖了", `finance/中奖@0+2"中奖" fraud/中奖@0+2"中奖"`},
		{"every occurrence", "最佳最佳", `absolute/最佳@0+2"最佳" absolute/最佳@2+2"最佳"`},
		{"allowed", "第一次来", ``},
		{"allowed spaced", "第 一 步", ``},
		{"allow normalised", "第一时间", ``},
		{"allowed only inside", "第一次第一", `absolute/第一@3+2"第一"`},
		{"allow cancels only what it covers", "第一步到位", `finance/一步到位@1+4"一步到位"`},
		{"same start, longer first", "根治率", `medical/根治率@0+3"根治率" medical/根治@0+2"根治"`},
		{"after multi-byte", "ａｂｃ最佳", `absolute/最佳@3+2"最佳"`},
		{"after emoji", "😀🎉最佳", `absolute/最佳@2+2"最佳"`},
		{"emoji inside", "最😀佳", `absolute/最佳@0+3"最😀佳"`},
		{"invalid UTF-8 is a separator", "最\xff佳", `absolute/最佳@0+3"最\xff佳"`},
	} {
		if got := show(l.Check(c.text)); got != c.want {
			t.Errorf("%s: Check(%q)\n got %s\nwant %s", c.name, c.text, got, c.want)
		}
	}
}

func TestCheckLongAndAstralWords(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("长", 63) + "词"
	l, err := words.Parse(map[string][]byte{
		"long.txt":   []byte(long + "\n"),
		"astral.txt": []byte("𠀀𠀁\n🀄麻将\n"), // CJK Extension B; a symbol in a word is dropped
	})
	if err != nil {
		t.Fatal(err)
	}
	spaced := strings.Join(strings.Split(long, ""), " ")
	for _, c := range []struct{ text, want string }{
		{"前" + long, `long/` + long + `@1+64"` + long + `"`},
		{spaced, `long/` + long + `@0+127"` + spaced + `"`},
		{long[3:], ``}, // one character short
		{"x𠀀 𠀁", `astral/𠀀𠀁@1+3"𠀀 𠀁"`},
		{"打麻将🀄", `astral/🀄麻将@1+2"麻将"`},
	} {
		if got := show(l.Check(c.text)); got != c.want {
			t.Errorf("Check(%.30q)\n got %s\nwant %s", c.text, got, c.want)
		}
	}
}

func TestCheckConcurrent(t *testing.T) {
	t.Parallel()
	l := testList(t)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 200 {
				if got := show(l.Check("ＣＡＳＩＮＯ第一次最 佳")); got != `gambling/casino@0+6"ＣＡＳＩＮＯ" absolute/最佳@9+3"最 佳"` {
					t.Errorf("got %s", got)
					return
				}
			}
		})
	}
	wg.Wait()
}
