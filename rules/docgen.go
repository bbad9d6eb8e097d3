package rules

import (
	"fmt"
	"reflect"
	"strings"
	"time"
)

// Doc returns the reference manual of the rules file, docs/rules.md. The
// field tables come from the doc and example struct tags of Env, the
// helper table from the functions actually registered, and the error
// example from running Parse on a broken file, so none of them can drift
// from the code.
func Doc() string {
	var b strings.Builder
	b.WriteString(docIntro)
	b.WriteString(docFormat)
	b.WriteString("## Expression environment\n\n" + docEnvIntro)
	writeFields(&b, "user", reflect.TypeFor[User]())
	writeFields(&b, "user.location", reflect.TypeFor[Location]())
	writeFields(&b, "event", reflect.TypeFor[Event]())
	writeEventTypes(&b)
	writeHelpers(&b)
	b.WriteString(docAttributes)
	b.WriteString(docSemantics)
	fmt.Fprintf(&b, docLimitsFormat, DefaultMaxFileSize, DefaultMaxRules, DefaultMaxExprLen, DefaultMaxDepth,
		DefaultMaxRuleCost, DefaultMaxFileCost)
	writeErrors(&b)
	b.WriteString(docTools)
	b.WriteString(docRecipes)
	return b.String()
}

func writeFields(b *strings.Builder, path string, t reflect.Type) {
	fmt.Fprintf(b, "### %s\n\n", path)
	b.WriteString("| Name | Type | Description | Example |\n|---|---|---|---|\n")
	for i := range t.NumField() {
		f := t.Field(i)
		fmt.Fprintf(b, "| `%s.%s` | %s | %s | `%s` |\n", path, f.Tag.Get("expr"),
			typeName(f.Type), cell(f.Tag.Get("doc")), cell(f.Tag.Get("example")))
	}
	b.WriteString("\n")
}

func writeEventTypes(b *strings.Builder) {
	b.WriteString("## Event types\n\n" + docEventIntro)
	b.WriteString("| event.type | Callback |\n|---|---|\n")
	for _, t := range EventTypes() {
		fmt.Fprintf(b, "| `%s` | %s |\n", t.Name, cell(t.Doc))
	}
	b.WriteString("\n")
}

func writeHelpers(b *strings.Builder) {
	b.WriteString("## Functions\n\n" + docHelpersIntro)
	b.WriteString("| Function | Description |\n|---|---|\n")
	for _, h := range helpers() {
		fmt.Fprintf(b, "| `%s` | %s |\n", h.Sig, cell(h.Doc))
	}
	b.WriteString("\n")
}

// writeErrors shows real output of Parse, so the documented format is
// the implemented one.
func writeErrors(b *strings.Builder) {
	b.WriteString("## Errors\n\n" + docErrorsIntro)
	b.WriteString("```yaml\n" + docBrokenFile + "```\n\ngives\n\n```\n")
	_, err := Parse("rules.yaml", []byte(docBrokenFile), Options{})
	if err != nil {
		b.WriteString(err.Error() + "\n")
	}
	b.WriteString("```\n\n")
}

// typeName names a Go type the way the manual speaks of expr values.
func typeName(t reflect.Type) string {
	switch t {
	case reflect.TypeFor[time.Time]():
		return "time"
	case reflect.TypeFor[time.Duration]():
		return "duration"
	case reflect.TypeFor[Location]():
		return "location"
	}
	switch t.Kind() {
	case reflect.Slice:
		return "list of " + typeName(t.Elem())
	case reflect.Map:
		return "map of string to " + typeName(t.Elem())
	case reflect.Interface:
		return "declared type"
	case reflect.Float64:
		return "float"
	}
	return t.Kind().String()
}

// cell escapes text for a Markdown table cell.
func cell(s string) string {
	return strings.ReplaceAll(s, "|", `\|`)
}
