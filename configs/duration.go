package configs

import (
	"errors"
	"fmt"
	"time"

	"gopkg.in/yaml.v3"
)

// Duration is a non-negative time.Duration written as a Go duration string
// ("300s", "5m", "1h30m") in YAML, JSON and environment variables.
//
// The embedded time.Duration is the value: use d.Duration, or d.D().
// A bare number such as "300" is rejected because its unit is ambiguous.
type Duration struct{ time.Duration }

// D returns d as a time.Duration.
func (d Duration) D() time.Duration { return d.Duration }

// MarshalText writes d as a Go duration string, e.g. "5m0s".
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText parses a Go duration string and rejects negative values.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := parseDuration(string(b))
	if err != nil {
		return err
	}
	d.Duration = v
	return nil
}

// MarshalYAML writes d as a Go duration string, e.g. "5m0s".
func (d Duration) MarshalYAML() (any, error) { return d.String(), nil }

// UnmarshalYAML parses a scalar node as a Go duration string.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return errors.New("must be a duration such as \"300s\", not a list or mapping")
	}
	return d.UnmarshalText([]byte(n.Value))
}

func parseDuration(s string) (time.Duration, error) {
	v, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("not a duration: %q (write e.g. \"300s\", \"5m\" or \"1h30m\")", s)
	}
	if v < 0 {
		return 0, fmt.Errorf("must not be negative, got %q", s)
	}
	return v, nil
}
