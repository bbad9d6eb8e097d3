package rules

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"

	"go.uber.org/zap"

	"github.com/wxcast/wxcast/rules/watch"
)

// Source holds the live ruleset of a file and replaces it when the file
// changes: a valid new version atomically, between two callbacks; an
// invalid one never (the old rules stay live and the problems are
// reported). It is safe for concurrent use.
type Source struct {
	path string
	opts Options
	log  *zap.Logger
	cur  atomic.Pointer[Ruleset]
	mu   sync.Mutex // serialises reloads
	// OnReject, when set, hears about every refused version (for alerts).
	onReject func(version string, err error)
	// last refused version, so a file is reported once, not on every event.
	rejected string
}

// SourceOptions configures NewSource.
type SourceOptions struct {
	Options
	Log *zap.Logger
	// OnReject hears about every refused version (the admin bot will
	// alert with it).
	OnReject func(version string, err error)
}

// NewSource loads path; an invalid file is an error (a server should not
// start without its rules).
func NewSource(path string, o SourceOptions) (*Source, error) {
	if o.Log == nil {
		o.Log = zap.NewNop()
	}
	rs, err := Load(path, o.Options)
	if err != nil {
		return nil, err
	}
	s := &Source{path: path, opts: o.Options, log: o.Log, onReject: o.OnReject}
	s.cur.Store(rs)
	o.Log.Info("rules loaded", zap.String("file", path), zap.String("version", rs.Version),
		zap.Int("tags", len(rs.Tags)), zap.Int("segments", len(rs.Segments)), zap.Int("replies", len(rs.Replies)))
	return s, nil
}

// Static wraps a ruleset that never changes (tests, the CLI).
func Static(rs *Ruleset) *Source {
	s := &Source{log: zap.NewNop()}
	s.cur.Store(rs)
	return s
}

// Current returns the live ruleset.
func (s *Source) Current() *Ruleset { return s.cur.Load() }

// Reload reads the file again now (on SIGHUP, say). It returns the live
// version afterwards and the problems of a refused file; an unchanged file
// is not reloaded.
func (s *Source) Reload() (string, error) {
	v, _, err := s.reload(false)
	return v, err
}

// reload reads and, if valid and new, installs the file. With tentative
// set, an empty or invalid version is not acted on but reported back as
// doubtful, to be checked again once it has had time to settle.
func (s *Source) reload(tentative bool) (version, doubtful string, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	old := s.cur.Load()
	src, err := os.ReadFile(s.path)
	if err != nil {
		if tentative {
			return old.Version, "unreadable", nil
		}
		s.log.Error("rules file unreadable; keeping the live rules", zap.String("file", s.path),
			zap.String("version", old.Version), zap.Error(err))
		return old.Version, "", err
	}
	v := versionOf(src)
	if v == old.Version {
		s.rejected = "" // back to the live version: a bad one is news again
		return old.Version, "", nil
	}
	rs, err := Parse(s.path, src, s.opts)
	// An invalid version, or one that would switch every rule off, may be
	// an editor half-way through a save: act on it only once it has stayed.
	emptied := err == nil && rs.empty() && !old.empty()
	if tentative && (err != nil || emptied || len(bytes.TrimSpace(src)) == 0) {
		return old.Version, v, nil
	}
	if err != nil {
		if v != s.rejected {
			s.rejected = v
			s.log.Error("rules file refused; keeping the live rules", zap.String("file", s.path),
				zap.String("refused", v), zap.String("version", old.Version), zap.Error(err))
			if s.onReject != nil {
				s.onReject(v, err)
			}
		}
		return old.Version, "", err
	}
	s.cur.Store(rs)
	s.rejected = ""
	if emptied {
		s.log.Warn("rules file has no rules any more: nothing is tagged or answered", zap.String("file", s.path),
			zap.String("version", rs.Version), zap.String("previous", old.Version))
	}
	s.log.Info("rules reloaded", zap.String("file", s.path), zap.String("version", rs.Version),
		zap.String("previous", old.Version), zap.Int("tags", len(rs.Tags)),
		zap.Int("segments", len(rs.Segments)), zap.Int("replies", len(rs.Replies)))
	return rs.Version, "", nil
}

// Watch reloads whenever the file changes, once it has settled, until ctx
// ends (see watch.Dir).
func (s *Source) Watch(ctx context.Context) error {
	dir := filepath.Dir(s.path)
	if dir == "" {
		dir = "."
	}
	return watch.Dir(ctx, dir, "rules file", s.log, func(tentative bool) string {
		_, doubt, _ := s.reload(tentative)
		return doubt
	})
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
