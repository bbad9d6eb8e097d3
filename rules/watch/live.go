package watch

import (
	"sync"
	"sync/atomic"
	"time"

	"go.uber.org/zap"
)

// Loader says how to read one kind of live value: where its files are,
// how to read, parse and sum them up, and what to log.
type Loader[T any] struct {
	// Dir is the directory Watch watches: the files' own, so that saves
	// by rename and a swapped ConfigMap symlink are seen.
	Dir string
	// What names the source in errors and the watcher's own warnings
	// ("rules file").
	What string
	// Where are the log fields that locate the files
	// (zap.String("file", path)); they start every line logged.
	Where []zap.Field
	// Read reads the files and names their version without parsing them.
	Read func() (Content[T], error)
	// Doubtful, if set, reports a valid new value that may be a save half
	// done, such as a rules file that would switch every rule off: Watch
	// acts on it only once it has stayed, and installing it is logged at
	// Warn with Messages.Doubtful.
	Doubtful func(old, new T) bool
	// Describe returns the log fields that sum up a value (how many rules).
	Describe func(T) []zap.Field
	// Messages are what is logged.
	Messages Messages
}

// Content is one version of the files, read but not yet parsed.
type Content[T any] struct {
	// Version names the content: equal content, equal version.
	Version string
	// Blank marks content with nothing in it, which an editor that
	// truncates before it writes passes through: doubtful even if it parses.
	Blank bool
	// Parse parses the content. It is called only for a version that is
	// not the live one.
	Parse func() (T, error)
}

// Messages are the log messages of a Live value. Each line carries the
// Loader's Where fields, then the versions, then the error or the
// Describe fields.
type Messages struct {
	Reloaded   string // Info: a new version is live
	Unreadable string // Error: the files could not be read; the live version stays
	Refused    string // Error, once per version: invalid; the live version stays
	Doubtful   string // Warn: a version Loader.Doubtful doubted is live nonetheless
}

// Options configures a Live value. The zero value logs nothing and has
// the production timing.
type Options struct {
	Log *zap.Logger
	// OnReject hears about each refused version once (for alerts).
	OnReject func(version string, err error)
	// OnSwap, if set, hears about each new live version once it is
	// installed (to record what runs). It is called with the reload's
	// lock held: it must not reload.
	OnSwap func(version string)
	Timing
	// Observe, if set, hears the outcome of every look at the files, after
	// it is done; tests wait on it rather than sleep. It must not block.
	Observe func(Event)
}

// Live holds the live value of a set of files and replaces it when they
// change: a valid new version atomically, between two uses; an invalid
// one never (the live value stays and the problems are logged and
// reported once per version). It is safe for concurrent use.
type Live[T any] struct {
	load     Loader[T] // Read is nil for a fixed value
	opts     Options
	cur      atomic.Pointer[snapshot[T]]
	mu       sync.Mutex // serialises reloads
	rejected string     // the last refused version, reported once
	// refusal is the standing refusal (see Refused); nil when none.
	refusal atomic.Pointer[Refusal]
}

// snapshot is a value with its version.
type snapshot[T any] struct {
	v       T
	version string
}

// New reads and parses the files of l. Problems are an error: a server
// should not start without them.
func New[T any](l Loader[T], o Options) (*Live[T], error) {
	c, err := l.Read()
	if err != nil {
		return nil, err
	}
	v, err := c.Parse()
	if err != nil {
		return nil, err
	}
	if o.Log == nil {
		o.Log = zap.NewNop()
	}
	s := &Live[T]{load: l, opts: o}
	s.cur.Store(&snapshot[T]{v, c.Version})
	return s, nil
}

// Fixed returns a Live value that never changes: Reload keeps it and
// Watch only waits for its context to end.
func Fixed[T any](v T, version string) *Live[T] {
	s := &Live[T]{opts: Options{Log: zap.NewNop()}}
	s.cur.Store(&snapshot[T]{v, version})
	return s
}

// Current returns the live value.
func (s *Live[T]) Current() T { return s.cur.Load().v }

// Reload reads the files again now (on SIGHUP, say). It returns the live
// version afterwards and the problems of a refused version; an unchanged
// version is not parsed again.
func (s *Live[T]) Reload() (version string, err error) {
	e := s.reload(false)
	return e.Live, e.Err
}

// reload looks at the files and tells Observe what came of it. With
// tentative set, a doubtful version is not acted on (see Watch).
func (s *Live[T]) reload(tentative bool) Event {
	e := s.look(tentative)
	if s.opts.Observe != nil {
		s.opts.Observe(e)
	}
	return e
}

// look reads the files and, if they are valid and new, installs them.
func (s *Live[T]) look(tentative bool) Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	old := s.cur.Load()
	e := Event{Outcome: Unchanged, Tentative: tentative, Version: old.version, Live: old.version}
	if s.load.Read == nil {
		return e
	}
	c, err := s.load.Read()
	switch {
	case err != nil && tentative:
		e.Outcome, e.Version, e.Err = Doubtful, "", err
		return e
	case err != nil:
		e.Outcome, e.Version, e.Err = Unreadable, "", err
		s.logError(s.load.Messages.Unreadable, zap.String("version", old.version), zap.Error(err))
		return e
	case c.Version == old.version:
		s.rejected = "" // back to the live version: a bad one is news again
		s.refusal.Store(nil)
		return e
	}
	v, err := c.Parse()
	doubtful := err == nil && s.load.Doubtful != nil && s.load.Doubtful(old.v, v)
	e.Version, e.Err = c.Version, err
	switch {
	case tentative && (err != nil || doubtful || c.Blank):
		e.Outcome = Doubtful
	case err != nil:
		e.Outcome = Refused
		s.refuse(c.Version, old.version, err)
	default:
		e.Outcome, e.Live = Swapped, c.Version
		s.swap(old, &snapshot[T]{v, c.Version}, doubtful)
	}
	return e
}

// refuse logs and reports a refused version, unless it was the last one
// refused too.
func (s *Live[T]) refuse(version, live string, err error) {
	if version == s.rejected {
		return
	}
	s.rejected = version
	s.refusal.Store(&Refusal{Version: version, Live: live, At: time.Now(), Err: err})
	s.logError(s.load.Messages.Refused, zap.String("refused", version), zap.String("version", live), zap.Error(err))
	if s.opts.OnReject != nil {
		s.opts.OnReject(version, err)
	}
}

// swap installs a new version.
func (s *Live[T]) swap(old, now *snapshot[T], doubtful bool) {
	s.cur.Store(now)
	s.rejected = ""
	s.refusal.Store(nil)
	versions := []zap.Field{zap.String("version", now.version), zap.String("previous", old.version)}
	if doubtful {
		s.opts.Log.Warn(s.load.Messages.Doubtful, s.fields(versions...)...)
	}
	s.opts.Log.Info(s.load.Messages.Reloaded, s.fields(append(versions, s.describe(now.v)...)...)...)
	if s.opts.OnSwap != nil {
		s.opts.OnSwap(now.version)
	}
}

func (s *Live[T]) logError(msg string, fields ...zap.Field) {
	s.opts.Log.Error(msg, s.fields(fields...)...)
}

// fields puts the Loader's Where fields in front of fields.
func (s *Live[T]) fields(fields ...zap.Field) []zap.Field {
	return append(append([]zap.Field(nil), s.load.Where...), fields...)
}

func (s *Live[T]) describe(v T) []zap.Field {
	if s.load.Describe == nil {
		return nil
	}
	return s.load.Describe(v)
}
