package rules

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// mirroredFile has n tag rules, each mirrored onto its own WeChat tag
// wt<i>; rule i sits at line 2+3i.
func mirroredFile(n int) string {
	var b strings.Builder
	b.WriteString("tags:\n")
	for i := range n {
		fmt.Fprintf(&b, "  - name: t%d\n    when: user.subscribed\n    wechat_tag: wt%d\n", i, i)
	}
	return b.String()
}

func TestWeChatTagAccountLimit(t *testing.T) {
	t.Parallel()
	existing := func(n int) func() []string {
		return func() []string {
			var out []string
			for i := range n {
				out = append(out, fmt.Sprintf("old%d", i))
			}
			return out
		}
	}
	tests := []struct {
		name string
		src  string
		opts Options
		want []string
	}{
		{"100 distinct fit an empty account", mirroredFile(100), Options{}, nil},
		{"101 distinct never fit", mirroredFile(101), Options{},
			[]string{`rules.yaml:304:17: tags.t100.wechat_tag: wechat_tag "wt100" is the file's WeChat tag number 101; WeChat allows 100 per account`}},
		{"97 existing + 3 new fit", mirroredFile(3), Options{AccountTags: existing(97)}, nil},
		{"98 existing + 3 new do not", mirroredFile(3), Options{AccountTags: existing(98)},
			[]string{`rules.yaml:10:17: tags.t2.wechat_tag: wechat_tag "wt2" would be a new WeChat tag, but the account has 98 tags and this file adds 3 new ones: WeChat allows 100 per account (delete unused tags in the WeChat console, or mirror onto existing ones)`}},
		{"tags the account has already cost nothing", mirroredFile(3),
			Options{AccountTags: func() []string { return append(existing(97)(), "wt0", "wt1", "wt2") }}, nil},
		{"one WeChat tag fed by two rules counts once",
			"tags:\n  - name: a\n    when: user.subscribed\n    wechat_tag: x\n  - name: b\n    when: user.subscribed\n    wechat_tag: x\n",
			Options{AccountTags: existing(99)}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := problems(t, tt.src, tt.opts); !slices.Equal(got, tt.want) {
				t.Errorf("problems:\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}
