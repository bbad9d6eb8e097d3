package configs

import (
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the generated key table in docs/configuration.md")

const (
	docPath  = "../docs/configuration.md"
	docBegin = "<!-- keys:begin — generated from configs/config.go; run: go test ./configs -run TestConfigurationDoc -update -->\n"
	docEnd   = "<!-- keys:end -->\n"
)

// TestConfigurationDoc fails when the key table of docs/configuration.md
// differs from what Config says: keys, env names, types, defaults and the
// field comments. Run with -update to regenerate it.
func TestConfigurationDoc(t *testing.T) {
	data, err := os.ReadFile(docPath)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	head, rest, ok1 := strings.Cut(doc, docBegin)
	_, tail, ok2 := strings.Cut(rest, docEnd)
	if !ok1 || !ok2 {
		t.Fatalf("%s lacks the markers %q and %q", docPath, docBegin, docEnd)
	}
	table := keyTable(t)
	want := head + docBegin + table + docEnd + tail
	if *update {
		if err := os.WriteFile(docPath, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if doc != want {
		t.Errorf("%s is out of date; run: go test ./configs -run TestConfigurationDoc -update\nwant table:\n%s", docPath, table)
	}
	for _, s := range []string{EnvConfig, envName("admins"), "redis+sentinel://", "redis+cluster://", "rediss://"} {
		if !strings.Contains(doc, s) {
			t.Errorf("%s does not mention %s", docPath, s)
		}
	}
}

// keyTable renders one Markdown row per key, in declaration order.
func keyTable(t *testing.T) string {
	comments := fieldComments(t, "config.go")
	def := reflect.ValueOf(Default())
	var b strings.Builder
	b.WriteString("| Key | Environment variable | Type | Default | Meaning |\n|---|---|---|---|---|\n")
	for _, l := range leaves() {
		meaning := comments[l.owner.Name()+"."+l.field.Name]
		if meaning == "" {
			t.Errorf("%s.%s (%s) has no doc comment in config.go", l.owner.Name(), l.field.Name, l.key)
		}
		fmt.Fprintf(&b, "| `%s` | `%s` | %s | %s | %s |\n",
			l.key, l.env, typeName(l.field.Type), defaultText(def.FieldByIndex(l.index)),
			strings.ReplaceAll(meaning, "|", `\|`))
		if ft := l.field.Type; ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct && ft != reflect.TypeFor[ClockRanges]() {
			itemRows(t, &b, l, comments)
		}
	}
	return b.String()
}

// itemRows renders one row per key of an item of list l, such as
// admins[].openid. Items have no default and no variable of their own:
// the list's variable holds them all.
func itemRows(t *testing.T, b *strings.Builder, l leaf, comments map[string]string) {
	item := l.field.Type.Elem()
	for i := range item.NumField() {
		f := item.Field(i)
		name, ok := yamlName(f)
		if !ok {
			continue
		}
		meaning := comments[item.Name()+"."+f.Name]
		if meaning == "" {
			t.Errorf("%s.%s (%s[].%s) has no doc comment in config.go", item.Name(), f.Name, l.key, name)
		}
		fmt.Fprintf(b, "| `%s[].%s` | in `%s` | %s | — | %s |\n",
			l.key, name, l.env, typeName(f.Type), strings.ReplaceAll(meaning, "|", `\|`))
	}
}

// fieldComments maps "Type.Field" to the field's doc comment, on one line.
func fieldComments(t *testing.T, file string) map[string]string {
	f, err := parser.ParseFile(token.NewFileSet(), file, nil, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	out := make(map[string]string)
	ast.Inspect(f, func(n ast.Node) bool {
		ts, ok := n.(*ast.TypeSpec)
		if !ok {
			return true
		}
		st, ok := ts.Type.(*ast.StructType)
		if !ok {
			return false
		}
		for _, fld := range st.Fields.List {
			for _, name := range fld.Names {
				out[ts.Name.Name+"."+name.Name] = strings.Join(strings.Fields(fld.Doc.Text()), " ")
			}
		}
		return false
	})
	return out
}

func typeName(t reflect.Type) string {
	switch t {
	case reflect.TypeFor[Secret]():
		return "secret"
	case reflect.TypeFor[Duration]():
		return "duration"
	case reflect.TypeFor[ClockRange]():
		return "time range"
	case reflect.TypeFor[ClockRanges]():
		return "list of time ranges"
	}
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Float32, reflect.Float64:
		return "number"
	case reflect.Slice:
		if t.Elem().Kind() == reflect.String {
			return "list of strings"
		}
		return "list"
	}
	return "integer"
}

func defaultText(v reflect.Value) string {
	switch x := v.Interface().(type) {
	case Duration:
		return "`" + shortDuration(x.Duration) + "`"
	case ClockRange:
		return "`" + x.String() + "`"
	case ClockRanges:
		b, _ := x.MarshalText()
		return "`" + string(b) + "`"
	case Secret:
		return defaultText(reflect.ValueOf(x.Value()))
	case string:
		if x == "" {
			return "*empty*"
		}
		return "`" + x + "`"
	}
	return fmt.Sprintf("`%v`", v.Interface())
}

// shortDuration writes 5m0s as 5m and 1h0m0s as 1h.
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
