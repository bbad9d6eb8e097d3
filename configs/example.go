package configs

import _ "embed"

// exampleRules is rules.example.yaml, built into the binary so that
// `wxcast demo` runs anywhere, not only in a checkout. A string: nothing
// can change it.
//
//go:embed rules.example.yaml
var exampleRules string

// ExampleRules returns the example rules file.
func ExampleRules() []byte { return []byte(exampleRules) }
