package rules

import (
	"os"
	"runtime/debug"
	"strings"
	"testing"
)

// FuzzLoad feeds the rules loader arbitrary files, and arbitrary
// expressions nested n times (prefix × n, body, suffix × n): it must never
// panic or crash, and an expression nesting past the limit must be
// refused, and the loader's stack must stay small. The seed corpus, in testdata/fuzz/FuzzLoad and below, holds the
// nestings that once crashed the parser.
func FuzzLoad(f *testing.F) {
	// A goroutine stack past 64 MB (the default limit is 1 GB) is a crash
	// here: whatever the limits let through must parse in a small stack.
	old := debug.SetMaxStack(64 << 20)
	f.Cleanup(func() { debug.SetMaxStack(old) })
	for _, path := range []string{"../configs/rules.example.yaml", "../cmd/wxload/testdata/rules50.yaml"} {
		src, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src, "", "", "", uint16(0))
	}
	f.Add([]byte("tags: [[[[[[[[[[]]]]]]]]]]"), "!", "true", "", uint16(70))
	f.Add([]byte{}, "(", "user.subscribed", ")", uint16(65))
	f.Add([]byte{}, "not ", "true", "", uint16(1000))
	f.Add([]byte{}, "true ? true : ", "true", "", uint16(100))
	f.Add([]byte{}, "-", "1 > 0", "", uint16(64))
	f.Add([]byte{}, "any(1..9, {", "true", "})", uint16(20))
	f.Fuzz(func(t *testing.T, file []byte, prefix, body, suffix string, n uint16) {
		// The most the configuration allows; the defaults are stricter.
		o := Options{Limits: Limits{MaxExprLen: 64 << 10, MaxFileSize: 16 << 20}}
		_, _ = Parse("fuzz.yaml", file, o)
		if (len(prefix)+len(suffix))*int(n) > 4<<20 {
			return
		}
		expr := strings.ReplaceAll(strings.Repeat(prefix, int(n))+body+strings.Repeat(suffix, int(n)), "\n", " ")
		src := "segments:\n  - name: s\n    rule: |\n      " + expr + "\n"
		_, err := Parse("fuzz.yaml", []byte(src), o)
		if _, ok := scanDepth(expr, DefaultMaxDepth); !ok && err == nil {
			t.Fatalf("an expression nesting past %d levels was accepted: %.200q", DefaultMaxDepth, expr)
		}
	})
}
