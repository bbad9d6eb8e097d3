package rules

import (
	"strings"

	"github.com/expr-lang/expr/ast"
)

// attrUse finds uses of user.attrs that escape the type check: only
// user.attrs.<name> (rewritten by attrPatch into a typed accessor) and
// `"name" in user.attrs` are allowed. `let a = user.attrs; a.vip_level`
// or get(user.attrs, "vip_level") would read an attribute untyped and
// undeclared. It runs after attrPatch; the tree is walked children first,
// so it notes every user.attrs and every allowed place, and check decides
// once the walk is done.
type attrUse struct {
	uses    []ast.Node
	allowed map[ast.Node]bool
}

func (a *attrUse) Visit(node *ast.Node) {
	if a.allowed == nil {
		a.allowed = map[ast.Node]bool{}
	}
	switch n := (*node).(type) {
	case *ast.MemberNode:
		if isUserAttrs(n) {
			a.uses = append(a.uses, n)
		}
		// user.attrs.<name> that attrPatch refused (and reported).
		if isUserAttrs(n.Node) {
			a.allowed[n.Node] = true
		}
	case *ast.CallNode:
		if id, ok := n.Callee.(*ast.IdentifierNode); ok && strings.HasPrefix(id.Value, "attr_") && len(n.Arguments) > 0 {
			a.allowed[n.Arguments[0]] = true
		}
	case *ast.BinaryNode:
		if n.Operator == "in" || n.Operator == "not in" {
			a.allowed[n.Right] = true
		}
	}
}

// check reports the uses of user.attrs found in no allowed place. An
// expression that is user.attrs and nothing else (a clause printed by
// Explain) reads the whole map and is let through.
func (a *attrUse) check(src string) []exprError {
	if strings.TrimSpace(src) == "user.attrs" {
		return nil
	}
	var errs []exprError
	for _, n := range a.uses {
		if !a.allowed[n] {
			errs = append(errs, exprError{n.Location().From,
				`user.attrs may only be read as user.attrs.<name> or tested with "<name>" in user.attrs, so that every attribute is declared and typed`})
		}
	}
	return errs
}
