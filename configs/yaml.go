package configs

import (
	"fmt"
	"reflect"

	"gopkg.in/yaml.v3"

	"github.com/wxcast/wxcast/internal/yamlnode"
)

// fileDecoder walks a YAML node tree against Config's yaml tags, so that
// an unknown key can be named by its full dotted path and every bad value
// is reported, not just the first.
type fileDecoder struct {
	file    string
	origins map[string]origin
	errs    []error
}

func (d *fileDecoder) decode(root *yaml.Node, cfg *Config) {
	if root == nil {
		return
	}
	d.section(root, reflect.ValueOf(cfg).Elem(), "")
}

func (d *fileDecoder) errorf(line int, format string, args ...any) {
	d.errs = append(d.errs, fmt.Errorf("%s:%d: %s", d.file, line, fmt.Sprintf(format, args...)))
}

// section decodes mapping n into struct v, whose dotted key is prefix.
func (d *fileDecoder) section(n *yaml.Node, v reflect.Value, prefix string) {
	n = yamlnode.Resolve(n)
	if yamlnode.IsNull(n) {
		return
	}
	if n.Kind != yaml.MappingNode {
		what := "the top level"
		if prefix != "" {
			what = fmt.Sprintf("%q", prefix)
		}
		d.errorf(n.Line, "%s must be a mapping of keys, got %s", what, yamlnode.KindName(n))
		return
	}
	seen := make(map[string]int)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		key := joinKey(prefix, k.Value)
		if first, dup := seen[k.Value]; dup {
			d.errorf(k.Line, "duplicate key %q (first at line %d)", key, first)
			continue
		}
		seen[k.Value] = k.Line
		idx, ok := fieldByKey(v.Type(), k.Value)
		if !ok {
			d.errs = append(d.errs, fmt.Errorf("%s:%d: %w %q%s",
				d.file, k.Line, ErrUnknownKey, key, didYouMean(key, siblingKeys(v.Type(), prefix))))
			continue
		}
		f := v.Field(idx)
		if isLeaf(f.Type()) {
			d.value(val, f, key)
		} else {
			d.section(val, f, key)
		}
	}
}

// value decodes scalar n into leaf v. A null value (`key:` or `key: ~`)
// keeps the default.
func (d *fileDecoder) value(n *yaml.Node, v reflect.Value, key string) {
	n = yamlnode.Resolve(n)
	if yamlnode.IsNull(n) {
		return
	}
	o := origin{file: d.file, line: n.Line}
	if v.Kind() == reflect.Slice {
		d.list(n, v, key, o)
		return
	}
	if n.Kind != yaml.ScalarNode {
		d.errs = append(d.errs, o.fieldError(key, fmt.Errorf("must be a single value, got %s", yamlnode.KindName(n))))
		return
	}
	if err := setLeaf(v, n.Value); err != nil {
		d.errs = append(d.errs, o.fieldError(key, err))
		return
	}
	d.origins[key] = o
}

// list decodes sequence n into slice v, replacing the default. Item i is
// keyed key[i] ("admins[1]", whose roles are "admins[1].roles"), so that
// errors and origins can name it.
func (d *fileDecoder) list(n *yaml.Node, v reflect.Value, key string, o origin) {
	if n.Kind != yaml.SequenceNode {
		d.errs = append(d.errs, o.fieldError(key, fmt.Errorf("must be a list, got %s", yamlnode.KindName(n))))
		return
	}
	items := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
	for i, item := range n.Content {
		itemKey := fmt.Sprintf("%s[%d]", key, i)
		if isLeaf(items.Index(i).Type()) {
			d.value(item, items.Index(i), itemKey)
			continue
		}
		d.origins[itemKey] = origin{file: d.file, line: yamlnode.Resolve(item).Line}
		d.section(item, items.Index(i), itemKey)
	}
	v.Set(items)
	d.origins[key] = o
}

// siblingKeys lists the dotted keys of struct t, a section at prefix.
func siblingKeys(t reflect.Type, prefix string) []string {
	var keys []string
	for i := range t.NumField() {
		if name, ok := yamlName(t.Field(i)); ok {
			keys = append(keys, joinKey(prefix, name))
		}
	}
	return keys
}
