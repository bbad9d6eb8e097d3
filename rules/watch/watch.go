// Package watch reloads a file or a directory of files when it changes,
// once the change has settled: the rules file and the word lists share it.
package watch

import (
	"context"
	"errors"
	"time"

	"github.com/fsnotify/fsnotify"
	"go.uber.org/zap"
)

// Settle is how long the directory must stay unchanged before a reload:
// editors that truncate and then write, or write a temporary file and
// rename it, produce several events for one save. A version that is empty
// or invalid is only acted on once it has stayed the same for Confirm
// more: a save in two steps passes through such versions.
const (
	Settle  = 300 * time.Millisecond
	Confirm = time.Second
)

// Reload reloads what is watched. With tentative set it may decline to act
// on a doubtful version (empty, invalid, unreadable) and return a non-empty
// doubt; Dir then calls it again without tentative once that has stayed
// Confirm.
type Reload func(tentative bool) (doubt string)

// Dir calls reload whenever anything in dir changes, once it has settled,
// until ctx ends. It watches the whole directory, so saves that replace a
// file (write a temporary file, rename it over) are seen too, and so is a
// file mounted from a Kubernetes ConfigMap: a symlink whose target
// directory is swapped, so that no event names the file. A reload of
// unchanged content costs a read and a hash. what names the source in
// errors and logs.
func Dir(ctx context.Context, dir, what string, log *zap.Logger, reload Reload) error {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return err
	}
	defer w.Close()
	if err := w.Add(dir); err != nil {
		return err
	}
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()
	doubt := "" // a version seen doubtful, not yet confirmed
	for {
		select {
		case <-ctx.Done():
			return nil
		case _, ok := <-w.Events:
			if !ok {
				return errors.New(what + ": watcher closed")
			}
			doubt = ""
			timer.Reset(Settle)
		case err, ok := <-w.Errors:
			if !ok {
				return errors.New(what + ": watcher closed")
			}
			log.Warn("watcher", zap.String("watching", what), zap.String("dir", dir), zap.Error(err))
		case <-timer.C:
			if doubt != "" {
				// It stayed that way: act on it.
				doubt = ""
				reload(false)
				continue
			}
			if doubt = reload(true); doubt != "" {
				timer.Reset(Confirm)
			}
		}
	}
}
