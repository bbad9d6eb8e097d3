package sender

import (
	"context"
	"sync"

	"github.com/wxcast/wxcast/bot/broadcast"
	"github.com/wxcast/wxcast/bot/wxapi"
	"github.com/wxcast/wxcast/store"
)

// materialize turns b's audience snapshot into the batches of its current
// step when that step begins sending: followers who unsubscribed since the
// preview are dropped, as are followers other broadcasts brought to a
// frequency cap since, and, for a later reminder step, followers who hold
// the series' tag by now; no one is added. The audience is split into the
// holdout and the variants (broadcast.ArmOf), and each variant's followers
// are cut into mass-send lists of at most BatchSize and never one (the
// API refuses a list of one). The lists are written under a fresh name
// and only take effect with the record that names them, so a crash
// half-way leaves nothing half-built in use.
func (s *Sender) materialize(ctx context.Context, b *broadcast.Broadcast) error {
	tag := ""
	if b.Series != nil && b.Step > 0 {
		tag = b.Series.ExceptTag
	}
	ex, err := s.excluded(ctx, tag, false)
	if err != nil {
		return err
	}
	if err := s.clicked(ctx, b, ex); err != nil {
		return err
	}
	key := broadcast.RandomKey()
	cut := s.newCutter(ctx, b, key, len(b.Batches))
	w, err := s.walk(ctx, b, ex, cut.members, cut.add)
	if err != nil {
		return err
	}
	if err := cut.finish(); err != nil {
		return err
	}
	if err := cut.members.flush(); err != nil {
		return err
	}
	if err := s.settle(ctx, b, key, w, cut); err != nil {
		return err
	}
	return s.o.Records.Save(ctx, b, store.Change{Owner: s.o.Owner})
}

func (s *Sender) newCutter(ctx context.Context, b *broadcast.Broadcast, key string, first int) *cutter {
	return &cutter{st: s.o.Store, ctx: ctx, id: b.ID, key: key, step: b.Step, first: first,
		size: s.o.BatchSize, arms: make([]arm, 1+len(b.Variants)),
		members: &memberWriter{st: s.o.Store, ctx: ctx, id: b.ID, split: len(b.Batches) == 0}}
}

// walked is what walk left out of the frozen audience, and each
// variant's count.
type walked struct {
	unsub, acted, capped, holdoutN int
	holdout                        []string
	split                          bool
	counts                         []int
}

// walk streams b's audience snapshot, leaves out the followers ex names
// and those other broadcasts brought to a frequency cap since, splits the
// rest into the holdout and the variants (broadcast.ArmOf), and hands
// each variant's followers to add. The openid batches and the tag
// channel's runs are both built on it.
//
// On the step that splits the audience, mw learns why each follower left
// out was left out (the batches and runs tell it the others).
func (s *Sender) walk(ctx context.Context, b *broadcast.Broadcast, ex exclusions, mw *memberWriter, add func(v int, o string) error) (walked, error) {
	// The audience is split once, when the first step that goes out is
	// built (a late first reminder may have been skipped).
	w := walked{split: len(b.Batches) == 0, counts: make([]int, 1+len(b.Variants))}
	now := s.now()
	for i := range b.Plan.Chunks {
		chunk, err := s.o.Store.ReadList(ctx, b.ID, "a"+b.Plan.Key, i)
		if err != nil {
			return w, err
		}
		live := chunk[:0:0]
		for _, o := range chunk {
			_, g := ex.gone[o]
			_, a := ex.acted[o]
			switch {
			case g:
				w.unsub++
				err = mw.left(o, broadcast.LeftUnsubscribed)
			case a:
				w.acted++
				err = mw.left(o, broadcast.LeftActed)
			default:
				live = append(live, o)
			}
			if err != nil {
				return w, err
			}
		}
		before := live
		live, n, err := s.o.Caps.Uncapped(ctx, live, now)
		if err != nil {
			return w, err
		}
		w.capped += n
		if err := mw.capped(before, live); err != nil {
			return w, err
		}
		for _, o := range live {
			v := broadcast.ArmOf(o, b.ID, b.Holdout, len(b.Variants)+1)
			if v < 0 {
				w.holdoutN++
				if w.split {
					w.holdout = append(w.holdout, o)
					if err := mw.left(o, broadcast.LeftHoldout); err != nil {
						return w, err
					}
				}
				continue
			}
			w.counts[v]++
			if err := add(v, o); err != nil {
				return w, err
			}
		}
	}
	return w, nil
}

// settle records on b what walk and cut did: the holdout, the cut, the
// batches (not saved).
func (s *Sender) settle(ctx context.Context, b *broadcast.Broadcast, key string, w walked, cut *cutter) error {
	if w.split {
		n, err := s.writeHoldout(ctx, b.ID, key, w.holdout)
		if err != nil {
			return err
		}
		b.HoldoutKey, b.HoldoutN = key, n
		b.Arms = append(w.counts, w.holdoutN)
	}
	b.Dropped = w.unsub
	b.Cut = &broadcast.Cut{Step: b.Step, Unsubscribed: w.unsub, Acted: w.acted, Capped: w.capped,
		Lone: cut.lone, Holdout: w.holdoutN}
	b.BatchKey = key
	b.Batches = append(b.Batches, cut.batches...)
	b.Lone += cut.lone
	b.Capped += w.capped
	b.Acted += w.acted
	return nil
}

// writeHoldout keeps the holdout's openids, to measure them later.
func (s *Sender) writeHoldout(ctx context.Context, id int64, key string, openids []string) (int, error) {
	n := 0
	for start := 0; start < len(openids); start += batchMax {
		end := min(start+batchMax, len(openids))
		if err := s.o.Store.WriteList(ctx, id, "h"+key, n, openids[start:end], broadcast.ListTTL); err != nil {
			return 0, err
		}
		n++
	}
	return n, nil
}

// exclusions are the followers left out when sending begins: not
// subscribed now (gone), holding a reminder series' tag (acted), and,
// for the tag channel, holding WeChat's 20 tags already (full).
type exclusions struct {
	gone, acted, full map[string]struct{}
}

// excluded lists every follower who is not subscribed now and, with tag
// set, every subscribed follower who holds tag now; with full set, every
// subscribed follower whose profile shows wxapi.MaxFollowerTags WeChat
// tags.
func (s *Sender) excluded(ctx context.Context, tag string, full bool) (exclusions, error) {
	var mu sync.Mutex
	ex := exclusions{gone: map[string]struct{}{}, acted: map[string]struct{}{}, full: map[string]struct{}{}}
	now := s.now()
	err := s.o.Profiles.Scan(ctx, store.ScanOptions{}, func(batch []*store.Profile) error {
		var held []string
		mu.Lock()
		defer mu.Unlock()
		for _, p := range batch {
			switch {
			case !p.Subscribed:
				ex.gone[p.OpenID] = struct{}{}
			case tag != "" && p.HasTag(tag, now):
				ex.acted[p.OpenID] = struct{}{}
			case full:
				if held = p.AppendWeChatTags(held[:0]); len(held) >= wxapi.MaxFollowerTags {
					ex.full[p.OpenID] = struct{}{}
				}
			}
		}
		return nil
	})
	return ex, err
}

// cutter cuts each variant's followers into batches as they stream in.
type cutter struct {
	st      *store.Broadcasts
	ctx     context.Context
	id      int64
	key     string
	step    int
	first   int // index of the first batch of this step
	size    int
	arms    []arm
	batches []broadcast.Batch
	lone    int
	members *memberWriter
}

// arm is one variant's followers on their way into batches: a full batch
// is held back until it is known not to be the last, so that one left
// over can be moved into the last batch (10,000 + 1 → 9,999 + 2).
type arm struct {
	pending, cur []string
	n            int
}

func (c *cutter) add(v int, o string) error {
	a := &c.arms[v]
	a.n++
	a.cur = append(a.cur, o)
	if len(a.cur) < c.size {
		return nil
	}
	if a.pending != nil {
		if err := c.write(v, a.pending); err != nil {
			return err
		}
	}
	a.pending, a.cur = a.cur, make([]string, 0, c.size)
	return nil
}

func (c *cutter) finish() error {
	for v := range c.arms {
		a := &c.arms[v]
		if len(a.cur) == 1 && a.pending != nil {
			a.cur = append(a.cur, a.pending[len(a.pending)-1])
			a.pending = a.pending[:len(a.pending)-1]
		}
		if a.pending != nil {
			if err := c.write(v, a.pending); err != nil {
				return err
			}
		}
		switch len(a.cur) {
		case 0:
		case 1:
			c.lone++ // the variant's whole audience is one follower
			if err := c.members.left(a.cur[0], broadcast.LeftLone); err != nil {
				return err
			}
		default:
			if err := c.write(v, a.cur); err != nil {
				return err
			}
		}
	}
	return nil
}

func (c *cutter) write(v int, list []string) error {
	i := c.first + len(c.batches)
	if err := c.st.WriteList(c.ctx, c.id, "s"+c.key, i, list, broadcast.ListTTL); err != nil {
		return err
	}
	c.batches = append(c.batches, broadcast.Batch{Size: len(list), State: broadcast.BatchPending, Variant: v, Step: c.step, Key: c.key})
	return c.members.batch(list, broadcast.BatchMember(i))
}

// counts are the followers each variant got.
func (c *cutter) counts() []int {
	out := make([]int, len(c.arms))
	for i, a := range c.arms {
		out[i] = a.n
	}
	return out
}
