package rules

import "github.com/expr-lang/expr/ast"

// nowField is Env.Now's name in expressions. Rule authors write now();
// the double underscores keep the field out of their way.
const nowField = "__now__"

// clockPatch makes the time helpers read the evaluation time, Env.Now,
// rather than a clock fixed when the rules were compiled: now() becomes
// the field, and since(t), days_since(t) and within_days(t, n) get it as
// a hidden first argument. A back-test can then evaluate each replayed
// event at its own time, and a segment count at one instant.
type clockPatch struct{}

func (clockPatch) Visit(node *ast.Node) {
	call, ok := (*node).(*ast.CallNode)
	if !ok {
		return
	}
	id, ok := call.Callee.(*ast.IdentifierNode)
	if !ok {
		return
	}
	switch id.Value {
	case "now":
		if len(call.Arguments) == 0 {
			field := &ast.IdentifierNode{Value: nowField}
			field.SetLocation(call.Location())
			ast.Patch(node, field)
		}
	case "since", "days_since", "within_days":
		if len(call.Arguments) > 0 && isNowField(call.Arguments[0]) {
			return // patched already
		}
		field := &ast.IdentifierNode{Value: nowField}
		field.SetLocation(id.Location())
		call.Arguments = append([]ast.Node{field}, call.Arguments...)
	}
}

func isNowField(n ast.Node) bool {
	id, ok := n.(*ast.IdentifierNode)
	return ok && id.Value == nowField
}
