package rules

import (
	"errors"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"
)

// Clause is one operand of a chain of && or || in an expression, with
// its value for one follower: the "why" of a decision.
type Clause struct {
	Source string // the operand, as expr prints it
	Value  any    // its value on the Env given to Explain
	Err    error  // the run-time error, if the operand failed
	Depth  int    // 0 for operands of the top-level chain, 1 below, ...
	// Skipped is an operand the rule never reaches on this Env: an earlier
	// operand of its chain already decided it (false before &&, true
	// before ||, or an error), or the chain itself is skipped. Value and
	// Err are still what the operand would give on its own.
	Skipped bool
}

// Explain splits p at its top-level && and || and evaluates every
// operand on env. An operand that is itself a chain of the other
// operator is listed, then its own operands at Depth+1. For
//
//	user.subscribed && (user.messages_7d >= 3 || "vip" in user.tags)
//
// it gives user.subscribed (0), the parenthesised || (0),
// user.messages_7d >= 3 (1) and "vip" in user.tags (1). An expression
// without && or || is one clause. Every operand is evaluated, even where
// && or || would have stopped early, so an operand guarded by an earlier
// one (`"vip_level" in user.attrs && ...`) may show an error; such an
// operand is marked Skipped, as are all that && or || never reach. Operands are
// compiled on each call: Explain serves the CLI, not the callback path.
func (e *Evaluator) Explain(p *Program, env *Env) []Clause {
	tree, err := parser.Parse(p.Source)
	if err != nil {
		return []Clause{{Source: p.Source, Err: err}}
	}
	if logicalOp(tree.Node) == "" {
		return []Clause{e.clause(p, tree.Node, 0, env)}
	}
	var out []Clause
	e.chain(p, tree.Node, 0, env, false, &out)
	return out
}

// chain appends the operands of chain n, descending into operands that
// are chains of the other operator. skipped marks a chain the rule never
// reaches.
func (e *Evaluator) chain(p *Program, n ast.Node, depth int, env *Env, skipped bool, out *[]Clause) {
	op := logicalOp(n)
	for _, operand := range flatten(n, op) {
		c := e.clause(p, operand, depth, env)
		c.Skipped = skipped
		*out = append(*out, c)
		if logicalOp(operand) != "" {
			e.chain(p, operand, depth+1, env, skipped, out)
		}
		if !skipped && decides(op, c) {
			skipped = true // && and || stop here
		}
	}
}

// decides reports whether operand c ends the evaluation of its chain of
// op: a false before &&, a true before ||, or an error either way.
func decides(op string, c Clause) bool {
	if c.Err != nil {
		return true
	}
	b, ok := c.Value.(bool)
	if !ok {
		return false
	}
	return op == "&&" && !b || op == "||" && b
}

// clause evaluates one operand, compiled with the options of the whole
// program so that attributes and helpers mean the same.
func (e *Evaluator) clause(p *Program, n ast.Node, depth int, env *Env) Clause {
	c := Clause{Source: n.String(), Depth: depth}
	prog, _, errs := p.compiler.compile(c.Source, false, false)
	if len(errs) > 0 {
		c.Err = errors.New(errs[0].msg)
		return c
	}
	p.compiler.setNow(env)
	c.Value, c.Err = e.vm.Run(prog, env)
	return c
}

// logicalOp returns "&&" or "||" when n is such an operation, else "".
func logicalOp(n ast.Node) string {
	b, ok := n.(*ast.BinaryNode)
	if !ok {
		return ""
	}
	switch b.Operator {
	case "&&", "and":
		return "&&"
	case "||", "or":
		return "||"
	}
	return ""
}

// flatten lists the operands of a chain a op b op c, which the parser
// nests as ((a op b) op c).
func flatten(n ast.Node, op string) []ast.Node {
	if logicalOp(n) != op {
		return []ast.Node{n}
	}
	b := n.(*ast.BinaryNode)
	return append(flatten(b.Left, op), flatten(b.Right, op)...)
}
