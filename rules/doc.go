// Package rules loads the rules file of wxcast and evaluates its
// expressions.
//
// A rules file declares business attributes, tag rules, segments and
// keyword replies. Every expression is written in expr-lang
// (https://expr-lang.org) against the typed environment Env and compiled
// once by Parse or Load; compiling checks names and types, so a typo in a
// rule is reported when the file is loaded, not when a follower happens to
// trigger it. Parse reports every problem of a file at once, each with the
// file:line:column of the offending token inside the YAML.
//
// A file is bounded before and after compiling (Options.Limits): its size
// and rule count, each expression's length and nesting (scanned before
// expr parses it, since a deep enough nesting overflows the parser's
// stack, a fatal error), and each rule's and the file's static cost, an
// upper bound on their work per run (Program.Cost, Ruleset.Costs).
//
// Compiled programs (Program) are immutable and safe for concurrent use.
// Running them needs an Evaluator, which owns a reusable virtual machine
// and must not be shared between goroutines: create one per worker.
//
// Package rules is pure: it compiles and evaluates rules over plain Go
// values (Env, User, Event) and must not import package store, bot or
// handlers. Building a User from a stored profile, counting a segment over
// the followers in Redis and back-testing tag rules over stored histories
// belong to package bot/segment; NeedsOf, Ruleset.Needs, ParseAttr and
// Ruleset.AttrType are what it needs from here. Its tests need no Redis.
//
// Doc returns the reference manual (docs/rules.md); it is generated from
// the doc and example struct tags of Env, so the manual cannot drift from
// the code.
package rules
