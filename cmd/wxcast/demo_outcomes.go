package main

import (
	"context"

	"github.com/wxcast/wxcast/bot/broadcast"
	"github.com/wxcast/wxcast/internal/demo"
	"github.com/wxcast/wxcast/store"
)

// demoOutcomes reads the demo cards' clicks and conversions from the
// store wxcast records them in.
type demoOutcomes struct{ st *store.Store }

func (o demoOutcomes) Outcome(ctx context.Context, b *broadcast.Broadcast) (demo.Outcome, error) {
	var out demo.Outcome
	c, err := o.st.Links().ClickCounts(ctx, b.ID, len(b.Variants)+1)
	if err != nil {
		return out, err
	}
	for _, n := range c.Clickers {
		out.Clickers += n
	}
	for _, n := range c.Taps {
		out.Taps += n
	}
	if out.Conversions, err = o.st.Conversions().Count(ctx, b.ID); err != nil {
		return out, err
	}
	return out, nil
}
