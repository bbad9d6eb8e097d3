package rules

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ParseAttr reads the stored text of an attribute declared as typ: int,
// float, string, bool, or time as RFC 3339 or unix seconds. AttrInput
// writes the canonical form of each (time as RFC 3339 in UTC); the other
// forms are read for values stored before it existed.
// TestAttrInputRoundTrip keeps the two in step. ok is false for text that
// does not parse, or an unknown type.
func ParseAttr(typ, raw string) (v any, ok bool) {
	switch typ {
	case "string":
		return raw, true
	case "int":
		n, err := strconv.Atoi(raw)
		return n, err == nil
	case "float":
		f, err := strconv.ParseFloat(raw, 64)
		return f, err == nil
	case "bool":
		b, err := strconv.ParseBool(raw)
		return b, err == nil
	case "time":
		if t, err := time.Parse(time.RFC3339, raw); err == nil {
			return t, true
		}
		n, err := strconv.ParseInt(raw, 10, 64)
		return time.Unix(n, 0), err == nil
	}
	return nil, false
}

// AttrType is the declared type of attribute name; a nil ruleset (no
// rules file) declares none.
func (rs *Ruleset) AttrType(name string) (typ string, ok bool) {
	if rs == nil {
		return "", false
	}
	for _, a := range rs.Attributes {
		if a.Name == name {
			return a.Type, true
		}
	}
	return "", false
}

// TypedAttrs checks attributes given as JSON values (rules test --user)
// against the declarations and converts them: JSON numbers to int or
// float, RFC 3339 strings to time. An undeclared name or a value of the
// wrong type is an error naming the attribute.
func (rs *Ruleset) TypedAttrs(in map[string]any) (map[string]any, error) {
	if len(in) == 0 {
		return in, nil
	}
	out := make(map[string]any, len(in))
	for name, v := range in {
		typ, ok := rs.AttrType(name)
		if !ok {
			return nil, fmt.Errorf("attrs.%s is not declared in the rules file's attributes", name)
		}
		var raw string
		switch x := v.(type) {
		case string:
			raw = x
		case float64:
			raw = strconv.FormatFloat(x, 'f', -1, 64)
		case bool:
			raw = strconv.FormatBool(x)
		default:
			return nil, fmt.Errorf("attrs.%s: want %s, got %T", name, withArticle(typ), v)
		}
		val, ok := ParseAttr(typ, raw)
		if !ok || typ == "string" && !isString(v) {
			return nil, fmt.Errorf("attrs.%s: want %s, got %v", name, withArticle(typ), v)
		}
		out[name] = val
	}
	return out, nil
}

func isString(v any) bool { _, ok := v.(string); return ok }

// withArticle puts "a" or "an" before a type's name: "an int", "a float".
func withArticle(typ string) string {
	if typ != "" && strings.ContainsRune("aeiou", rune(typ[0])) {
		return "an " + typ
	}
	return "a " + typ
}
