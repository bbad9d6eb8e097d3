package rules

import (
	"fmt"
	"strings"
	"testing"
)

func TestStaticCost(t *testing.T) {
	t.Parallel()
	tests := []struct {
		expr string
		want int64
	}{
		{`user.messages_7d > 3`, 5},
		{`'vip' in user.tags`, 1005},                                       // the tags of at most 1000 tag rules
		{`'老客户' in user.wechat_tags`, 25},                                  // WeChat's 20 tags per follower
		{`any(user.tags, {# startsWith 'v'})`, 4004},                       // 1000 × (3 + 1) + 4
		{`any(1..4999, {# < 0})`, 24999},                                   // 4999 × (4 + 1) + 4
		{`all(1..10, {any(1..10, {# > 0})})`, 10*(1+(10*5+4)+1) + 4},       // nested loops multiply
		{`count(user.wechat_tags, {# == 'a'}) > 1`, 20*(3+1) + 4 + 2},      // a loop inside a comparison
		{`len(filter(user.tags, {# != 'a'})) > 0`, 1000*(3+1) + 4},         // expr's optimizer makes it any()
		{`sum(map(user.wechat_tags, {len(#)})) > 0`, 20*(2+1) + 4 + 2},     // the optimizer folds map into sum
		{`let n = user.messages_1d; n > 1 && any([1, 2, 3], {# == n})`, 0}, // checked below: small
	}
	for _, tc := range tests {
		rs, err := Parse("r.yaml", []byte(tagFile(tc.expr)), Options{})
		if err != nil {
			t.Errorf("%s: %v", tc.expr, err)
			continue
		}
		got := rs.Costs()[0].Cost
		switch {
		case tc.want == 0 && got > 100:
			t.Errorf("%s costs %d, want a small cost", tc.expr, got)
		case tc.want != 0 && got != tc.want:
			t.Errorf("%s costs %d, want %d", tc.expr, got, tc.want)
		}
	}
}

// TestCostLimits: 300 rules of any(1..4999, …) once passed and made every
// callback take ~80 ms; now the file is refused where the running total
// passes the file's limit, and a single costly rule by its own limit.
func TestCostLimits(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("tags:\n")
	for i := range 300 {
		fmt.Fprintf(&b, "  - name: slow%d\n    when: 'any(1..4999, {# < 0})'\n", i)
	}
	got := problems(t, b.String(), Options{})
	want := "rules.yaml:42:5: tags.slow20: the file's rules cost 7499700 in all, over the limit of 500000 (rules.max_file_cost), " +
		"passed at this rule; the costliest: tags.slow0 (24999), tags.slow1 (24999), tags.slow2 (24999)"
	if len(got) != 1 || got[0] != want {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), want)
	}

	got = problems(t, "segments:\n  - name: ok\n    rule: user.subscribed\n  - name: slow\n    rule: 'any(1..9999, {any(1..10, {# < 0})})'\n", Options{})
	want = "rules.yaml:4:5: segments.slow: the rule costs 559948, over the limit of 50000 (rules.max_rule_cost)"
	if len(got) != 2 || got[0] != want || !strings.Contains(got[1], "rules.max_file_cost") {
		t.Errorf("problems:\n%s\nwant first:\n%s", strings.Join(got, "\n"), want)
	}

	// The limits are options: raised, the same file loads.
	if got := problems(t, b.String(), Options{Limits: Limits{MaxFileCost: 10_000_000}}); len(got) > 0 {
		t.Errorf("with max_file_cost raised: %v", got)
	}

	// The files shipped with wxcast pass with a wide margin.
	for _, path := range []string{"../configs/rules.example.yaml", "../cmd/wxload/testdata/rules50.yaml"} {
		rs, err := Load(path, Options{})
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		var total int64
		for _, c := range rs.Costs() {
			total += c.Cost
			if c.Cost > DefaultMaxRuleCost/20 {
				t.Errorf("%s: %s costs %d, within 20 times of the limit", path, c.Path, c.Cost)
			}
		}
		if total == 0 || total > DefaultMaxFileCost/20 {
			t.Errorf("%s costs %d, want more than 0 and 20 times less than the limit", path, total)
		}
	}
}
