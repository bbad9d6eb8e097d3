package rules

import (
	"cmp"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/expr-lang/expr/ast"
)

// The static cost of an expression is an upper bound on the work of one
// run, worked out from its compiled syntax tree: one per node, and for a
// loop (any, all, filter, map, count, sum, ..., `in` a list, a range) the
// most elements it can visit times the cost of its predicate plus one.
// It depends only on the text and the limits, so every replica refuses
// the same files. The bounds of collections are:
const (
	// wechatTagsBound: WeChat puts at most 20 tags on one follower.
	wechatTagsBound = 20
	// countsBound: a profile counts at most 64 kinds apart (store.MaxKinds;
	// unknown types count under their own name up to that).
	countsBound = 64
	// unknownBound is the memory budget of one run: expr refuses a run
	// that builds or walks more elements than that.
	unknownBound = memoryBudget
	costCap      = int64(1) << 50 // saturation, far above any limit
)

// costModel holds the bounds that depend on the file: user.tags holds the
// tags of tag rules, at most Limits.MaxRules of them; user.attrs the
// declared attributes; user.counts one entry per kind, at most
// countsBound.
type costModel struct {
	tags, attrs, counts int64
}

func (c *compiler) costModel() costModel {
	return costModel{tags: int64(c.opts.Limits.MaxRules), attrs: int64(len(c.attrs)), counts: int64(max(len(EventTypes()), countsBound))}
}

// walksList reports whether the builtin name, called without a predicate,
// walks its first argument once (with a predicate every builtin is a
// loop over its first argument).
func walksList(name string) bool {
	switch name {
	case "sort", "uniq", "reverse", "concat", "flatten", "join", "keys", "values",
		"toPairs", "fromPairs", "min", "max", "mean", "median", "sum", "count", "take", "toJSON":
		return true
	}
	return false
}

// satAdd and satMul saturate at costCap, so no file can wrap a cost
// around to a small number.
func satAdd(a, b int64) int64 { return min(a+b, costCap) }

func satMul(a, b int64) int64 {
	if a != 0 && b > costCap/a {
		return costCap
	}
	return min(a*b, costCap)
}

// cost is the static cost of the tree at n.
func (m costModel) cost(n ast.Node) int64 {
	switch n := n.(type) {
	case nil:
		return 0
	case *ast.BuiltinNode:
		return m.builtin(n)
	case *ast.PredicateNode:
		return satAdd(1, m.cost(n.Node))
	case *ast.BinaryNode:
		c := satAdd(1, satAdd(m.cost(n.Left), m.cost(n.Right)))
		switch n.Operator {
		case "..":
			c = satAdd(c, m.bound(n))
		case "in", "not in":
			c = satAdd(c, m.bound(n.Right))
		}
		return c
	case *ast.CallNode:
		c := satAdd(1, m.sum(n.Arguments...))
		if id, ok := n.Callee.(*ast.IdentifierNode); ok && id.Value == "in_strings" && len(n.Arguments) == 2 {
			c = satAdd(c, m.bound(n.Arguments[1]))
		}
		return c
	case *ast.UnaryNode:
		return satAdd(1, m.cost(n.Node))
	case *ast.ChainNode:
		return satAdd(1, m.cost(n.Node))
	case *ast.MemberNode:
		return satAdd(1, satAdd(m.cost(n.Node), m.cost(n.Property)))
	case *ast.SliceNode:
		return satAdd(1, m.sum(n.Node, n.From, n.To))
	case *ast.ConditionalNode:
		return satAdd(1, m.sum(n.Cond, n.Exp1, n.Exp2))
	case *ast.VariableDeclaratorNode:
		return satAdd(1, satAdd(m.cost(n.Value), m.cost(n.Expr)))
	case *ast.SequenceNode:
		return satAdd(1, m.sum(n.Nodes...))
	case *ast.ArrayNode:
		return satAdd(1, m.sum(n.Nodes...))
	case *ast.MapNode:
		return satAdd(1, m.sum(n.Pairs...))
	case *ast.PairNode:
		return satAdd(1, satAdd(m.cost(n.Key), m.cost(n.Value)))
	}
	return 1 // a leaf: a literal, a name, a constant, #
}

func (m costModel) sum(ns ...ast.Node) int64 {
	var c int64
	for _, n := range ns {
		c = satAdd(c, m.cost(n))
	}
	return c
}

// builtin costs a builtin call: its arguments, plus its loop.
func (m costModel) builtin(n *ast.BuiltinNode) int64 {
	c := int64(1)
	var per int64 // the cost of one element's predicates
	loops := false
	for _, a := range n.Arguments {
		if p, ok := a.(*ast.PredicateNode); ok {
			per, loops = satAdd(per, m.cost(p.Node)), true
			continue
		}
		c = satAdd(c, m.cost(a))
	}
	if n.Map != nil {
		per, loops = satAdd(per, m.cost(n.Map)), true
	}
	switch {
	case len(n.Arguments) == 0:
	case loops:
		c = satAdd(c, satMul(m.bound(n.Arguments[0]), satAdd(per, 1)))
	case n.Name == "concat":
		for _, a := range n.Arguments {
			c = satAdd(c, m.bound(a))
		}
	case walksList(n.Name):
		c = satAdd(c, m.bound(n.Arguments[0]))
	}
	return c
}

// bound is the most elements the collection n can hold.
func (m costModel) bound(n ast.Node) int64 {
	switch n := n.(type) {
	case *ast.ConstantNode:
		v := reflect.ValueOf(n.Value)
		switch v.Kind() {
		case reflect.Slice, reflect.Array, reflect.Map, reflect.String:
			return int64(v.Len())
		}
	case *ast.ArrayNode:
		return int64(len(n.Nodes))
	case *ast.StringNode:
		return int64(len(n.Value))
	case *ast.BinaryNode:
		from, ok1 := n.Left.(*ast.IntegerNode)
		to, ok2 := n.Right.(*ast.IntegerNode)
		if n.Operator == ".." && ok1 && ok2 {
			return max(0, int64(to.Value)-int64(from.Value)+1)
		}
	case *ast.ChainNode:
		return m.bound(n.Node)
	case *ast.ConditionalNode:
		return max(m.bound(n.Exp1), m.bound(n.Exp2))
	case *ast.MemberNode:
		switch memberPath(n) {
		case "user.tags":
			return m.tags
		case "user.wechat_tags":
			return wechatTagsBound
		case "user.attrs":
			return m.attrs
		case "user.counts":
			return m.counts
		}
	case *ast.BuiltinNode:
		switch {
		case len(n.Arguments) == 0:
		case n.Name == "concat":
			var b int64
			for _, a := range n.Arguments {
				b = satAdd(b, m.bound(a))
			}
			return b
		case slices.Contains([]string{"filter", "map", "sort", "sortBy", "uniq", "reverse", "keys", "values", "take", "toPairs"}, n.Name):
			return m.bound(n.Arguments[0])
		}
	}
	return unknownBound
}

// memberPath spells a chain of constant member accesses, "user.tags".
func memberPath(n ast.Node) string {
	switch n := n.(type) {
	case *ast.IdentifierNode:
		return n.Value
	case *ast.MemberNode:
		p, ok := n.Property.(*ast.StringNode)
		if !ok {
			return ""
		}
		if base := memberPath(n.Node); base != "" {
			return base + "." + p.Value
		}
	}
	return ""
}

// RuleCost is the static cost of one rule: the sum of its expressions'.
type RuleCost struct {
	Path     string // "tags.vip", "segments.active", "replies.price"
	Pos      Position
	Cost     int64
	Programs []*Program // the rule's expressions (a tag rule's unless may be nil)
}

// Costs lists the cost of every rule, in file order: tags, segments,
// replies.
func (rs *Ruleset) Costs() []RuleCost {
	var out []RuleCost
	cost := func(ps ...*Program) int64 {
		var c int64
		for _, p := range ps {
			if p != nil {
				c = satAdd(c, p.Cost)
			}
		}
		return c
	}
	for _, t := range rs.Tags {
		out = append(out, RuleCost{"tags." + t.Name, t.Pos, cost(t.When, t.Unless), []*Program{t.When, t.Unless}})
	}
	for _, s := range rs.Segments {
		out = append(out, RuleCost{"segments." + s.Name, s.Pos, cost(s.Rule), []*Program{s.Rule}})
	}
	for _, r := range rs.Replies {
		path := "replies." + r.Name
		if strings.HasPrefix(r.Name, "replies[") {
			path = r.Name
		}
		out = append(out, RuleCost{path, r.Pos, cost(r.When), []*Program{r.When}})
	}
	return out
}

// checkCosts refuses rules over Limits.MaxRuleCost, and the file when
// all its rules together pass Limits.MaxFileCost: then at the rule where
// the running total passes it, naming the costliest rules.
func (d *decoder) checkCosts(rs *Ruleset) {
	lim := d.comp.opts.Limits
	costs := rs.Costs()
	var total int64
	at := -1
	for i, rc := range costs {
		if rc.Cost > lim.MaxRuleCost {
			d.problems = append(d.problems, Problem{Pos: rc.Pos, Path: rc.Path,
				Msg: fmt.Sprintf("the rule costs %d, over the limit of %d (rules.max_rule_cost)", rc.Cost, lim.MaxRuleCost)})
		}
		total = satAdd(total, rc.Cost)
		if at < 0 && total > lim.MaxFileCost {
			at = i
		}
	}
	if at < 0 {
		return
	}
	top := slices.Clone(costs)
	slices.SortStableFunc(top, func(a, b RuleCost) int { return cmp.Compare(b.Cost, a.Cost) })
	var names []string
	for _, rc := range top[:min(3, len(top))] {
		names = append(names, fmt.Sprintf("%s (%d)", rc.Path, rc.Cost))
	}
	d.problems = append(d.problems, Problem{Pos: costs[at].Pos, Path: costs[at].Path,
		Msg: fmt.Sprintf("the file's rules cost %d in all, over the limit of %d (rules.max_file_cost), passed at this rule; the costliest: %s",
			total, lim.MaxFileCost, strings.Join(names, ", "))})
}
