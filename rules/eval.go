package rules

import (
	"fmt"

	"github.com/expr-lang/expr/vm"
)

// Evaluator runs compiled programs. It reuses one virtual machine, and
// with it the VM's stack, so a run does not allocate; that makes it
// unsafe for concurrent use. Create one per goroutine.
type Evaluator struct {
	vm vm.VM
}

// NewEvaluator returns an Evaluator for use by one goroutine.
func NewEvaluator() *Evaluator { return &Evaluator{} }

// Eval runs p on env. A run-time error, such as reading an attribute the
// follower does not have, is returned; callers count the rule as false.
func (e *Evaluator) Eval(p *Program, env *Env) (bool, error) {
	out, err := e.vm.Run(p.program, env)
	if err != nil {
		return false, fmt.Errorf("rules: %s: %w", p.Path, err)
	}
	b, _ := out.(bool)
	return b, nil
}
