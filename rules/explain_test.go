package rules

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestExplain(t *testing.T) {
	t.Parallel()
	env := &Env{User: User{Subscribed: true, Messages7d: 1, Tags: []string{"vip"}}}
	failed := errors.New("failed") // stands for any run-time error
	tests := []struct {
		name string
		rule string
		want []Clause // Err is compared by presence
	}{
		{"three clauses", `user.subscribed && user.messages_7d >= 3 && "vip" in user.tags`, []Clause{
			{Source: "user.subscribed", Value: true},
			{Source: "user.messages_7d >= 3", Value: false},
			{Source: `"vip" in user.tags`, Value: true, Skipped: true},
		}},
		{"nested", `user.subscribed and (user.messages_7d >= 3 || "vip" in user.tags)`, []Clause{
			{Source: "user.subscribed", Value: true},
			{Source: `user.messages_7d >= 3 || "vip" in user.tags`, Value: true},
			{Source: "user.messages_7d >= 3", Value: false, Depth: 1},
			{Source: `"vip" in user.tags`, Value: true, Depth: 1},
		}},
		{"single", `not user.subscribed`, []Clause{
			{Source: "not user.subscribed", Value: false},
		}},
		{"failing clause", `user.subscribed || user.attrs.vip_level > 2`, []Clause{
			{Source: "user.subscribed", Value: true},
			{Source: "user.attrs.vip_level > 2", Err: failed, Skipped: true},
		}},
		{"skipped chain", `!user.subscribed && ("vip" in user.tags || user.messages_7d > 0)`, []Clause{
			{Source: "!user.subscribed", Value: false},
			{Source: `"vip" in user.tags || user.messages_7d > 0`, Value: true, Skipped: true},
			{Source: `"vip" in user.tags`, Value: true, Depth: 1, Skipped: true},
			{Source: "user.messages_7d > 0", Value: true, Depth: 1, Skipped: true},
		}},
		{"error stops the chain", `user.attrs.vip_level > 2 || user.subscribed`, []Clause{
			{Source: "user.attrs.vip_level > 2", Err: failed},
			{Source: "user.subscribed", Value: true, Skipped: true},
		}},
		{"or reaches past false", `user.messages_7d > 5 || "vip" in user.tags || user.subscribed`, []Clause{
			{Source: "user.messages_7d > 5", Value: false},
			{Source: `"vip" in user.tags`, Value: true},
			{Source: "user.subscribed", Value: true, Skipped: true},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			src := "attributes: {vip_level: int}\nsegments:\n  - name: s\n    rule: |\n      " + tt.rule + "\n"
			rs, err := Parse("rules.yaml", []byte(src), Options{})
			if err != nil {
				t.Fatal(err)
			}
			env := *env // Eval fills in Now: each subtest has its own
			got := NewEvaluator().Explain(rs.Segments[0].Rule, &env)
			for i := range got {
				if got[i].Err != nil {
					if !strings.Contains(got[i].Err.Error(), "vip_level is not set") {
						t.Errorf("clause %d: %v", i, got[i].Err)
					}
					got[i].Err = failed
				}
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}
