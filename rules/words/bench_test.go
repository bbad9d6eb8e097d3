package words_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/wxcast/wxcast/configs"
	"github.com/wxcast/wxcast/rules/words"
)

// cjk draws from the first 3,000 characters of the CJK block, so that the
// words share their characters with the text as real words do.
func cjk(rng *rand.Rand) rune { return rune(0x4E00 + rng.IntN(3000)) }

// benchLists returns a "bench.txt" of n distinct words, mostly 2–6
// Chinese characters, one in ten an ASCII word of 4–8 letters.
func benchLists(rng *rand.Rand, n int) ([]string, map[string][]byte) {
	seen := make(map[string]bool, n)
	list := make([]string, 0, n)
	for len(list) < n {
		var b strings.Builder
		if rng.IntN(10) == 0 {
			for range 4 + rng.IntN(5) {
				b.WriteByte(byte('a' + rng.IntN(26)))
			}
		} else {
			for range 2 + rng.IntN(5) {
				b.WriteRune(cjk(rng))
			}
		}
		if w := b.String(); !seen[w] {
			seen[w] = true
			list = append(list, w)
		}
	}
	return list, map[string][]byte{"bench.txt": []byte(strings.Join(list, "\n"))}
}

// benchText returns about size bytes of Chinese sentences with some ASCII
// and a listed word every few hundred characters, some of them spaced out.
func benchText(rng *rand.Rand, list []string, size int) string {
	var b strings.Builder
	punct := []string{"，", "。", "！", "？", "、", " ", "\n"}
	for b.Len() < size {
		switch k := rng.IntN(400); {
		case k == 0:
			b.WriteString(list[rng.IntN(len(list))])
		case k == 1:
			b.WriteString(strings.Join(strings.Split(list[rng.IntN(len(list))], ""), " "))
		case k < 10:
			fmt.Fprintf(&b, " WeChat%d ", rng.IntN(100))
		case k < 40:
			b.WriteString(punct[rng.IntN(len(punct))])
		default:
			b.WriteRune(cjk(rng))
		}
	}
	return b.String()
}

func BenchmarkCheck(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	list, files := benchLists(rng, 10000)
	l, err := words.Parse(files)
	if err != nil {
		b.Fatal(err)
	}
	text := benchText(rng, list, 1<<20)
	b.SetBytes(int64(len(text)))
	hits := 0
	for b.Loop() {
		hits = len(l.Check(text))
	}
	b.ReportMetric(float64(hits), "hits/op")
}

func BenchmarkCheckDefault(b *testing.B) {
	l, err := words.Load(configs.DefaultWords())
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	text := benchText(rng, []string{"最佳", "稳 赚 不 赔", "第一次", "转发到朋友圈"}, 1<<20)
	b.SetBytes(int64(len(text)))
	hits := 0
	for b.Loop() {
		hits = len(l.Check(text))
	}
	b.ReportMetric(float64(hits), "hits/op")
}

func BenchmarkParse(b *testing.B) {
	_, files := benchLists(rand.New(rand.NewPCG(1, 2)), 10000)
	for b.Loop() {
		if _, err := words.Parse(files); err != nil {
			b.Fatal(err)
		}
	}
}
