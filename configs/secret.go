package configs

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
)

// redacted is what a non-empty Secret prints instead of its value.
const redacted = "[redacted]"

// Secret is a string that never prints its value: String, GoString, every
// fmt verb, JSON, YAML, text and slog all give "[redacted]" when it is set
// and "" when it is empty. Call Value for the real string.
type Secret string

// Value returns the secret itself. Pass it only to what needs it; never log it.
func (s Secret) Value() string { return string(s) }

func (s Secret) shown() string {
	if s == "" {
		return ""
	}
	return redacted
}

// String returns "[redacted]", or "" when s is empty.
func (s Secret) String() string { return s.shown() }

// GoString returns the %#v form, which is redacted too.
func (s Secret) GoString() string { return "configs.Secret(" + strconv.Quote(s.shown()) + ")" }

// Format makes every fmt verb (%v, %+v, %s, %q, %x, %d, ...) print the
// redacted form, so no verb can reveal the value.
func (s Secret) Format(f fmt.State, verb rune) {
	switch {
	case verb == 'v' && f.Flag('#'):
		_, _ = f.Write([]byte(s.GoString()))
	case verb == 'q':
		_, _ = f.Write([]byte(strconv.Quote(s.shown())))
	default:
		_, _ = f.Write([]byte(s.shown()))
	}
}

// MarshalJSON writes the redacted form as a JSON string.
func (s Secret) MarshalJSON() ([]byte, error) { return json.Marshal(s.shown()) }

// MarshalYAML writes the redacted form.
func (s Secret) MarshalYAML() (any, error) { return s.shown(), nil }

// MarshalText writes the redacted form, for encoders that use
// encoding.TextMarshaler.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.shown()), nil }

// LogValue makes log/slog print the redacted form.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.shown()) }
