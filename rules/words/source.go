package words

import (
	"errors"
	"io/fs"
	"os"

	"go.uber.org/zap"

	"github.com/wxcast/wxcast/rules/watch"
)

// Source holds the live List of a directory and replaces it when the files
// change (Watch) or on request (Reload): a valid new version atomically,
// between two checks; an invalid one never (the old list stays live and
// the problems are reported once per version). Watch acts on an
// unreadable or invalid version only once it has stayed. A Source of the
// default lists never reloads. It is safe for concurrent use.
type Source = watch.Live[*List]

// SourceOptions configures NewSource.
type SourceOptions struct {
	// Default is the word lists used when no directory is given
	// (configs.DefaultWords()).
	Default fs.FS
	Log     *zap.Logger
	// OnReject hears about every refused version once (for alerts).
	OnReject func(version string, err error)
	// Timing and Observe are for tests: see watch.Options.
	watch.Timing
	Observe func(watch.Event)
}

// NewSource loads the word lists of dir, or with dir "" those of
// o.Default, which never reload. Invalid lists are an error: a server
// should not start without its checks.
func NewSource(dir string, o SourceOptions) (*Source, error) {
	if o.Log == nil {
		o.Log = zap.NewNop()
	}
	var s *Source
	switch {
	case dir != "":
		var err error
		s, err = watch.New(loader(dir), watch.Options{Log: o.Log, OnReject: o.OnReject, Timing: o.Timing, Observe: o.Observe})
		if err != nil {
			return nil, err
		}
	case o.Default != nil:
		l, err := Load(o.Default)
		if err != nil {
			return nil, err
		}
		s = watch.Fixed(l, l.Version)
	default:
		return nil, errors.New("words: no directory and no default word lists")
	}
	l := s.Current()
	o.Log.Info("word lists loaded", append([]zap.Field{zap.String("dir", dir), zap.Bool("default", dir == ""),
		zap.String("version", l.Version)}, describe(l)...)...)
	return s, nil
}

// loader reads the word lists of dir for a Source. Any event in the
// directory counts, so saves by rename and a Kubernetes ConfigMap (whose
// ..data symlink is swapped) are seen.
func loader(dir string) watch.Loader[*List] {
	return watch.Loader[*List]{
		Dir:   dir,
		What:  "word lists",
		Where: []zap.Field{zap.String("dir", dir)},
		Read: func() (watch.Content[*List], error) {
			files, err := readLists(os.DirFS(dir))
			if err != nil {
				return watch.Content[*List]{}, err
			}
			return watch.Content[*List]{Version: versionOf(files), Parse: func() (*List, error) { return Parse(files) }}, nil
		},
		Describe: describe,
		Messages: watch.Messages{
			Reloaded:   "word lists reloaded",
			Unreadable: "word lists unreadable; keeping the live lists",
			Refused:    "word lists refused; keeping the live lists",
		},
	}
}

// describe sums up a list for the logs.
func describe(l *List) []zap.Field {
	return []zap.Field{zap.Int("words", l.Words()), zap.Strings("categories", l.cats)}
}
