package rules

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/wxcast/wxcast/internal/openid"
)

// MaxAttrString is the longest string attribute accepted, in bytes.
const MaxAttrString = 1024

// MaxOpenID is the longest openid accepted, in bytes.
const MaxOpenID = openid.Max

// AttrError is a value, or an attribute name, that cannot be stored: Attr
// names the attribute as given, Reason says what was wrong.
type AttrError struct {
	Attr   string
	Reason string
}

func (e *AttrError) Error() string { return "attribute " + e.Attr + ": " + e.Reason }

// AttrInput converts incoming values of one declared attribute to the
// canonical text the store keeps, the text ParseAttr reads back. The same
// value always gives the same text, so importing a file twice changes
// nothing the second time.
type AttrInput struct {
	Name string
	Type string // int, float, string, time or bool
}

// AttrInput returns the converter of attribute name, or an *AttrError
// when the rules file does not declare it (with a suggestion for a near
// miss). A nil ruleset declares nothing.
func (rs *Ruleset) AttrInput(name string) (AttrInput, error) {
	if rs != nil {
		if typ, ok := rs.AttrType(name); ok {
			return AttrInput{Name: name, Type: typ}, nil
		}
	}
	var names []string
	if rs != nil {
		for _, a := range rs.Attributes {
			names = append(names, a.Name)
		}
	}
	hint := didYouMean(name, names)
	if hint == "" {
		hint = ": declare it under attributes in the rules file"
	}
	return AttrInput{}, &AttrError{name, "not declared in the rules file" + hint}
}

// FromText converts a text cell (CSV). An empty cell, or one of only
// spaces for a type other than string, leaves the attribute unchanged:
// set is false. Numbers, booleans and times may be surrounded by spaces;
// a bool is true, false, 1 or 0 in any case (spreadsheets write TRUE);
// a time is RFC 3339 or unix seconds.
func (in AttrInput) FromText(cell string) (value string, set bool, err error) {
	if in.Type == "string" {
		if cell == "" {
			return "", false, nil
		}
		v, err := in.checkString(cell)
		return v, err == nil, err
	}
	s := strings.TrimSpace(cell)
	if s == "" {
		return "", false, nil
	}
	switch in.Type {
	case "int":
		v, err := in.intText(s)
		return v, err == nil, err
	case "float":
		v, err := in.floatText(s)
		return v, err == nil, err
	case "bool":
		switch strings.ToLower(s) {
		case "true", "1":
			return "true", true, nil
		case "false", "0":
			return "false", true, nil
		}
		return "", false, in.errorf("want a bool (true, false, 1 or 0), got %q", clip(s))
	case "time":
		v, err := in.timeText(s)
		return v, err == nil, err
	}
	return "", false, in.errorf("unknown type %s", in.Type)
}

// FromJSON converts a value decoded from JSON (with or without
// json.Decoder.UseNumber). null deletes the attribute: the result is ""
// and del is true. Types must match: an int or float is a JSON number (an
// int without fraction or exponent), a bool is true or false, a string is
// a string, and a time is an RFC 3339 string or a number of unix seconds.
func (in AttrInput) FromJSON(v any) (value string, del bool, err error) {
	if v == nil {
		return "", true, nil
	}
	num, isNum := jsonNumber(v)
	switch in.Type {
	case "int":
		if isNum {
			value, err = in.intText(num)
			return value, false, err
		}
	case "float":
		if isNum {
			value, err = in.floatText(num)
			return value, false, err
		}
	case "bool":
		if b, ok := v.(bool); ok {
			return strconv.FormatBool(b), false, nil
		}
	case "string":
		if s, ok := v.(string); ok {
			value, err = in.checkString(s)
			return value, false, err
		}
	case "time":
		if s, ok := v.(string); ok {
			value, err = in.rfc3339Text(s)
			return value, false, err
		}
		if isNum {
			value, err = in.unixText(num)
			return value, false, err
		}
	default:
		return "", false, in.errorf("unknown type %s", in.Type)
	}
	return "", false, in.errorf("want %s, got %s", wantJSON(in.Type), describeJSON(v))
}

// AttrsFromJSON converts a JSON object of attribute → value, as decoded
// with json.Decoder.UseNumber. The result maps each attribute to its
// canonical text, "" for null (delete). The first problem, in name order,
// is returned as an *AttrError.
func (rs *Ruleset) AttrsFromJSON(obj map[string]any) (map[string]string, error) {
	out := make(map[string]string, len(obj))
	var errs []error
	for name, v := range obj {
		in, err := rs.AttrInput(name)
		if err == nil {
			out[name], _, err = in.FromJSON(v)
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return nil, firstByName(errs)
	}
	return out, nil
}

// firstByName picks the error of the alphabetically first attribute, so
// that the same object always reports the same problem.
func firstByName(errs []error) error {
	best := errs[0]
	for _, e := range errs[1:] {
		var a, b *AttrError
		if errors.As(e, &a) && errors.As(best, &b) && a.Attr < b.Attr {
			best = e
		}
	}
	return best
}

func (in AttrInput) errorf(format string, args ...any) error {
	return &AttrError{in.Name, fmt.Sprintf(format, args...)}
}

func (in AttrInput) intText(s string) (string, error) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		if errors.Is(err, strconv.ErrRange) {
			return "", in.errorf("%s is out of range for an int", clip(s))
		}
		return "", in.errorf("want an int (a whole number in decimal digits), got %s", clip(s))
	}
	return strconv.FormatInt(n, 10), nil
}

func (in AttrInput) floatText(s string) (string, error) {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) || strings.ContainsAny(s, "xXpP_") {
		return "", in.errorf("want a float (a finite decimal number), got %s", clip(s))
	}
	return strconv.FormatFloat(f, 'g', -1, 64), nil
}

func (in AttrInput) timeText(s string) (string, error) {
	if _, err := strconv.ParseInt(s, 10, 64); err == nil {
		return in.unixText(s)
	}
	return in.rfc3339Text(s)
}

func (in AttrInput) rfc3339Text(s string) (string, error) {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return "", in.errorf("want a time as RFC 3339 (2026-05-01T08:00:00+08:00) or unix seconds, got %s", clip(strconv.Quote(s)))
	}
	return in.canonicalTime(t)
}

func (in AttrInput) unixText(s string) (string, error) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return "", in.errorf("want a time as RFC 3339 (2026-05-01T08:00:00+08:00) or unix seconds, got %s", clip(s))
	}
	return in.canonicalTime(time.Unix(n, 0))
}

// canonicalTime is RFC 3339 in UTC, to the second: what ParseAttr reads
// back. Years outside 1 to 9999 have no RFC 3339 form.
func (in AttrInput) canonicalTime(t time.Time) (string, error) {
	t = t.UTC().Truncate(time.Second)
	if y := t.Year(); y < 1 || y > 9999 {
		return "", in.errorf("time %s is outside the years 1 to 9999", t.Format(time.RFC3339))
	}
	return t.Format(time.RFC3339), nil
}

func (in AttrInput) checkString(s string) (string, error) {
	switch {
	case len(s) > MaxAttrString:
		return "", in.errorf("string of %d bytes, longer than %d", len(s), MaxAttrString)
	case !utf8.ValidString(s):
		return "", in.errorf("not valid UTF-8 (save the file as UTF-8)")
	case strings.ContainsAny(s, "\x1e\x1f"):
		return "", in.errorf("contains a control byte \\x1e or \\x1f, which cannot be stored")
	}
	return s, nil
}

// jsonNumber returns the text of a JSON number, decoded as json.Number or
// float64.
func jsonNumber(v any) (string, bool) {
	switch n := v.(type) {
	case json.Number:
		return string(n), true
	case float64:
		return strconv.FormatFloat(n, 'f', -1, 64), true
	}
	return "", false
}

func wantJSON(typ string) string {
	switch typ {
	case "int":
		return "an int (a JSON number without fraction)"
	case "float":
		return "a float (a JSON number)"
	case "bool":
		return "a bool (true or false)"
	case "time":
		return "a time (an RFC 3339 string or a number of unix seconds)"
	}
	return "a string"
}

func describeJSON(v any) string {
	switch x := v.(type) {
	case string:
		return "the string " + clip(strconv.Quote(x))
	case bool:
		return strconv.FormatBool(x)
	case json.Number, float64:
		n, _ := jsonNumber(x)
		return "the number " + clip(n)
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	}
	return fmt.Sprintf("%T", v)
}

// clip shortens a value quoted in an error message.
func clip(s string) string {
	if len(s) <= 40 {
		return s
	}
	i := 37
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "..."
}

// CheckOpenID reports whether s can be an openid: 1 to 64 bytes of
// [A-Za-z0-9_-], as WeChat issues them (28 characters today).
func CheckOpenID(s string) error { return openid.Check(s) }
