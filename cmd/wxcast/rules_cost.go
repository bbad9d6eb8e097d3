package main

import (
	"fmt"
	"io"
	"time"

	"github.com/wxcast/wxcast/configs"
	"github.com/wxcast/wxcast/rules"
)

// costRuns is how many times rules check runs each rule to time it.
const costRuns = 200

// printCosts prints the static cost of each rule against the limits, and
// a measured time per run. The cost is what the limits check, the same on
// every machine; the time depends on the machine and on the follower (an
// empty one here), so it is for information only.
func printCosts(w io.Writer, rs *rules.Ruleset, lim configs.RulesConfig) error {
	costs := rs.Costs()
	if len(costs) == 0 {
		return nil
	}
	fmt.Fprintf(w, "\nstatic cost per rule (limits: rules.max_rule_cost %d, rules.max_file_cost %d):\n",
		lim.MaxRuleCost, lim.MaxFileCost)
	width := len("total")
	for _, c := range costs {
		width = max(width, len(c.Path))
	}
	ev := rules.NewEvaluator()
	var total int64
	var spent time.Duration
	for _, c := range costs {
		d := timeRule(ev, c.Programs)
		total, spent = total+c.Cost, spent+d
		fmt.Fprintf(w, "  %-*s %9d %10s\n", width, c.Path, c.Cost, roundTime(d))
	}
	fmt.Fprintf(w, "  %-*s %9d %10s\n", width, "total", total, roundTime(spent))
	_, err := fmt.Fprintln(w, "(times: one run on an empty follower on this machine, for information only)")
	return err
}

// timeRule is the mean time of one run of a rule's expressions on an
// empty follower and a text message; run-time errors count as runs.
func timeRule(ev *rules.Evaluator, progs []*rules.Program) time.Duration {
	start := time.Now()
	for range costRuns {
		for _, p := range progs {
			if p != nil {
				env := rules.Env{Event: rules.Event{Type: "text"}}
				_, _ = ev.Eval(p, &env)
			}
		}
	}
	return time.Since(start) / costRuns
}

func roundTime(d time.Duration) time.Duration {
	if d > time.Millisecond {
		return d.Round(10 * time.Microsecond)
	}
	return d.Round(10 * time.Nanosecond)
}
