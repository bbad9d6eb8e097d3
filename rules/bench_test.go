package rules

import (
	"testing"
	"time"
)

// BenchmarkSegmentRule measures the hot path: one compiled rule run by a
// reused Evaluator. The goal is at most 500 ns/op (2M evaluations a second
// on one core). The few small allocations left are expr boxing field values
// read through reflection.
func BenchmarkSegmentRule(b *testing.B) {
	src := "segments:\n  - name: vip_active\n    rule: " +
		`'user.subscribed && "vip" in user.tags && user.days_since_active <= 7 && user.messages_7d >= 3'` + "\n"
	rs, err := Parse("rules.yaml", []byte(src), Options{})
	if err != nil {
		b.Fatal(err)
	}
	rule := rs.Segments[0].Rule
	env := &Env{User: User{
		OpenID: "oX1a2B3c4D5e6F7g8H9i0J", Subscribed: true, LastActive: time.Now(),
		DaysSinceActive: 2, Messages7d: 5, Tags: []string{"new_follower", "engaged", "vip"},
		Counts: map[string]int{"text": 12}, Attrs: map[string]any{"vip_level": 4},
	}}
	e := NewEvaluator()
	b.ReportAllocs()
	for b.Loop() {
		ok, err := e.Eval(rule, env)
		if !ok || err != nil {
			b.Fatal(ok, err)
		}
	}
}

// BenchmarkFileAtCostLimit runs every tag rule of a file whose static cost
// is just under the default rules.max_file_cost (20 rules of
// any(1..4999, {# < 0}), 24999 each): the worst one callback can cost
// with the default limits.
func BenchmarkFileAtCostLimit(b *testing.B) {
	src := "tags:\n"
	for i := range DefaultMaxFileCost / 24999 {
		src += "  - name: t" + string(rune('a'+i)) + "\n    when: 'any(1..4999, {# < 0})'\n"
	}
	rs, err := Parse("rules.yaml", []byte(src), Options{})
	if err != nil {
		b.Fatal(err)
	}
	env := &Env{}
	e := NewEvaluator()
	for b.Loop() {
		for _, t := range rs.Tags {
			if ok, err := e.Eval(t.When, env); ok || err != nil {
				b.Fatal(ok, err)
			}
		}
	}
}
