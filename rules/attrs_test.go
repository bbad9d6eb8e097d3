package rules

import (
	"strings"
	"testing"
	"time"
)

func TestAttributesAtRunTime(t *testing.T) {
	t.Parallel()
	o, now := shanghaiOptions(t)
	decl := "attributes:\n  vip_level: int\n  total_spend: float\n  city: string\n  last_order_at: time\n  member: bool\n"
	tests := []struct {
		expr    string
		attrs   map[string]any
		want    bool
		wantErr string
	}{
		{"user.attrs.vip_level >= 3", map[string]any{"vip_level": 3}, true, ""},
		{"user.attrs.vip_level >= 3", map[string]any{"vip_level": int64(4)}, true, ""},
		{`user.attrs["vip_level"] == 2`, map[string]any{"vip_level": 2}, true, ""},
		{"user.attrs.vip_level >= 3", map[string]any{}, false, "attribute vip_level is not set"},
		{"user.attrs.vip_level >= 3", nil, false, "attribute vip_level is not set"},
		{"user.attrs.vip_level >= 3", map[string]any{"vip_level": "3"}, false, "attribute vip_level holds string, declared int"},
		{`"vip_level" in user.attrs`, map[string]any{"vip_level": 1}, true, ""},
		{`"vip_level" in user.attrs`, map[string]any{}, false, ""},
		{`"vip_level" in user.attrs && user.attrs.vip_level >= 3`, map[string]any{}, false, ""},
		{"user.attrs.total_spend > 99.5", map[string]any{"total_spend": 100}, true, ""},
		{"user.attrs.total_spend > 99.5", map[string]any{"total_spend": 99.0}, false, ""},
		{`user.attrs.city == "上海"`, map[string]any{"city": "上海"}, true, ""},
		{"days_since(user.attrs.last_order_at) <= 30", map[string]any{"last_order_at": now.AddDate(0, 0, -10)}, true, ""},
		{"user.attrs.last_order_at > now()", map[string]any{"last_order_at": now.Add(-time.Hour)}, false, ""},
		{"user.attrs.member", map[string]any{"member": true}, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			t.Parallel()
			rs, err := Parse("rules.yaml", []byte(decl+"tags:\n  - name: t\n    when: |\n      "+tt.expr+"\n"), o)
			if err != nil {
				t.Fatal(err)
			}
			got, err := NewEvaluator().Eval(rs.Tags[0].When, &Env{User: User{Attrs: tt.attrs}})
			if got != tt.want || (err == nil) != (tt.wantErr == "") ||
				(err != nil && !strings.Contains(err.Error(), tt.wantErr)) {
				t.Errorf("got %v, %v; want %v, %q", got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestAttributeErrorNamesTheRule(t *testing.T) {
	t.Parallel()
	rs, err := Parse("rules.yaml", []byte("attributes: {vip_level: int}\nsegments:\n  - name: vip\n    rule: user.attrs.vip_level > 2\n"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = NewEvaluator().Eval(rs.Segments[0].Rule, &Env{})
	if err == nil || !strings.HasPrefix(err.Error(), "rules: segments.vip.rule: ") {
		t.Errorf("err = %v", err)
	}
}
