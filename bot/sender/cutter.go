package sender

import (
	"context"

	"github.com/wxcast/wxcast/bot/broadcast"
	"github.com/wxcast/wxcast/store"
)

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
	return nil
}

// counts are the followers each variant got.
func (c *cutter) counts() []int {
	out := make([]int, len(c.arms))
	for i, a := range c.arms {
		out[i] = a.n
	}
	return out
}
