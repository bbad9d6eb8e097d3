package rules

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"path/filepath"

	"go.uber.org/zap"

	"github.com/wxcast/wxcast/rules/watch"
)

// Source holds the live ruleset of a file and replaces it when the file
// changes (Watch) or on request (Reload): a valid new version atomically,
// between two callbacks; an invalid one never (the old rules stay live
// and the problems are reported once per version). A version that would
// switch every rule off, like an empty or invalid one, is only acted on by
// Watch once it has stayed. It is safe for concurrent use.
type Source = watch.Live[*Ruleset]

// SourceOptions configures NewSource.
type SourceOptions struct {
	Options
	Log *zap.Logger
	// OnReject hears about every refused version once (the admin bot
	// alerts with it).
	OnReject func(version string, err error)
	// OnSwap hears about every new live version once installed (the
	// server records what it runs with it).
	OnSwap func(version string)
	// Timing and Observe are for tests: see watch.Options.
	watch.Timing
	Observe func(watch.Event)
}

// NewSource loads path; an invalid file is an error (a server should not
// start without its rules).
func NewSource(path string, o SourceOptions) (*Source, error) {
	if o.Log == nil {
		o.Log = zap.NewNop()
	}
	l := loader(path, o.Options)
	s, err := watch.New(l, watch.Options{Log: o.Log, OnReject: o.OnReject, OnSwap: o.OnSwap, Timing: o.Timing, Observe: o.Observe})
	if err != nil {
		return nil, err
	}
	rs := s.Current()
	o.Log.Info("rules loaded", append([]zap.Field{zap.String("file", path), zap.String("version", rs.Version)},
		l.Describe(rs)...)...)
	return s, nil
}

// Static wraps a ruleset that never changes (tests, the CLI).
func Static(rs *Ruleset) *Source {
	var v string
	if rs != nil {
		v = rs.Version
	}
	return watch.Fixed(rs, v)
}

// loader reads the rules file at path for a Source.
func loader(path string, o Options) watch.Loader[*Ruleset] {
	return watch.Loader[*Ruleset]{
		Dir:   filepath.Dir(path),
		What:  "rules file",
		Where: []zap.Field{zap.String("file", path)},
		Read: func() (watch.Content[*Ruleset], error) {
			max := o.Limits.withDefaults().MaxFileSize
			src, version, size, err := readRules(path, max)
			if err != nil {
				return watch.Content[*Ruleset]{}, err
			}
			if size > max {
				return watch.Content[*Ruleset]{Version: version,
					Parse: func() (*Ruleset, error) { return nil, tooBig(path, size, max) }}, nil
			}
			return watch.Content[*Ruleset]{
				Version: version,
				Blank:   len(bytes.TrimSpace(src)) == 0,
				Parse:   func() (*Ruleset, error) { return Parse(path, src, o) },
			}, nil
		},
		// A file that would switch every rule off may be an editor half-way
		// through a save.
		Doubtful: func(old, rs *Ruleset) bool { return rs.empty() && !old.empty() },
		Describe: func(rs *Ruleset) []zap.Field {
			return []zap.Field{zap.Int("tags", len(rs.Tags)), zap.Int("segments", len(rs.Segments)),
				zap.Int("replies", len(rs.Replies))}
		},
		Messages: watch.Messages{
			Reloaded:   "rules reloaded",
			Unreadable: "rules file unreadable; keeping the live rules",
			Refused:    "rules file refused; keeping the live rules",
			Doubtful:   "rules file has no rules any more: nothing is tagged or answered",
		},
	}
}

// versionOf names a version of a rules file: the first 12 hex digits of
// the SHA-256 of its content.
func versionOf(src []byte) string {
	sum := sha256.Sum256(src)
	return hex.EncodeToString(sum[:])[:12]
}

// empty reports whether the ruleset has no rules at all.
func (rs *Ruleset) empty() bool {
	return len(rs.Tags) == 0 && len(rs.Segments) == 0 && len(rs.Replies) == 0 && rs.Default == nil
}
