package rules

import (
	"fmt"
	"reflect"
	"regexp"
	"strings"

	"github.com/expr-lang/expr/builtin"
)

// Patterns of expr's checker messages that friendly rewrites. Anything
// else keeps expr's own wording, which is good enough for syntax errors.
func messagePatterns() (unknownName, noField *regexp.Regexp) {
	return regexp.MustCompile(`^unknown name (\S+)$`),
		regexp.MustCompile(`^type (\S+) has no field (\S+)$`)
}

// structPaths maps the Go type names expr prints to the expression that
// reaches a value of that type, so that "type rules.User has no field
// vipp" can become "unknown name user.vipp".
func structPaths() map[string]reflect.Type {
	return map[string]reflect.Type{
		"user":          reflect.TypeFor[User](),
		"event":         reflect.TypeFor[Event](),
		"user.location": reflect.TypeFor[Location](),
	}
}

// friendly rewrites the message of an error expr located at runes
// [from, to) of src.
func friendly(src string, from, to int, msg string) string {
	unknownName, noField := messagePatterns()
	if m := unknownName.FindStringSubmatch(msg); m != nil {
		if followedByParen(src, to) {
			return "unknown function " + m[1] + didYouMean(m[1], functionNames())
		}
		return "unknown name " + m[1] + topLevelHint(m[1])
	}
	if m := noField.FindStringSubmatch(msg); m != nil {
		for path, t := range structPaths() {
			if t.String() == m[1] {
				hint := formatHint(prefixed(path+".", suggestions(m[2], exprNames(t))))
				return fmt.Sprintf("unknown name %s.%s%s", path, m[2], hint)
			}
		}
	}
	if msg == "unexpected token EOF" {
		return "unexpected end of expression"
	}
	return msg
}

// friendlyWhole rewrites an error about the expression as a whole.
func friendlyWhole(msg string, maxNodes uint) string {
	if got, ok := strings.CutPrefix(msg, "expected bool, but got "); ok {
		return "must be a boolean expression (true or false), got " + strings.ReplaceAll(got, "interface {}", "any")
	}
	if strings.Contains(msg, "exceeds maximum allowed nodes") {
		return fmt.Sprintf("expression is too large: more than %d syntax nodes", maxNodes)
	}
	return msg
}

// topLevelHint suggests user.X or event.X when X is one of their fields
// written without its prefix, and otherwise a close top-level name.
func topLevelHint(name string) string {
	for _, path := range []string{"user", "event"} {
		for _, f := range exprNames(structPaths()[path]) {
			if f == name {
				return " (did you mean " + path + "." + name + "?)"
			}
		}
	}
	return didYouMean(name, append([]string{"user", "event"}, helperNames()...))
}

func followedByParen(src string, to int) bool {
	rs := []rune(src)
	for i := to; i < len(rs); i++ {
		if rs[i] != ' ' && rs[i] != '\t' && rs[i] != '\n' {
			return rs[i] == '('
		}
	}
	return false
}

// exprNames lists the expr names of the fields of struct t.
func exprNames(t reflect.Type) []string {
	var names []string
	for i := range t.NumField() {
		if n := t.Field(i).Tag.Get("expr"); n != "" {
			names = append(names, n)
		}
	}
	return names
}

func helperNames() []string {
	var names []string
	for _, h := range helpers() {
		names = append(names, h.Name)
	}
	return names
}

// functionNames lists what a call may name: our helpers and expr's
// builtins (len, filter, upper, ...).
func functionNames() []string {
	names := helperNames()
	for _, n := range builtin.Names {
		if n != "now" {
			names = append(names, n)
		}
	}
	return names
}

func prefixed(prefix string, names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = prefix + n
	}
	return out
}
