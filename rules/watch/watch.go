// Package watch keeps a value read from files live: the rules file and the
// content-check word lists. A Live value is reloaded when its files change,
// once the change has settled, or when asked (on SIGHUP); a valid new
// version is swapped in atomically, an invalid one is refused once and the
// live value stays, and a doubtful one (unreadable, blank, invalid, or
// doubted by its Loader) is only acted on once it has stayed. A Loader
// says how to read and parse one kind of value. The package imports no
// other wxcast package.
package watch

import (
	"context"
	"errors"
	"time"

	"github.com/fsnotify/fsnotify"
	"go.uber.org/zap"
)

// DefaultSettle is how long the directory must stay unchanged before a
// reload: editors that truncate and then write, or write a temporary file
// and rename it, produce several events for one save. A doubtful version
// is only acted on once it has stayed the same for DefaultConfirm more: a
// save in two steps passes through such versions.
const (
	DefaultSettle  = 300 * time.Millisecond
	DefaultConfirm = time.Second
)

// Timing overrides DefaultSettle and DefaultConfirm; a zero field keeps
// the default. Tests shorten or lengthen them to decide what happens.
type Timing struct {
	Settle, Confirm time.Duration
}

func (t Timing) orDefault() Timing {
	if t.Settle <= 0 {
		t.Settle = DefaultSettle
	}
	if t.Confirm <= 0 {
		t.Confirm = DefaultConfirm
	}
	return t
}

// Watch reloads whenever anything in the Loader's directory changes, once
// it has settled, until ctx ends. A first look that finds a doubtful
// version leaves the live value alone; if nothing changes for Confirm
// more, a second look acts on it. The whole directory is watched, so
// saves that replace a file (write a temporary file, rename it over) are
// seen too, and so is a file mounted from a Kubernetes ConfigMap: a
// symlink whose target directory is swapped, so that no event names the
// file. A reload of unchanged files costs a read and a hash. A fixed
// value only waits for ctx.
func (s *Live[T]) Watch(ctx context.Context) error {
	if s.load.Read == nil {
		<-ctx.Done()
		return nil
	}
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return err
	}
	defer w.Close()
	if err := w.Add(s.load.Dir); err != nil {
		return err
	}
	if s.opts.Observe != nil {
		s.opts.Observe(Event{Outcome: Watching, Live: s.cur.Load().version})
	}
	return s.loop(ctx, w, s.opts.Timing.orDefault())
}

func (s *Live[T]) loop(ctx context.Context, w *fsnotify.Watcher, t Timing) error {
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()
	doubted := false // a version seen doubtful, not yet confirmed
	for {
		select {
		case <-ctx.Done():
			return nil
		case _, ok := <-w.Events:
			if !ok {
				return errors.New(s.load.What + ": watcher closed")
			}
			doubted = false
			timer.Reset(t.Settle)
		case err, ok := <-w.Errors:
			if !ok {
				return errors.New(s.load.What + ": watcher closed")
			}
			s.opts.Log.Warn("watcher", zap.String("watching", s.load.What), zap.String("dir", s.load.Dir), zap.Error(err))
		case <-timer.C:
			if doubted {
				// It stayed that way: act on it.
				doubted = false
				s.reload(false)
				continue
			}
			if doubted = s.reload(true).Outcome == Doubtful; doubted {
				timer.Reset(t.Confirm)
			}
		}
	}
}
