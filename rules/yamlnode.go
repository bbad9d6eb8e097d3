package rules

import (
	"fmt"
	"slices"

	"gopkg.in/yaml.v3"

	"github.com/wxcast/wxcast/internal/yamlnode"
)

// decoder walks the YAML tree of a rules file, collecting problems
// instead of stopping at the first one.
type decoder struct {
	src      *source
	comp     *compiler
	problems []Problem
	// wechatTags are the wechat_tag entries met, for the account limit.
	wechatTags []wechatTagUse
}

type wechatTagUse struct {
	name string
	node *yaml.Node
	path string
}

func (d *decoder) add(n *yaml.Node, path, format string, args ...any) {
	d.problems = append(d.problems, Problem{Pos: d.src.at(n), Path: path, Msg: fmt.Sprintf(format, args...)})
}

// pair is one key and its (alias-resolved) value.
type pair struct {
	key, value *yaml.Node
}

// pairs returns the entries of mapping n, reporting repeated keys, which
// yaml.v3 accepts when decoding into a Node. ok is false when n is not a
// mapping.
func (d *decoder) pairs(n *yaml.Node, path string) ([]pair, bool) {
	n = yamlnode.Resolve(n)
	if n.Kind != yaml.MappingNode {
		d.add(n, path, "must be a mapping of keys, got %s", yamlnode.KindName(n))
		return nil, false
	}
	var out []pair
	first := make(map[string]int)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], yamlnode.Resolve(n.Content[i+1])
		if line, dup := first[k.Value]; dup {
			d.add(k, path, "duplicate key %q (first at line %d)", k.Value, line)
			continue
		}
		first[k.Value] = k.Line
		out = append(out, pair{k, v})
	}
	return out, true
}

// fields returns the values of mapping n by key, reporting unknown keys.
func (d *decoder) fields(n *yaml.Node, path string, allowed ...string) (map[string]*yaml.Node, bool) {
	ps, ok := d.pairs(n, path)
	if !ok {
		return nil, false
	}
	out := make(map[string]*yaml.Node, len(ps))
	for _, p := range ps {
		if !slices.Contains(allowed, p.key.Value) {
			d.add(p.key, path, "unknown key %q%s", p.key.Value, didYouMean(p.key.Value, allowed))
			continue
		}
		out[p.key.Value] = p.value
	}
	return out, true
}

// items returns the entries of sequence n; null gives none.
func (d *decoder) items(n *yaml.Node, path string) []*yaml.Node {
	if n == nil || yamlnode.IsNull(n) {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		d.add(n, path, "must be a list, got %s", yamlnode.KindName(n))
		return nil
	}
	out := make([]*yaml.Node, len(n.Content))
	for i, c := range n.Content {
		out[i] = yamlnode.Resolve(c)
	}
	return out
}

// str returns the text of scalar n; null and a missing n give "".
func (d *decoder) str(n *yaml.Node, path string) (string, bool) {
	switch {
	case n == nil || yamlnode.IsNull(n):
		return "", true
	case n.Kind != yaml.ScalarNode:
		d.add(n, path, "must be a single value, got %s", yamlnode.KindName(n))
		return "", false
	}
	return n.Value, true
}

// required returns the non-empty text of f[key], reporting it missing at
// the parent mapping.
func (d *decoder) required(f map[string]*yaml.Node, parent *yaml.Node, path, key string) (string, bool) {
	s, ok := d.str(f[key], path+"."+key)
	if ok && s == "" {
		d.add(parent, path, "missing %s", key)
		return "", false
	}
	return s, ok
}

// itemPath names the i-th entry of a list: section.<name> when it has a
// valid name, section[i] otherwise.
func itemPath(section string, i int, n *yaml.Node, maxLen int) string {
	if n.Kind == yaml.MappingNode {
		for j := 0; j+1 < len(n.Content); j += 2 {
			if n.Content[j].Value == "name" && validName(n.Content[j+1].Value, maxLen) {
				return section + "." + n.Content[j+1].Value
			}
		}
	}
	return fmt.Sprintf("%s[%d]", section, i)
}

// validName accepts [a-z][a-z0-9_]{0,maxLen-1}: names end up in Redis
// keys, metrics labels and CLI arguments.
func validName(s string, maxLen int) bool {
	if len(s) == 0 || len(s) > maxLen || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for _, c := range []byte(s) {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}
