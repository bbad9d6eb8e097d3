package rules

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/expr-lang/expr/vm"
)

// fill sets every field of v, recursively, to a distinct non-zero value,
// so that reading the wrong field cannot go unnoticed.
func fill(v reflect.Value, seed *int) {
	*seed++
	n := *seed
	switch {
	case v.Type() == reflect.TypeFor[time.Time]():
		v.Set(reflect.ValueOf(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(n) * time.Hour)))
	case v.Kind() == reflect.Struct:
		for i := range v.NumField() {
			fill(v.Field(i), seed)
		}
	case v.Kind() == reflect.Bool:
		v.SetBool(true)
	case v.Kind() == reflect.Int:
		v.SetInt(int64(n))
	case v.Kind() == reflect.Float64:
		v.SetFloat(float64(n) + 0.5)
	case v.Kind() == reflect.String:
		v.SetString(fmt.Sprintf("s%d", n))
	case v.Type() == reflect.TypeFor[[]string]():
		v.Set(reflect.ValueOf([]string{"x", fmt.Sprint(n)}))
	case v.Type() == reflect.TypeFor[map[string]int]():
		v.Set(reflect.ValueOf(map[string]int{"text": n}))
	case v.Type() == reflect.TypeFor[map[string]any]():
		v.Set(reflect.ValueOf(map[string]any{"k": n}))
	default:
		panic("fill: add a case for " + v.Type().String())
	}
}

// envField is one field of Env reachable from an expression.
type envField struct {
	path  string // e.g. user.location.known
	field reflect.StructField
	value any // the Go value in the filled Env
}

func envFields(v reflect.Value, prefix string) []envField {
	var out []envField
	for i := range v.NumField() {
		f := v.Type().Field(i)
		path := strings.TrimPrefix(prefix+"."+f.Tag.Get("expr"), ".")
		out = append(out, envField{path, f, v.Field(i).Interface()})
		if f.Type.Kind() == reflect.Struct && f.Type != reflect.TypeFor[time.Time]() {
			out = append(out, envFields(v.Field(i), path)...)
		}
	}
	return out
}

func TestEveryEnvFieldIsReachable(t *testing.T) {
	t.Parallel()
	env := &Env{}
	seed := 0
	fill(reflect.ValueOf(env).Elem(), &seed)
	c := newCompiler(Options{}, nil)
	var m vm.VM
	for _, f := range envFields(reflect.ValueOf(env).Elem(), "") {
		t.Run(f.path, func(t *testing.T) {
			prog, _, errs := c.compile(f.path, false, false)
			if errs != nil {
				t.Fatalf("compile: %v", errs)
			}
			got, err := m.Run(prog, env)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, f.value) {
				t.Errorf("read %#v, want %#v", got, f.value)
			}
		})
	}
}

// TestEnvTags checks the tags every field needs: the json name equals the
// expr name, so `rules test` can read a profile from JSON, and the manual
// has a description and an example, which must compile as a rule.
func TestEnvTags(t *testing.T) {
	t.Parallel()
	for _, f := range envFields(reflect.ValueOf(Env{}), "") {
		name, json := f.field.Tag.Get("expr"), f.field.Tag.Get("json")
		if name == "" || json != name {
			t.Errorf("%s: expr %q, json %q", f.path, name, json)
		}
		if f.field.Tag.Get("doc") == "" {
			t.Errorf("%s: no doc tag", f.path)
		}
		ex := f.field.Tag.Get("example")
		if ex == "" && strings.Contains(f.path, ".") {
			t.Errorf("%s: no example tag", f.path)
			continue
		}
		if ex == "" {
			continue
		}
		src := "attributes: {vip_level: int}\ntags:\n  - name: t\n    when: |\n      " + ex + "\n"
		if _, err := Parse("example.yaml", []byte(src), Options{}); err != nil {
			t.Errorf("%s: example %q: %v", f.path, ex, err)
		}
	}
}
