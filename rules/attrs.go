package rules

import (
	"fmt"
	"time"

	"github.com/expr-lang/expr/ast"
)

// attrType is one type an attribute can be declared with. Each has a
// typed accessor function, attr_<name>, so that the checker knows that
// user.attrs.vip_level is an int and rejects `user.attrs.city > 3`.
type attrType struct {
	Name    string
	GoType  string
	Sig     any // signature of the accessor, for the checker
	Convert func(v any) (any, bool)
}

func attrTypes() []attrType {
	return []attrType{
		{"int", "int", new(func(map[string]any, string) int), toInt},
		{"float", "float64", new(func(map[string]any, string) float64), toFloat},
		{"string", "string", new(func(map[string]any, string) string), is[string]},
		{"time", "time.Time", new(func(map[string]any, string) time.Time), is[time.Time]},
		{"bool", "bool", new(func(map[string]any, string) bool), is[bool]},
	}
}

func attrTypeNames() []string {
	var names []string
	for _, t := range attrTypes() {
		names = append(names, t.Name)
	}
	return names
}

func is[T any](v any) (any, bool) {
	_, ok := v.(T)
	return v, ok
}

func toInt(v any) (any, bool) {
	switch n := v.(type) {
	case int:
		return n, true
	case int64:
		return int(n), true
	}
	return nil, false
}

// toFloat also accepts integers: a profile loader that reads 100 from
// JSON or Redis should not make `total_spend > 99.5` fail.
func toFloat(v any) (any, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	}
	return nil, false
}

// accessor returns attr_<t.Name>, which reads one attribute and fails when
// it is missing: a rule about vip_level says nothing about a follower
// whose level is unknown, so the caller counts it as false.
func (t attrType) accessor() func(args ...any) (any, error) {
	return func(args ...any) (any, error) {
		m, _ := args[0].(map[string]any)
		name, _ := args[1].(string)
		v, ok := m[name]
		if !ok || v == nil {
			return nil, fmt.Errorf("attribute %s is not set", name)
		}
		out, ok := t.Convert(v)
		if !ok {
			return nil, fmt.Errorf("attribute %s holds %T, declared %s", name, v, t.Name)
		}
		return out, nil
	}
}

// attrPatch is an expr visitor run before type checking. It rewrites
// user.attrs.<name> and user.attrs["<name>"] into typed accessor calls,
// and flags uses of `event` in segment rules. Problems are collected here
// because a visitor cannot return errors.
type attrPatch struct {
	attrs    map[string]string // declared attribute name → type name
	declared []string
	noEvent  bool
	errs     []exprError
	used     []string // attributes read, in order of appearance
}

func (p *attrPatch) Visit(node *ast.Node) {
	switch n := (*node).(type) {
	case *ast.IdentifierNode:
		if p.noEvent && n.Value == "event" {
			p.errorf(n, "event is not available in a segment rule: segments select followers by user only")
		}
	case *ast.MemberNode:
		if isUserAttrs(n.Node) {
			p.rewrite(node, n)
		}
	}
}

func (p *attrPatch) rewrite(node *ast.Node, n *ast.MemberNode) {
	prop, ok := n.Property.(*ast.StringNode)
	if !ok {
		p.errorf(n.Property, "an attribute must be named by a constant, e.g. user.attrs.vip_level")
		return
	}
	typ, ok := p.attrs[prop.Value]
	if !ok {
		hint := didYouMean(prop.Value, p.declared)
		if hint == "" {
			hint = ": declare it under attributes"
		}
		p.errorf(n.Property, "unknown attribute user.attrs.%s%s", prop.Value, hint)
		return
	}
	p.used = append(p.used, prop.Value)
	ast.Patch(node, &ast.CallNode{
		Callee:    &ast.IdentifierNode{Value: "attr_" + typ},
		Arguments: []ast.Node{n.Node, &ast.StringNode{Value: prop.Value}},
	})
}

func (p *attrPatch) errorf(n ast.Node, format string, args ...any) {
	p.errs = append(p.errs, exprError{n.Location().From, fmt.Sprintf(format, args...)})
}

// isUserAttrs matches the expression user.attrs.
func isUserAttrs(n ast.Node) bool {
	m, ok := n.(*ast.MemberNode)
	if !ok {
		return false
	}
	id, ok := m.Node.(*ast.IdentifierNode)
	prop, isStr := m.Property.(*ast.StringNode)
	return ok && isStr && id.Value == "user" && prop.Value == "attrs"
}
