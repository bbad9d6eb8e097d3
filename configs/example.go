package configs

import (
	"bytes"
	_ "embed"
)

// exampleRules is rules.example.yaml, built into the binary so that
// `wxcast demo` runs anywhere, not only in a checkout.
//
//go:embed rules.example.yaml
var exampleRules []byte

// ExampleRules returns a copy of the example rules file.
func ExampleRules() []byte { return bytes.Clone(exampleRules) }
