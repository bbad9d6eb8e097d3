package rules

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

const attrDecl = "attributes:\n  vip_level: int\n  spend_90d: float\n  city: string\n  last_order_at: time\n  member: bool\n"

func attrRuleset(t testing.TB) *Ruleset {
	t.Helper()
	rs, err := Parse("rules.yaml", []byte(attrDecl), Options{})
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

func TestAttrFromText(t *testing.T) {
	t.Parallel()
	rs := attrRuleset(t)
	tests := []struct {
		attr, cell string
		want       string
		set        bool
		wantErr    string
	}{
		{"vip_level", "3", "3", true, ""},
		{"vip_level", " +007 ", "7", true, ""},
		{"vip_level", "-2", "-2", true, ""},
		{"vip_level", "", "", false, ""},
		{"vip_level", "   ", "", false, ""},
		{"vip_level", "3.5", "", false, "attribute vip_level: want an int (a whole number in decimal digits), got 3.5"},
		{"vip_level", "0x10", "", false, "want an int"},
		{"vip_level", "99999999999999999999", "", false, "out of range"},
		{"spend_90d", "199.50", "199.5", true, ""},
		{"spend_90d", "100", "100", true, ""},
		{"spend_90d", "1e3", "1000", true, ""},
		{"spend_90d", "NaN", "", false, "want a float"},
		{"spend_90d", "Inf", "", false, "want a float"},
		{"spend_90d", "0x1p-2", "", false, "want a float"},
		{"spend_90d", "1,5", "", false, "want a float"},
		{"member", "TRUE", "true", true, ""},
		{"member", "0", "false", true, ""},
		{"member", "yes", "", false, "want a bool (true, false, 1 or 0)"},
		{"last_order_at", "2026-05-01T08:00:00+08:00", "2026-05-01T00:00:00Z", true, ""},
		{"last_order_at", "2026-05-01T00:00:00.999Z", "2026-05-01T00:00:00Z", true, ""},
		{"last_order_at", "1777593600", "2026-05-01T00:00:00Z", true, ""},
		{"last_order_at", "-86400", "1969-12-31T00:00:00Z", true, ""},
		{"last_order_at", "2026-05-01", "", false, "want a time as RFC 3339"},
		{"last_order_at", "99999999999999", "", false, "outside the years 1 to 9999"},
		{"city", " 上海 ", " 上海 ", true, ""},
		{"city", "", "", false, ""},
		{"city", "a\x1fb", "", false, "control byte"},
		{"city", "\xff", "", false, "not valid UTF-8"},
		{"city", strings.Repeat("a", MaxAttrString+1), "", false, "longer than 1024"},
		{"city", strings.Repeat("a", MaxAttrString), strings.Repeat("a", MaxAttrString), true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.attr+"/"+clip(tt.cell), func(t *testing.T) {
			in, err := rs.AttrInput(tt.attr)
			if err != nil {
				t.Fatal(err)
			}
			got, set, err := in.FromText(tt.cell)
			if got != tt.want || set != tt.set || (err == nil) != (tt.wantErr == "") ||
				(err != nil && !strings.Contains(err.Error(), tt.wantErr)) {
				t.Errorf("FromText(%q) = %q, %v, %v; want %q, %v, %q", tt.cell, got, set, err, tt.want, tt.set, tt.wantErr)
			}
		})
	}
}

func TestAttrFromJSON(t *testing.T) {
	t.Parallel()
	rs := attrRuleset(t)
	tests := []struct {
		attr, json string
		want       string
		del        bool
		wantErr    string
	}{
		{"vip_level", `3`, "3", false, ""},
		{"vip_level", `3.5`, "", false, "want an int (a whole number in decimal digits), got 3.5"},
		{"vip_level", `3.0`, "", false, "want an int"},
		{"vip_level", `"3"`, "", false, `want an int (a JSON number without fraction), got the string "3"`},
		{"vip_level", `null`, "", true, ""},
		{"spend_90d", `12.25`, "12.25", false, ""},
		{"spend_90d", `12`, "12", false, ""},
		{"spend_90d", `true`, "", false, "want a float (a JSON number), got true"},
		{"member", `false`, "false", false, ""},
		{"member", `1`, "", false, "want a bool (true or false), got the number 1"},
		{"city", `"杭州"`, "杭州", false, ""},
		{"city", `5`, "", false, "want a string, got the number 5"},
		{"city", `["a"]`, "", false, "got an array"},
		{"city", `{"a":1}`, "", false, "got an object"},
		{"last_order_at", `"2026-05-01T08:00:00+08:00"`, "2026-05-01T00:00:00Z", false, ""},
		{"last_order_at", `1777593600`, "2026-05-01T00:00:00Z", false, ""},
		{"last_order_at", `1777593600.5`, "", false, "unix seconds"},
		{"last_order_at", `"yesterday"`, "", false, "want a time as RFC 3339"},
	}
	for _, tt := range tests {
		t.Run(tt.attr+"/"+tt.json, func(t *testing.T) {
			dec := json.NewDecoder(strings.NewReader(tt.json))
			dec.UseNumber()
			var v any
			if err := dec.Decode(&v); err != nil {
				t.Fatal(err)
			}
			in, err := rs.AttrInput(tt.attr)
			if err != nil {
				t.Fatal(err)
			}
			got, del, err := in.FromJSON(v)
			if got != tt.want || del != tt.del || (err == nil) != (tt.wantErr == "") ||
				(err != nil && !strings.Contains(err.Error(), tt.wantErr)) {
				t.Errorf("FromJSON(%s) = %q, %v, %v; want %q, %v, %q", tt.json, got, del, err, tt.want, tt.del, tt.wantErr)
			}
		})
	}
}

func TestAttrInputUndeclared(t *testing.T) {
	t.Parallel()
	rs := attrRuleset(t)
	_, err := rs.AttrInput("vip_lvl")
	var ae *AttrError
	if !errors.As(err, &ae) || ae.Attr != "vip_lvl" ||
		err.Error() != "attribute vip_lvl: not declared in the rules file (did you mean vip_level?)" {
		t.Errorf("err = %v", err)
	}
	_, err = rs.AttrInput("zodiac")
	if err == nil || !strings.Contains(err.Error(), "declare it under attributes") {
		t.Errorf("err = %v", err)
	}
	var none *Ruleset
	if _, err := none.AttrInput("vip_level"); err == nil {
		t.Error("a nil ruleset declared vip_level")
	}
}

func TestAttrsFromJSONReportsTheFirstProblemByName(t *testing.T) {
	t.Parallel()
	rs := attrRuleset(t)
	got, err := rs.AttrsFromJSON(map[string]any{"vip_level": json.Number("4"), "city": nil})
	if err != nil || len(got) != 2 || got["vip_level"] != "4" || got["city"] != "" {
		t.Fatalf("got %v, %v", got, err)
	}
	for range 10 { // map order varies: the answer must not
		_, err = rs.AttrsFromJSON(map[string]any{"zz": 1, "member": "yes", "vip_level": 1.5})
		if err == nil || !strings.HasPrefix(err.Error(), "attribute member: ") {
			t.Fatalf("err = %v", err)
		}
	}
}

// TestAttrInputRoundTrip checks that what AttrInput stores, the rules
// read back as the value that went in.
func TestAttrInputRoundTrip(t *testing.T) {
	t.Parallel()
	rs := attrRuleset(t)
	at := time.Date(2026, 5, 1, 8, 0, 0, 0, time.FixedZone("CST", 8*3600))
	tests := []struct {
		attr, cell string
		want       any
	}{
		{"vip_level", "42", 42},
		{"spend_90d", "0.1", 0.1},
		{"spend_90d", "1e21", 1e21},
		{"member", "1", true},
		{"city", "上海=浦东", "上海=浦东"},
		{"last_order_at", at.Format(time.RFC3339), at},
		{"last_order_at", "1777593600", at},
		{"last_order_at", "0001-01-01T00:00:00Z", time.Time{}},
	}
	for _, tt := range tests {
		in, _ := rs.AttrInput(tt.attr)
		text, _, err := in.FromText(tt.cell)
		if err != nil {
			t.Fatalf("%s %q: %v", tt.attr, tt.cell, err)
		}
		got, ok := ParseAttr(in.Type, text)
		eq := got == tt.want
		if w, isTime := tt.want.(time.Time); isTime {
			g, _ := got.(time.Time)
			eq = g.Equal(w)
		}
		if !ok || !eq {
			t.Errorf("%s %q stored as %q reads back as %v (%v); want %v", tt.attr, tt.cell, text, got, ok, tt.want)
		}
		again, _, _ := in.FromText(text)
		if again != text {
			t.Errorf("%s: canonical %q is not stable: %q", tt.attr, text, again)
		}
	}
}

func TestCheckOpenID(t *testing.T) {
	t.Parallel()
	for _, ok := range []string{"oAbC-_09", strings.Repeat("o", MaxOpenID)} {
		if err := CheckOpenID(ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "o b", "o/../x", "o\x1f", strings.Repeat("o", MaxOpenID+1), "上海"} {
		if err := CheckOpenID(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// TestRFMRecipe compiles the RFM recipe of docs/rules.md and runs it on
// followers fed through AttrInput, as an import would store them.
func TestRFMRecipe(t *testing.T) {
	t.Parallel()
	o, now := shanghaiOptions(t)
	rs, err := Parse("rules.yaml", []byte(docRFMRules), o)
	if err != nil {
		t.Fatalf("the recipe does not compile:\n%v", err)
	}
	seg, ok := rs.Segment("rfm_champions")
	if !ok {
		t.Fatal("no rfm_champions segment")
	}
	tests := []struct {
		name          string
		lastOrder     time.Time
		orders, spend string
		want          bool
	}{
		{"champion", now.AddDate(0, 0, -3), "12", "2500.5", true},
		{"lapsed", now.AddDate(0, 0, -45), "12", "2500", false},
		{"rare", now.AddDate(0, 0, -3), "2", "2500", false},
		{"small", now.AddDate(0, 0, -3), "12", "120", false},
		{"edge", now.AddDate(0, 0, -30), "5", "800", true},
	}
	for _, tt := range tests {
		cells := map[string]string{"last_order_at": tt.lastOrder.Format(time.RFC3339), "orders_90d": tt.orders, "spend_90d": tt.spend}
		attrs := make(map[string]any)
		for name, cell := range cells {
			in, err := rs.AttrInput(name)
			if err != nil {
				t.Fatal(err)
			}
			text, _, err := in.FromText(cell)
			if err != nil {
				t.Fatal(err)
			}
			attrs[name], _ = ParseAttr(in.Type, text)
		}
		got, err := NewEvaluator().Eval(seg.Rule, &Env{User: User{Attrs: attrs}})
		if err != nil || got != tt.want {
			t.Errorf("%s: %v, %v; want %v", tt.name, got, err, tt.want)
		}
	}
	if got, _ := NewEvaluator().Eval(seg.Rule, &Env{User: User{}}); got {
		t.Error("a follower without order data is a champion")
	}
}

// TypedAttrs names the wanted type with its article: "an int", "a bool".
func TestTypedAttrsNamesTheType(t *testing.T) {
	rs := attrRuleset(t)
	for _, tc := range []struct {
		in   map[string]any
		want string
	}{
		{map[string]any{"vip_level": []any{1}}, "attrs.vip_level: want an int, got []interface {}"},
		{map[string]any{"vip_level": "high"}, "attrs.vip_level: want an int, got high"},
		{map[string]any{"member": "maybe"}, "attrs.member: want a bool, got maybe"},
	} {
		_, err := rs.TypedAttrs(tc.in)
		if err == nil || err.Error() != tc.want {
			t.Errorf("TypedAttrs(%v) = %v, want %q", tc.in, err, tc.want)
		}
	}
}
