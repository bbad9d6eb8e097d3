package adminclaim

import (
	"regexp"
	"testing"
)

func TestNewCodeIsCanonicalAndRandom(t *testing.T) {
	t.Parallel()
	shape := regexp.MustCompile(`^wxcast-\d{4}-\d{4}-\d{4}$`)
	seen := make(map[string]bool)
	for range 200 {
		c, err := NewCode()
		if err != nil {
			t.Fatal(err)
		}
		if !shape.MatchString(c) {
			t.Fatalf("code %q has not the canonical shape", c)
		}
		if got, ok := Parse(c); !ok || got != c {
			t.Fatalf("Parse(%q) = %q, %v", c, got, ok)
		}
		if seen[c] {
			t.Fatalf("code %q drawn twice in 200", c)
		}
		seen[c] = true
	}
}

func TestParse(t *testing.T) {
	t.Parallel()
	const want = "wxcast-0123-4567-8901"
	for _, text := range []string{
		"wxcast-0123-4567-8901",
		"  Wxcast-0123-4567-8901\n", // a capital from the keyboard, spaces
		"WXCAST 0123 4567 8901",     // spaces between groups
		"wxcast012345678901",        // nothing between
		"wxcast－０１２３－４５６７－８９０１",     // a Chinese keyboard's full width
		"\u3000wxcast—0123—4567—8901\u3000",
	} {
		if got, ok := Parse(text); !ok || got != want {
			t.Errorf("Parse(%q) = %q, %v; want %q", text, got, ok, want)
		}
	}
	for _, text := range []string{
		"", "wxcast", "你好", "012345678901", // an order number is not a code
		"wxcast-0123-4567-890",   // a digit short
		"wxcast-0123-4567-89012", // a digit too many
		"wxcast-0123-4567-890a",
		"my wxcast-0123-4567-8901",
		"wxcast-0123-4567-8901 please",
		"wxcast-0123-4567-8901" + string(make([]byte, 64)),
		"wxcas-0123-4567-8901",
	} {
		if got, ok := Parse(text); ok {
			t.Errorf("Parse(%q) = %q: not a code", text, got)
		}
	}
}

// BenchmarkParseOrdinary is what every follower text pays for the codes.
func BenchmarkParseOrdinary(b *testing.B) {
	texts := []string{"价格多少", "你好，请问周末营业吗？我想预约两个人的位置", "123456789012", "wxcast是什么"}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, ok := Parse(texts[i%len(texts)]); ok {
			b.Fatal("not a code")
		}
	}
}

func BenchmarkParseCode(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := Parse("Wxcast 0123 4567 8901"); !ok {
			b.Fatal("a code")
		}
	}
}
