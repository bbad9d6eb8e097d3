package rules

import (
	"fmt"

	"github.com/expr-lang/expr/vm"
)

// memoryBudget bounds the work of one evaluation. expr charges every
// element of a range or array built and every iteration of any(), all(),
// filter() and map() against it; a rule over its budget fails (and counts
// as false). Real rules iterate over a follower's tags, a few dozen at
// most; 10,000 keeps a pathological but valid rule such as
// any(1..999999, …) from holding a callback for seconds.
const memoryBudget = 10_000

// Evaluator runs compiled programs. It reuses one virtual machine, and
// with it the VM's stack, so a run does not allocate; that makes it
// unsafe for concurrent use. Create one per goroutine.
type Evaluator struct {
	vm vm.VM
}

// NewEvaluator returns an Evaluator for use by one goroutine.
func NewEvaluator() *Evaluator { return &Evaluator{vm: vm.VM{MemoryBudget: memoryBudget}} }

// Eval runs p on env. A run-time error, such as reading an attribute the
// follower does not have, is returned; callers count the rule as false.
// env.Now is the evaluation time; when zero it is set from the rules'
// clock. It is put in the rules' time zone, in which now() and the
// calendar helpers count days.
func (e *Evaluator) Eval(p *Program, env *Env) (bool, error) {
	p.compiler.setNow(env)
	out, err := e.vm.Run(p.program, env)
	if err != nil {
		return false, fmt.Errorf("rules: %s: %w", p.Path, err)
	}
	b, _ := out.(bool)
	return b, nil
}

// setNow fills in env.Now from the clock and puts it in the account's zone.
func (c *compiler) setNow(env *Env) {
	if env.Now.IsZero() {
		env.Now = c.opts.Clock()
	}
	if env.Now.Location() != c.opts.Location {
		env.Now = env.Now.In(c.opts.Location)
	}
}
