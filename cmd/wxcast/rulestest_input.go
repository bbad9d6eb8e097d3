package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/wxcast/wxcast/rules"
)

// jsonArg is the JSON a flag such as --user gives: inline when its
// first non-space character is "{", else the path of a file.
type jsonArg struct {
	name string // where errors point: the path, or the flag for inline JSON
	data []byte
}

func readJSONArg(flag, arg string) (jsonArg, error) {
	if s := strings.TrimSpace(arg); strings.HasPrefix(s, "{") {
		return jsonArg{name: flag, data: []byte(s)}, nil
	}
	data, err := os.ReadFile(arg)
	if err != nil {
		return jsonArg{}, fmt.Errorf("%s: %w (give a file, or inline JSON starting with {)", flag, err)
	}
	return jsonArg{name: arg, data: data}, nil
}

// decode decodes strictly: an unknown field is an error, so a misspelt
// profile field does not silently read as zero.
func (a jsonArg) decode(v any) error {
	dec := json.NewDecoder(bytes.NewReader(a.data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var syn *json.SyntaxError
		if errors.As(err, &syn) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			return fmt.Errorf("%s: not valid JSON: %w", a.name, err)
		}
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return fmt.Errorf("%s: field %q: want %s, got a JSON %s", a.name, te.Field, jsonKind(te.Type), te.Value)
		}
		var pe *time.ParseError
		if errors.As(err, &pe) {
			return fmt.Errorf("%s: %q is not a time as RFC 3339, e.g. 2026-12-01T10:00:00+08:00", a.name, pe.Value)
		}
		return fmt.Errorf("%s: %w", a.name, err)
	}
	return nil
}

// userFieldRef finds the user fields an expression reads: user.first_seen,
// user.attrs.vip_level, user.location.known.
var userFieldRef = regexp.MustCompile(`\buser\.([a-z0-9_]+)(?:\.([A-Za-z0-9_]+))?`)

// missingUserFields warns about the fields the given rules read that the
// test user's JSON leaves out: they read as their zero value, which a rule
// author may not expect (a missing first_seen is the year 1).
func missingUserFields(u jsonArg, user rules.User, sources []string) []string {
	var given map[string]json.RawMessage
	if json.Unmarshal(u.data, &given) != nil {
		return nil
	}
	var attrs map[string]json.RawMessage
	_ = json.Unmarshal(given["attrs"], &attrs)
	types := userFieldTypes()
	seen := map[string]bool{}
	var out []string
	for _, src := range sources {
		for _, m := range userFieldRef.FindAllStringSubmatch(src, -1) {
			field, sub := m[1], m[2]
			t, known := types[field]
			if !known || field == "attrs" && sub == "" {
				continue // the compiler refuses unknown fields; attrs are checked one by one
			}
			key := field
			if field == "attrs" && sub != "" {
				key = "attrs." + sub
			}
			if seen[key] {
				continue
			}
			seen[key] = true
			switch {
			case field == "attrs" && sub != "":
				if _, ok := attrs[sub]; !ok {
					out = append(out, fmt.Sprintf("user has no %s; reading it fails (the rule counts as false) unless the rule checks %q in user.attrs first", key, sub))
				}
			case given[field] != nil:
			case field == "days_since_active":
				out = append(out, fmt.Sprintf("user has no days_since_active; rules that read it see %d, worked out from last_active", user.DaysSinceActive))
			default:
				out = append(out, fmt.Sprintf("user has no %s; rules that read it see %s", field, zeroOf(t)))
			}
		}
	}
	slices.Sort(out)
	return out
}

// userFieldTypes maps user.* names to their Go types.
func userFieldTypes() map[string]reflect.Type {
	t := reflect.TypeFor[rules.User]()
	m := make(map[string]reflect.Type, t.NumField())
	for i := range t.NumField() {
		f := t.Field(i)
		if name, _, _ := strings.Cut(f.Tag.Get("json"), ","); name != "" {
			m[name] = f.Type
		}
	}
	return m
}

// zeroOf says what a missing field of type t reads as.
func zeroOf(t reflect.Type) string {
	switch {
	case t == reflect.TypeFor[time.Time]():
		return "0001-01-01 (the zero time)"
	case t == reflect.TypeFor[rules.Location]():
		return "an unknown location (known false)"
	}
	switch t.Kind() {
	case reflect.Bool:
		return "false"
	case reflect.Int, reflect.Int64, reflect.Float64:
		return "0"
	case reflect.String:
		return `""`
	case reflect.Slice:
		return "an empty list"
	case reflect.Map:
		return "an empty map (every entry missing, counts 0)"
	}
	return "the zero value"
}

// testedSources are the expressions a rules test evaluates.
func testedSources(rs *rules.Ruleset, withEvent bool) []string {
	var out []string
	if withEvent {
		for _, t := range rs.Tags {
			out = append(out, t.When.Source)
			if t.Unless != nil {
				out = append(out, t.Unless.Source)
			}
		}
		for _, r := range rs.Replies {
			out = append(out, r.When.Source)
		}
	}
	for _, s := range rs.Segments {
		out = append(out, s.Rule.Source)
	}
	return out
}
