package words

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"sync"
	"sync/atomic"

	"go.uber.org/zap"

	"github.com/wxcast/wxcast/rules/watch"
)

// Source holds the live List of a directory and replaces it when the files
// change: a valid new version atomically, between two checks; an invalid
// one never (the old list stays live and the problems are reported). It is
// safe for concurrent use.
type Source struct {
	dir      string // "" for a fixed list
	log      *zap.Logger
	onReject func(version string, err error)
	cur      atomic.Pointer[List]
	mu       sync.Mutex // serialises reloads
	rejected string     // the last refused version, reported once
}

// SourceOptions configures NewSource.
type SourceOptions struct {
	// Default is the word lists used when no directory is given
	// (configs.DefaultWords()).
	Default fs.FS
	Log     *zap.Logger
	// OnReject hears about every refused version once (for alerts).
	OnReject func(version string, err error)
}

// NewSource loads the word lists of dir, or with dir "" those of
// o.Default, which never reload. Invalid lists are an error: a server
// should not start without its checks.
func NewSource(dir string, o SourceOptions) (*Source, error) {
	if o.Log == nil {
		o.Log = zap.NewNop()
	}
	var fsys fs.FS
	switch {
	case dir != "":
		fsys = os.DirFS(dir)
	case o.Default != nil:
		fsys = o.Default
	default:
		return nil, errors.New("words: no directory and no default word lists")
	}
	l, err := Load(fsys)
	if err != nil {
		return nil, err
	}
	s := &Source{dir: dir, log: o.Log, onReject: o.OnReject}
	s.cur.Store(l)
	o.Log.Info("word lists loaded", zap.String("dir", dir), zap.Bool("default", dir == ""),
		zap.String("version", l.Version), zap.Int("words", l.Words()), zap.Strings("categories", l.cats))
	return s, nil
}

// Current returns the live list.
func (s *Source) Current() *List { return s.cur.Load() }

// Reload reads the directory again now (on SIGHUP, say). It returns the
// live version afterwards and the problems of a refused version; unchanged
// files are not recompiled. A Source of the default lists never reloads.
func (s *Source) Reload() (string, error) {
	v, _, err := s.reload(false)
	return v, err
}

// reload reads and, if valid and new, installs the lists. With tentative
// set, an unreadable or invalid version is not acted on but reported back
// as doubtful, to be checked again once it has had time to settle.
func (s *Source) reload(tentative bool) (version, doubtful string, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	old := s.cur.Load()
	if s.dir == "" {
		return old.Version, "", nil
	}
	files, err := readLists(os.DirFS(s.dir))
	if err != nil {
		if tentative {
			return old.Version, "unreadable", nil
		}
		s.log.Error("word lists unreadable; keeping the live lists", zap.String("dir", s.dir),
			zap.String("version", old.Version), zap.Error(err))
		return old.Version, "", err
	}
	v := versionOf(files)
	if v == old.Version {
		s.rejected = "" // back to the live version: a bad one is news again
		return old.Version, "", nil
	}
	l, err := Parse(files)
	if err != nil {
		if tentative {
			return old.Version, v, nil
		}
		if v != s.rejected {
			s.rejected = v
			s.log.Error("word lists refused; keeping the live lists", zap.String("dir", s.dir),
				zap.String("refused", v), zap.String("version", old.Version), zap.Error(err))
			if s.onReject != nil {
				s.onReject(v, err)
			}
		}
		return old.Version, "", err
	}
	s.cur.Store(l)
	s.rejected = ""
	s.log.Info("word lists reloaded", zap.String("dir", s.dir), zap.String("version", l.Version),
		zap.String("previous", old.Version), zap.Int("words", l.Words()), zap.Strings("categories", l.cats))
	return l.Version, "", nil
}

// Watch reloads whenever a file of the directory changes, once the files
// have settled, until ctx ends. Any event in the directory counts, so
// saves by rename and a Kubernetes ConfigMap (whose ..data symlink is
// swapped) are seen. For the default lists it only waits for ctx.
func (s *Source) Watch(ctx context.Context) error {
	if s.dir == "" {
		<-ctx.Done()
		return nil
	}
	return watch.Dir(ctx, s.dir, "word lists", s.log, func(tentative bool) string {
		_, doubt, _ := s.reload(tentative)
		return doubt
	})
}
