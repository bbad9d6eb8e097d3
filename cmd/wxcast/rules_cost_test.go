package main

import (
	"bytes"
	"context"
	"regexp"
	"testing"

	"github.com/wxcast/wxcast/configs"
	"github.com/wxcast/wxcast/rules"
)

// TestRuleLimitsDefaults: the rules.* keys' defaults are the rules
// package's own, so a server without them set and a test without options
// refuse the same files.
func TestRuleLimitsDefaults(t *testing.T) {
	want := rules.Limits{MaxFileSize: rules.DefaultMaxFileSize, MaxRules: rules.DefaultMaxRules,
		MaxExprLen: rules.DefaultMaxExprLen, MaxDepth: rules.DefaultMaxDepth,
		MaxRuleCost: rules.DefaultMaxRuleCost, MaxFileCost: rules.DefaultMaxFileCost}
	if got := ruleLimits(configs.Default().Rules); got != want {
		t.Errorf("ruleLimits(defaults) = %+v, want %+v", got, want)
	}
}

// TestRulesCheckPrintsCosts: rules check lists each rule with its static
// cost and a measured time, and the total.
func TestRulesCheckPrintsCosts(t *testing.T) {
	var out, errs bytes.Buffer
	if err := run(context.Background(), []string{"rules", "check", "../../configs/rules.example.yaml"}, nil, &out, &errs); err != nil {
		t.Fatalf("rules check: %v\n%s", err, errs.String())
	}
	for _, re := range []string{
		`static cost per rule \(limits: rules.max_rule_cost 50000, rules.max_file_cost 500000\):`,
		`\n  tags\.returning +1019 +[0-9.]+[nµm]?s\n`,
		`\n  replies\[6\] +11 +[0-9.]+[nµm]?s\n`,
		`\n  total +4226 +[0-9.]+[nµm]?s\n`,
		`for information only`,
	} {
		if !regexp.MustCompile(re).MatchString(out.String()) {
			t.Errorf("output lacks %s:\n%s", re, out.String())
		}
	}
}
