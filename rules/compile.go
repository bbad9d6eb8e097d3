package rules

import (
	"errors"
	"sort"
	"strings"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/patcher"
	"github.com/expr-lang/expr/vm"
)

// Program is one compiled expression of a rules file. It is immutable and
// safe for concurrent use; run it with an Evaluator.
type Program struct {
	Source string   // the expression as written
	Path   string   // where it sits in the file, e.g. "tags.vip.when"
	Pos    Position // position of the expression in the file
	// Cost is the static cost of one run: an upper bound on its work (see
	// docs/rules.md, Limits).
	Cost int64

	program  *vm.Program
	compiler *compiler // kept for Explain, which compiles clauses
	attrs    []string
}

// Attributes lists the declared attributes the expression reads.
func (p *Program) Attributes() []string { return p.attrs }

// compiler compiles the expressions of one rules file with the options
// and attribute declarations of that file.
type compiler struct {
	opts     Options
	attrs    map[string]string // attribute name → type name
	declared []string          // attribute names, sorted, for suggestions
}

func newCompiler(o Options, attrs []Attribute) *compiler {
	c := &compiler{opts: o.withDefaults(), attrs: make(map[string]string)}
	for _, a := range attrs {
		c.attrs[a.Name] = a.Type
		c.declared = append(c.declared, a.Name)
	}
	sort.Strings(c.declared)
	return c
}

// exprError is a problem inside one expression. offset counts runes from
// the start of the expression; -1 means the expression as a whole.
type exprError struct {
	offset int
	msg    string
}

// compile compiles src. A segment rule may not use event. asBool is false
// only for the clauses of Explain, which may be of any type.
func (c *compiler) compile(src string, segment, asBool bool) (*vm.Program, []string, []exprError) {
	if strings.TrimSpace(src) == "" {
		return nil, nil, []exprError{{-1, "empty expression"}}
	}
	if e, ok := c.checkShape(src); !ok {
		return nil, nil, []exprError{e}
	}
	p := &attrPatch{attrs: c.attrs, declared: c.declared, noEvent: segment}
	use := &attrUse{}
	prog, err := expr.Compile(src, append(c.options(p, asBool), expr.Patch(use))...)
	errs := append(p.errs, use.check(src)...)
	if err != nil {
		errs = appendUnique(errs, c.translate(src, err))
	}
	if len(errs) > 0 {
		return nil, nil, errs
	}
	return prog, p.used, nil
}

// options lists the expr options of one compilation. The environment is
// the value Env{}, not a pointer: see Env. patcher.WithTimezone is what
// expr.Timezone installs, minus its LoadLocation by name, which would
// panic on a zone built with time.FixedZone.
func (c *compiler) options(p *attrPatch, asBool bool) []expr.Option {
	opts := []expr.Option{
		expr.Env(Env{}),
		expr.MaxNodes(c.opts.MaxNodes),
		expr.DisableBuiltin("now"), // ours reads Options.Clock
		expr.Patch(patcher.WithTimezone{Location: c.opts.Location}),
		expr.Patch(p),
		expr.Patch(clockPatch{}),
	}
	if asBool {
		opts = append(opts, expr.AsBool())
	}
	for _, h := range helpers() {
		if h.Fn != nil {
			opts = append(opts, expr.Function(h.Name, h.Fn, h.Type))
		}
	}
	for _, t := range attrTypes() {
		opts = append(opts, expr.Function("attr_"+t.Name, t.accessor(), t.Sig))
	}
	// `"vip" in user.tags` is the commonest test in segment rules; expr's
	// generic `in` boxes every element through reflection, this does not.
	opts = append(opts,
		expr.Function("in_strings", inStrings, new(func(string, []string) bool)),
		expr.Operator("in", "in_strings"))
	return opts
}

// translate turns an error of expr.Compile into an exprError with a
// message written for rule authors.
func (c *compiler) translate(src string, err error) exprError {
	var fe *file.Error
	if !errors.As(err, &fe) {
		return exprError{-1, friendlyWhole(err.Error(), c.opts.MaxNodes)}
	}
	if strings.Contains(fe.Message, "exceeds maximum allowed nodes") {
		return exprError{-1, friendlyWhole(fe.Message, c.opts.MaxNodes)}
	}
	return exprError{fe.From, friendly(src, fe.From, fe.To, fe.Message)}
}

// appendUnique adds e unless a problem is already reported at its offset:
// a rejected attribute often causes a second, derived type error there.
func appendUnique(errs []exprError, e exprError) []exprError {
	for _, x := range errs {
		if x.offset == e.offset {
			return errs
		}
	}
	return append(errs, e)
}

// inStrings implements `s in list` for a list of strings.
func inStrings(args ...any) (any, error) {
	s, _ := args[0].(string)
	list, _ := args[1].([]string)
	for _, x := range list {
		if x == s {
			return true, nil
		}
	}
	return false, nil
}
