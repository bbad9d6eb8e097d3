package rules

import (
	"os"
	"strings"
	"testing"
)

// FuzzLoad feeds the rules loader arbitrary files, and arbitrary
// expressions nested n times in a fuzzed prefix: it must never panic or
// crash, and an expression nesting past the limit must be refused. The
// seed corpus is in testdata/fuzz/FuzzLoad besides the seeds below.
func FuzzLoad(f *testing.F) {
	for _, path := range []string{"../configs/rules.example.yaml", "../cmd/wxload/testdata/rules50.yaml"} {
		src, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src, "", "", uint16(0))
	}
	f.Add([]byte("tags: [[[[[[[[[[]]]]]]]]]]"), "!", "true", uint16(70))
	f.Add([]byte{}, "(", "user.subscribed", uint16(65))
	f.Add([]byte{}, "not ", "true", uint16(1000))
	f.Add([]byte{}, "true ? true : ", "true", uint16(100))
	f.Add([]byte{}, "-", "1 > 0", uint16(64))
	f.Add([]byte{}, "any(1..9, {", "true", uint16(20))
	f.Fuzz(func(t *testing.T, file []byte, prefix, body string, n uint16) {
		o := Options{Limits: Limits{MaxExprLen: 64 << 10}}
		_, _ = Parse("fuzz.yaml", file, o)
		expr := strings.Repeat(prefix, int(n)) + body
		if len(expr) > 1<<20 {
			return
		}
		src := "segments:\n  - name: s\n    rule: |\n      " + strings.ReplaceAll(expr, "\n", " ") + "\n"
		_, err := Parse("fuzz.yaml", []byte(src), o)
		if _, ok := scanDepth(strings.ReplaceAll(expr, "\n", " "), DefaultMaxDepth); !ok && err == nil {
			t.Fatalf("an expression nesting past %d levels was accepted: %.200q", DefaultMaxDepth, expr)
		}
	})
}
