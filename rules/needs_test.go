package rules

import "testing"

func TestNeedsOf(t *testing.T) {
	t.Parallel()
	tests := []struct {
		src  string
		want Needs
	}{
		{`user.subscribed`, Needs{}},
		{`user.counts["click"] >= 2`, Needs{Counts: true}},
		{`"vip" in user.tags`, Needs{Tags: true}},
		// wechat_tags contains "tags": building both costs little and
		// keeps the test a plain substring check.
		{`"老客户" in user.wechat_tags`, Needs{Tags: true, WeChatTags: true}},
		{`user.attrs.level >= 3`, Needs{Attrs: true}},
	}
	for _, tt := range tests {
		if got := NeedsOf(tt.src); got != tt.want {
			t.Errorf("NeedsOf(%q) = %+v, want %+v", tt.src, got, tt.want)
		}
	}
}

func TestRulesetNeeds(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, src string
		want      Needs
	}{
		{"no rules: tags all the same, ApplyTags keeps them", "", Needs{Tags: true}},
		{"tag when", "tags:\n  - name: a\n    when: user.counts[\"text\"] > 1\n", Needs{Counts: true, Tags: true}},
		{"tag unless", "tags:\n  - name: a\n    when: user.subscribed\n    unless: user.attrs.x > 1\n" +
			"attributes: {x: int}\n", Needs{Tags: true, Attrs: true}},
		{"reply", "replies:\n  - when: '\"v\" in user.wechat_tags'\n    text: hi\n", Needs{Tags: true, WeChatTags: true}},
		{"segments are not read on callbacks", "segments:\n  - name: s\n    rule: user.counts[\"x\"] > 0\n", Needs{Tags: true}},
	}
	for _, tt := range tests {
		rs, err := Parse("r.yaml", []byte(tt.src), Options{})
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if got := rs.Needs(); got != tt.want {
			t.Errorf("%s: %+v, want %+v", tt.name, got, tt.want)
		}
	}
}
