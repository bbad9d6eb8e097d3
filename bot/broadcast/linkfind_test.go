package broadcast

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func TestFindLinks(t *testing.T) {
	cases := []struct {
		name, text string
		want       []string
	}{
		{"none", "会员日满 200 减 30", nil},
		{"alone", "https://a.cn", []string{"https://a.cn"}},
		{"http and path", "看这里 http://a.cn/x/y.html 就好", []string{"http://a.cn/x/y.html"}},
		{"glued to chinese", "活动详情https://a.cn/p?id=3，欢迎参加", []string{"https://a.cn/p?id=3"}},
		{"full-width stops", "链接：https://a.cn/x。下一个https://b.cn/y！再一个https://c.cn/z？最后https://d.cn、https://e.cn）」",
			[]string{"https://a.cn/x", "https://b.cn/y", "https://c.cn/z", "https://d.cn", "https://e.cn"}},
		{"full-width parens around", "（详见https://a.cn/rules）", []string{"https://a.cn/rules"}},
		{"sentence end", "See https://a.cn/x. Then https://b.cn/y, and https://c.cn/z; https://d.cn/w: https://e.cn/v! https://f.cn/u?",
			[]string{"https://a.cn/x", "https://b.cn/y", "https://c.cn/z", "https://d.cn/w", "https://e.cn/v", "https://f.cn/u"}},
		{"several trailing", "go to https://a.cn/x?!.", []string{"https://a.cn/x"}},
		{"ascii parens around", "(see https://a.cn/x)", []string{"https://a.cn/x"}},
		{"balanced parens kept", "https://en.wikipedia.org/wiki/Go_(language) is a page",
			[]string{"https://en.wikipedia.org/wiki/Go_(language)"}},
		{"balanced then closing", "(https://en.wikipedia.org/wiki/Go_(language))", []string{"https://en.wikipedia.org/wiki/Go_(language)"}},
		{"balanced then period", "wiki: https://a.cn/Go_(lang).", []string{"https://a.cn/Go_(lang)"}},
		{"brackets", "[https://a.cn/x]", []string{"https://a.cn/x"}},
		{"query and fragment", "点击https://a.cn/p?utm_source=wx&id=1#top查看", []string{"https://a.cn/p?utm_source=wx&id=1#top"}},
		{"escaped", "https://a.cn/s?q=%E4%BD%A0%E5%A5%BD&x=1", []string{"https://a.cn/s?q=%E4%BD%A0%E5%A5%BD&x=1"}},
		{"port and userinfo", "http://u@127.0.0.1:8080/a", []string{"http://u@127.0.0.1:8080/a"}},
		{"ipv6", "http://[::1]:8080/a", []string{"http://[::1]:8080/a"}},
		{"upper-case scheme", "HTTPS://A.CN/X", []string{"HTTPS://A.CN/X"}},
		{"quotes stop", `"https://a.cn/x" and 'https://b.cn/y'`, []string{"https://a.cn/x", "https://b.cn/y"}},
		{"angle brackets", "<https://a.cn/x>", []string{"https://a.cn/x"}},
		{"newline and tab", "a https://a.cn/x\nb\thttps://b.cn/y\r\n", []string{"https://a.cn/x", "https://b.cn/y"}},
		{"other schemes", "ftp://a.cn/x mailto:a@b.cn weixin://dl/x file:///etc/passwd javascript:alert(1)", nil},
		{"glued to a letter", "xhttps://a.cn/x 9http://b.cn", nil},
		{"scheme alone", "https:// 和 http://。以及 https://.", nil},
		{"no host", "https:///path http://?q", nil},
		{"www without scheme", "www.a.cn/x", nil},
		{"repeated", "https://a.cn https://a.cn", []string{"https://a.cn", "https://a.cn"}},
		{"adjacent", "https://a.cn/x,https://b.cn/y", []string{"https://a.cn/x,https://b.cn/y"}},
		{"emoji stops", "https://a.cn/x😀好", []string{"https://a.cn/x"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got []string
			for _, sp := range findLinks(c.text) {
				got = append(got, c.text[sp.Start:sp.End])
			}
			if !slices.Equal(got, c.want) {
				t.Fatalf("findLinks(%q) = %q, want %q", c.text, got, c.want)
			}
		})
	}
}

const testBase = "https://wx.example.com"

func TestRewriteLinksKeepsTheRestOfTheText(t *testing.T) {
	text := "【会员日】满 200 减 30，详见https://shop.example.cn/p?id=7&from=wx#buy。\n" +
		"规则（https://a.cn/rules）、地图 http://map.example.cn/x.\n已跟踪：https://WX.example.com/l/abcdefghijklmnop，本站 https://wx.example.com/about"
	got, links := rewriteLinks(text, testBase, 2)
	wantURLs := []string{"https://shop.example.cn/p?id=7&from=wx#buy", "https://a.cn/rules", "http://map.example.cn/x"}
	if len(links) != len(wantURLs) {
		t.Fatalf("links %+v, want %q", links, wantURLs)
	}
	back := got
	for i, l := range links {
		if l.Version != 2 || l.Index != i || l.URL != wantURLs[i] {
			t.Errorf("link %d: %+v, want variant 2 index %d %s", i, l, i, wantURLs[i])
		}
		tracked := TrackedURL(testBase, l.Code)
		if strings.Count(got, tracked) != 1 {
			t.Errorf("link %d: %s not in %q", i, tracked, got)
		}
		back = strings.Replace(back, tracked, l.URL, 1)
	}
	if back != text {
		t.Fatalf("the text changed besides its links:\n%q\nwant\n%q", back, text)
	}
	// A text rewritten once has nothing left to rewrite.
	if again, more := rewriteLinks(got, testBase, 2); again != got || len(more) != 0 {
		t.Fatalf("rewritten twice: %q, %+v", again, more)
	}
}

func TestRewriteLinksWithoutLinks(t *testing.T) {
	for _, text := range []string{"", "没有链接。", "https://wx.example.com/l/x 已是跟踪链接", "https://wx.example.com"} {
		if got, links := rewriteLinks(text, testBase, 0); got != text || links != nil {
			t.Errorf("rewriteLinks(%q) = %q, %+v", text, got, links)
		}
	}
}

func TestOwnLink(t *testing.T) {
	cases := map[string]bool{
		"https://wx.example.com":           true,
		"https://wx.example.com/l/abc":     true,
		"HTTPS://WX.EXAMPLE.COM/l/abc":     true,
		"https://wx.example.com?x=1":       true,
		"https://wx.example.com#x":         true,
		"https://wx.example.com.evil.cn/x": false,
		"https://wx.example.comx/l/abc":    false,
		"http://wx.example.com/l/abc":      false,
		"https://wx.example.co":            false,
	}
	for u, want := range cases {
		if got := ownLink(u, testBase); got != want {
			t.Errorf("ownLink(%q) = %v, want %v", u, got, want)
		}
	}
}

func TestManyLinks(t *testing.T) {
	var sb strings.Builder
	for i := range 120 {
		fmt.Fprintf(&sb, "第%d个https://a.cn/%d，", i, i)
	}
	got, links := rewriteLinks(sb.String(), testBase, 0)
	if len(links) != 120 {
		t.Fatalf("%d links, want 120", len(links))
	}
	codes := map[string]bool{}
	for i, l := range links {
		if l.Index != i || l.URL != fmt.Sprintf("https://a.cn/%d", i) {
			t.Fatalf("link %d: %+v", i, l)
		}
		codes[l.Code] = true
	}
	if len(codes) != 120 || strings.Contains(got, "https://a.cn") {
		t.Fatalf("%d distinct codes; left: %v", len(codes), strings.Contains(got, "https://a.cn"))
	}
}

var codeShape = regexp.MustCompile(`^[a-z2-7]{16}$`)

// TestLinkCodes checks the codes' shape (16 base32 characters: 80 bits,
// as many as linkCodeBytes holds) and that they do not repeat.
func TestLinkCodes(t *testing.T) {
	if linkCodeBytes*8 < 80 {
		t.Fatalf("codes carry %d bits", linkCodeBytes*8)
	}
	seen := map[string]bool{}
	perPos := make([]map[byte]bool, 16)
	for i := range perPos {
		perPos[i] = map[byte]bool{}
	}
	for range 20000 {
		c := NewLinkCode()
		if !codeShape.MatchString(c) {
			t.Fatalf("code %q", c)
		}
		if seen[c] {
			t.Fatalf("code %q twice", c)
		}
		seen[c] = true
		for i := range c {
			perPos[i][c[i]] = true
		}
	}
	// Every position takes every one of the 32 symbols: 16 × 5 bits are
	// all random, none padding.
	for i, m := range perPos {
		if len(m) != 32 {
			t.Errorf("position %d takes %d symbols, want 32", i, len(m))
		}
	}
}

// An approval binds the rewritten texts: each text, its variant and its
// codes move the plan's hash.
func TestPlanHashCoversRewrittenTexts(t *testing.T) {
	b := &Broadcast{Segment: "all", Content: Content{Type: "text", Text: "看 https://a.cn"}}
	hash := func(texts ...PlanText) string {
		p := &Plan{RulesVersion: "r1", Texts: texts}
		p.seal(b)
		return p.Hash
	}
	one := PlanText{Variant: 0, Text: "看 " + TrackedURL(testBase, "aaaaaaaaaaaaaaaa")}
	h := hash(one)
	if hash(one) != h {
		t.Fatal("the hash is not stable")
	}
	other := one
	other.Text = "看 " + TrackedURL(testBase, "bbbbbbbbbbbbbbbb")
	moved := one
	moved.Variant = 1
	for _, x := range [][]PlanText{nil, {other}, {moved}, {one, other}} {
		if hash(x...) == h {
			t.Errorf("texts %+v give the hash of %+v", x, one)
		}
	}
}

// FuzzRewriteLinks: whatever the text, links are found in order without
// overlapping, each is an http(s) URL of URL bytes that does not end in
// sentence punctuation, and putting the links back gives the text byte
// for byte.
func FuzzRewriteLinks(f *testing.F) {
	for _, s := range []string{"", "详见https://a.cn/x。", "(https://a.cn/Go_(x)).", "HTTP://A.CN https://", "xhttps://a.cn",
		"https://wx.example.com/l/x https://a.cn?q=1#f，", "\xffhttps://a.cn\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		last := 0
		for _, sp := range findLinks(text) {
			u := text[sp.Start:sp.End]
			if sp.Start < last || !strings.HasPrefix(strings.ToLower(u), "http") || !strings.Contains(u, "://") ||
				strings.ContainsAny(u[len(u)-1:], ".,;:!?'*") {
				t.Fatalf("link %q at %d (previous ended at %d) in %q", u, sp.Start, last, text)
			}
			for i := range len(u) {
				if !urlByte(u[i]) {
					t.Fatalf("link %q holds %q", u, u[i])
				}
			}
			last = sp.End
		}
		got, links := rewriteLinks(text, testBase, 0)
		back := got
		for _, l := range links {
			back = strings.Replace(back, TrackedURL(testBase, l.Code), l.URL, 1)
		}
		if back != text {
			t.Fatalf("rewritten %q, put back %q, want %q", got, back, text)
		}
	})
}
