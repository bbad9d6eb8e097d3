package main

import (
	"context"

	"github.com/wxcast/wxcast/bot/broadcast"
	"github.com/wxcast/wxcast/bot/stats"
	"github.com/wxcast/wxcast/internal/demo"
	"github.com/wxcast/wxcast/store"
)

// demoOutcomes reads the demo cards' clicks, conversions and article
// reads from the store wxcast records them in.
type demoOutcomes struct {
	st *store.Store
	// articles reads the statistics wxcast's fetcher stored (it only
	// reads: it has no API to fetch with).
	articles *stats.Fetcher
}

func newDemoOutcomes(st *store.Store) demoOutcomes {
	return demoOutcomes{st: st, articles: stats.New(stats.Options{Store: st.Broadcasts()})}
}

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
	r, err := o.articles.Report(ctx, b)
	if err != nil {
		return out, err
	}
	out.Article = r.Article
	if len(r.Days) > 0 {
		reads := r.Days[len(r.Days)-1].Read // totals to each date: the last is all so far
		out.Reads = &reads
	}
	return out, nil
}
