package configs

import (
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"strconv"
	"strings"
)

const (
	// EnvPrefix starts the name of every environment variable that
	// overrides a key: EnvPrefix + "WECHAT_APP_SECRET" sets wechat.app_secret.
	EnvPrefix = "WXCAST_"
	// EnvConfig is the environment variable cmd reads the config file path
	// from. It is the one WXCAST_ variable that names no key.
	EnvConfig = EnvPrefix + "CONFIG"
)

// leaf is one settable key of Config, found by walking its yaml tags.
type leaf struct {
	key   string // dotted YAML path, e.g. "wechat.app_id"
	env   string // e.g. "WXCAST_WECHAT_APP_ID"
	index []int  // reflect index path from Config
	owner reflect.Type
	field reflect.StructField
}

// envName derives the environment variable that overrides key.
func envName(key string) string {
	return EnvPrefix + strings.ToUpper(strings.ReplaceAll(key, ".", "_"))
}

// leaves lists every key of Config in declaration order.
func leaves() []leaf {
	var out []leaf
	var walk func(t reflect.Type, prefix string, index []int)
	walk = func(t reflect.Type, prefix string, index []int) {
		for i := range t.NumField() {
			f := t.Field(i)
			name, ok := yamlName(f)
			if !ok {
				continue
			}
			key := joinKey(prefix, name)
			idx := append(append([]int(nil), index...), i)
			if isLeaf(f.Type) {
				out = append(out, leaf{key: key, env: envName(key), index: idx, owner: t, field: f})
				continue
			}
			walk(f.Type, key, idx)
		}
	}
	walk(reflect.TypeFor[Config](), "", nil)
	return out
}

// yamlName returns the key a struct field is read from, as yaml.v3 does,
// and false for fields YAML ignores.
func yamlName(f reflect.StructField) (string, bool) {
	if !f.IsExported() {
		return "", false
	}
	name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
	switch name {
	case "-":
		return "", false
	case "":
		return strings.ToLower(f.Name), true
	}
	return name, true
}

// fieldByKey finds the field of struct type t read from YAML key name.
func fieldByKey(t reflect.Type, name string) (int, bool) {
	for i := range t.NumField() {
		if n, ok := yamlName(t.Field(i)); ok && n == name {
			return i, true
		}
	}
	return 0, false
}

func joinKey(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}

// isLeaf reports whether t holds one value rather than a section of keys.
func isLeaf(t reflect.Type) bool {
	return t.Kind() != reflect.Struct || reflect.PointerTo(t).Implements(reflect.TypeFor[encoding.TextUnmarshaler]())
}

// setLeaf parses raw into v, a settable leaf value; a list (admins) is
// read as JSON. Errors never contain raw for string-typed values, which
// may be secrets.
func setLeaf(v reflect.Value, raw string) error {
	if u, ok := v.Addr().Interface().(encoding.TextUnmarshaler); ok {
		return u.UnmarshalText([]byte(raw))
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(raw)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, err := strconv.ParseInt(strings.TrimSpace(raw), 10, v.Type().Bits())
		if errors.Is(err, strconv.ErrRange) {
			return fmt.Errorf("out of range: %q", raw)
		}
		if err != nil {
			return fmt.Errorf("not an integer: %q", raw)
		}
		v.SetInt(n)
	case reflect.Bool:
		b, err := strconv.ParseBool(strings.TrimSpace(raw))
		if err != nil {
			return fmt.Errorf("not true or false: %q", raw)
		}
		v.SetBool(b)
	case reflect.Float32, reflect.Float64:
		f, err := strconv.ParseFloat(strings.TrimSpace(raw), v.Type().Bits())
		// ParseFloat accepts "NaN" and "Inf", which no range check can
		// catch later (NaN compares false with everything).
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return fmt.Errorf("not a number: %q", raw)
		}
		v.SetFloat(f)
	case reflect.Slice:
		return setJSONList(v, raw)
	default:
		return fmt.Errorf("configs: unsupported field type %s", v.Type())
	}
	return nil
}

// setJSONList parses raw, a JSON list, into slice v. The environment has
// no YAML, and JSON is the list syntax every shell and secret manager can
// hold in one variable. Like the YAML file, it refuses unknown keys.
func setJSONList(v reflect.Value, raw string) error {
	dec := json.NewDecoder(strings.NewReader(raw))
	dec.DisallowUnknownFields()
	list := reflect.New(v.Type())
	err := dec.Decode(list.Interface())
	if err == nil {
		if _, extra := dec.Token(); !errors.Is(extra, io.EOF) {
			err = errors.New("data after the list")
		}
	}
	if err != nil {
		return fmt.Errorf("not a JSON list such as %s: %w", jsonListExample(v.Type()), err)
	}
	v.Set(list.Elem())
	return nil
}

// jsonListExample shows the JSON expected for a list of type t.
func jsonListExample(t reflect.Type) string {
	if t == reflect.TypeFor[[]Admin]() {
		return `[{"openid":"o1","name":"Li","roles":["owner"]}]`
	}
	return "[...]"
}
