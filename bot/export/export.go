package export

import (
	"context"
	"fmt"
	"time"

	"github.com/wxcast/wxcast/bot/broadcast"
)

// The stores an export reads; the store package's types implement them.
type (
	// Members walks a broadcast's member index (store.Broadcasts).
	Members interface {
		ScanMembers(ctx context.Context, id int64, fn func(openid, value string) error) error
	}
	// Clicks reads receivers' first clicks on a version's tracked links
	// (store.Links).
	Clicks interface {
		FirstClicks(ctx context.Context, id int64, version int, openids []string) ([]time.Time, error)
	}
	// Conversions reads first conversions (store.Conversions).
	Conversions interface {
		Times(ctx context.Context, id int64, openids []string) ([]time.Time, error)
	}
	// Unsubscribes reads who unsubscribed within 24 h of receiving a
	// broadcast (store.Caps).
	Unsubscribes interface {
		Unsubscribed(ctx context.Context, id int64, openids []string) ([]bool, error)
	}
)

// Sources are the stores an export reads.
type Sources struct {
	Members      Members
	Clicks       Clicks
	Conversions  Conversions
	Unsubscribes Unsubscribes
}

// PageSize is how many followers one page holds: one read of each store
// per page (an HMGET or SMISMEMBER of this many fields).
const PageSize = 1000

// Run calls fn with the rows of b's frozen audience, a page of at most
// PageSize at a time, in no particular order; fn may keep nothing of a
// page after it returns (the slice is reused). It returns the number of
// rows. A follower written twice to the index during a scan may rarely
// come twice.
func Run(ctx context.Context, b *broadcast.Broadcast, src Sources, fn func(page []Row) error) (int, error) {
	p := pager{b: b, src: src, fn: fn, rows: make([]Row, 0, PageSize)}
	err := src.Members.ScanMembers(ctx, b.ID, func(openid, value string) error {
		m, ok := broadcast.ParseMember(value)
		if !ok {
			return fmt.Errorf("export: broadcast %d: member index value %q is not one this wxcast reads (a newer version wrote it?)", b.ID, value)
		}
		r := Row{OpenID: openid}
		place(&r, b, m)
		p.rows = append(p.rows, r)
		if len(p.rows) == PageSize {
			return p.flush(ctx)
		}
		return nil
	})
	if err == nil {
		err = p.flush(ctx)
	}
	return p.n, err
}

type pager struct {
	b    *broadcast.Broadcast
	src  Sources
	fn   func([]Row) error
	rows []Row
	n    int
}

// flush reads the page's clicks, conversions and unsubscribes and hands
// it on.
func (p *pager) flush(ctx context.Context) error {
	if len(p.rows) == 0 {
		return nil
	}
	if err := p.fill(ctx); err != nil {
		return err
	}
	if err := p.fn(p.rows); err != nil {
		return err
	}
	p.n += len(p.rows)
	p.rows = p.rows[:0]
	return nil
}

func (p *pager) fill(ctx context.Context) error {
	id := p.b.ID
	all := make([]string, len(p.rows))
	var received []int // rows whose batch WeChat accepted
	for i, r := range p.rows {
		all[i] = r.OpenID
		if r.Outcome == OutcomeAccepted {
			received = append(received, i)
		}
	}
	conv, err := p.src.Conversions.Times(ctx, id, all)
	if err = answered(err, "conversions", len(conv), len(all)); err != nil {
		return err
	}
	for i, t := range conv {
		p.rows[i].Converted = t
	}
	// Only receivers' clicks are kept per follower (anyone else's tap is
	// counted, not named), and only they can have been laid at this
	// broadcast's door when they unsubscribed.
	if len(received) == 0 {
		return nil
	}
	openids := make([]string, len(received))
	for j, i := range received {
		openids[j] = p.rows[i].OpenID
	}
	unsub, err := p.src.Unsubscribes.Unsubscribed(ctx, id, openids)
	if err = answered(err, "unsubscribes", len(unsub), len(openids)); err != nil {
		return err
	}
	for j, i := range received {
		p.rows[i].Unsubscribed = unsub[j]
	}
	return p.fillClicks(ctx, received)
}

// fillClicks reads the first clicks of the receivers among the rows, one
// call per version.
func (p *pager) fillClicks(ctx context.Context, received []int) error {
	byVersion := map[int][]int{}
	for _, i := range received {
		v := p.b.Batches[p.rows[i].Batch].Variant
		byVersion[v] = append(byVersion[v], i)
	}
	for v, rows := range byVersion {
		openids := make([]string, len(rows))
		for j, i := range rows {
			openids[j] = p.rows[i].OpenID
		}
		first, err := p.src.Clicks.FirstClicks(ctx, p.b.ID, v, openids)
		if err = answered(err, "clicks", len(first), len(openids)); err != nil {
			return err
		}
		for j, i := range rows {
			p.rows[i].FirstClick = first[j]
		}
	}
	return nil
}

// answered checks that a store answered for every follower asked about.
func answered(err error, what string, got, asked int) error {
	if err == nil && got != asked {
		err = fmt.Errorf("export: %s of %d followers came back as %d", what, asked, got)
	}
	return err
}
