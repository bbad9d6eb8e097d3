package configs

import (
	"errors"
	"fmt"
	"strings"
)

var (
	// ErrUnknownKey is wrapped by the error for a YAML key that is not a
	// configuration key.
	ErrUnknownKey = errors.New("unknown key")
	// ErrUnknownEnv is wrapped by the error for a WXCAST_ environment
	// variable that overrides no key.
	ErrUnknownEnv = errors.New("unknown environment variable")
)

// FieldError is a bad value for one key, with where the value came from.
type FieldError struct {
	Key  string // dotted key, e.g. "wechat.token"
	File string // YAML file the value was read from, if any
	Line int    // line of the value in File
	Env  string // environment variable the value was read from, if any
	Err  error
}

// Error formats the error as "file:line: key: problem" for a value from a
// file, and "key: problem (from WXCAST_X)" for one from the environment.
func (e *FieldError) Error() string {
	msg := e.Key + ": " + e.Err.Error()
	switch {
	case e.Env != "":
		return msg + " (from " + e.Env + ")"
	case e.File != "":
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, msg)
	}
	return msg
}

// Unwrap returns the underlying problem.
func (e *FieldError) Unwrap() error { return e.Err }

// origin records where a key's value came from; the zero value means
// the default or a value set in code.
type origin struct {
	file string
	line int
	env  string
}

// originOf returns where key's value came from. A key inside a list item
// ("admins[1].roles") that was never set itself, because it was left out
// or the whole list came from WXCAST_ADMINS, falls back to the item and
// then to the list.
func originOf(origins map[string]origin, key string) origin {
	for k := key; k != ""; k = parentKey(k) {
		if o, ok := origins[k]; ok {
			return o
		}
	}
	return origin{}
}

// parentKey strips the last ".name" or "[i]" from key.
func parentKey(key string) string {
	if strings.HasSuffix(key, "]") {
		if i := strings.LastIndex(key, "["); i >= 0 {
			return key[:i]
		}
	}
	if i := strings.LastIndex(key, "."); i >= 0 {
		return key[:i]
	}
	return ""
}

func (o origin) fieldError(key string, err error) *FieldError {
	return &FieldError{Key: key, File: o.file, Line: o.line, Env: o.env, Err: err}
}

// didYouMean returns ` (did you mean "x"?)` for the candidate closest to
// name, or "" when none is close enough to be a likely typo.
func didYouMean(name string, candidates []string) string {
	best, bestDist := "", len(name)/4+1
	for _, c := range candidates {
		if d := editDistance(name, c); d < bestDist {
			best, bestDist = c, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
