package sender

import (
	"context"

	"github.com/wxcast/wxcast/bot/broadcast"
	"github.com/wxcast/wxcast/store"
)

// memberWriter fills a broadcast's member index (broadcast.Member) while
// its batches are built: who is in which batch or tag run, and, on the
// step that splits the audience, why the others were left out. Later
// reminder steps only write batches: a follower left out of a reminder
// still received the steps before it. Entries are written in runs of
// memberRun; a crash before the record names the batches leaves entries
// the rebuilt batches overwrite.
type memberWriter struct {
	st      *store.Broadcasts
	ctx     context.Context
	id      int64
	split   bool
	openids []string
	values  []string
}

const memberRun = 10000

// batch records that the followers of list are in m (a batch or a run).
func (w *memberWriter) batch(list []string, m broadcast.Member) error {
	v := m.Encode()
	for _, o := range list {
		if err := w.add(o, v); err != nil {
			return err
		}
	}
	return nil
}

// left records that o was left out for why, on the splitting step.
func (w *memberWriter) left(o, why string) error {
	if !w.split {
		return nil
	}
	return w.add(o, broadcast.LeftMember(why).Encode())
}

// capped records as capped the followers of before missing from after
// (the frequency cap's cut keeps the order and only removes).
func (w *memberWriter) capped(before, after []string) error {
	if !w.split || len(before) == len(after) {
		return nil
	}
	kept := make(map[string]struct{}, len(after))
	for _, o := range after {
		kept[o] = struct{}{}
	}
	for _, o := range before {
		if _, ok := kept[o]; !ok {
			if err := w.left(o, broadcast.LeftCapped); err != nil {
				return err
			}
		}
	}
	return nil
}

func (w *memberWriter) add(o, v string) error {
	w.openids = append(w.openids, o)
	w.values = append(w.values, v)
	if len(w.openids) >= memberRun {
		return w.flush()
	}
	return nil
}

// flush writes what is buffered.
func (w *memberWriter) flush() error {
	if len(w.openids) == 0 {
		return nil
	}
	err := w.st.WriteMembers(w.ctx, w.id, w.openids, w.values, broadcast.ListTTL)
	w.openids, w.values = w.openids[:0], w.values[:0]
	return err
}
