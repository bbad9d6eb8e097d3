package results

import (
	"context"
	"time"

	"github.com/wxcast/wxcast/bot/broadcast"
	"github.com/wxcast/wxcast/store"
)

// Clicks and conversions are counted exactly, not sampled: every clicker
// and every converter is read with their place in the member index, and
// counted in their arm when they clicked or converted within the window
// after the broadcast reached them. Each version's share is of the
// followers it reached (its accepted batches); the holdout's of its size.

// Metrics results can count.
const (
	// MetricCallback: any callback (or a tag added) after the batch, read
	// from a sample of followers' histories.
	MetricCallback = "callback"
	// MetricClick: a click on one of the version's tracked links.
	MetricClick = "click"
	// MetricConversion: a change of a conversion attribute.
	MetricConversion = "conversion"
)

// Versus names what an arm's lift is measured against.
const (
	VersusHoldout = "holdout" // the holdout
	VersusFirst   = "A"       // the first version
)

// pageSize is how many clickers or converters are looked up in the member
// index at once.
const pageSize = 1000

// Signals reports whether broadcast b has any clicks (taps on its tracked
// links) and any conversions recorded, so status can show what exists.
func (s *Service) Signals(ctx context.Context, b *broadcast.Broadcast) (clicks, conversions bool, err error) {
	if s.o.Clicks != nil {
		c, err := s.o.Clicks.ClickCounts(ctx, b.ID, len(b.Variants)+1)
		if err != nil {
			return false, false, err
		}
		for _, n := range c.Taps {
			clicks = clicks || n > 0
		}
	}
	if s.o.Conversions != nil {
		n, err := s.o.Conversions.Count(ctx, b.ID)
		if err != nil {
			return false, false, err
		}
		conversions = n > 0
	}
	return clicks, conversions, nil
}

// Clicks counts, per version of b, the followers who clicked one of its
// tracked links within window after their batch (0: the configured
// window), of those it reached, and compares each later version with the
// first. Taps by others (a forwarded link, outside WeChat) are counted
// apart. Nil until a batch was accepted, or without click records.
func (s *Service) Clicks(ctx context.Context, b *broadcast.Broadcast, window time.Duration) (*Results, error) {
	r := newReach(b)
	if s.o.Clicks == nil || !r.sent() {
		return nil, nil
	}
	res := s.exactResults(b, r, MetricClick, window)
	res.Versus = VersusFirst
	for v := range res.Arms {
		a := &res.Arms[v]
		scan := func(fn func(string, time.Time) error) error { return s.o.Clicks.ScanClickers(ctx, b.ID, v, fn) }
		err := s.countArms(ctx, b, r, res.Window, scan, func(arm int) {
			if arm == v {
				a.Interacted++
			}
		})
		if err != nil {
			return nil, err
		}
		a.finish()
		if v > 0 {
			a.lift(res.Arms[0])
		}
	}
	c, err := s.o.Clicks.ClickCounts(ctx, b.ID, len(b.Variants)+1)
	if err != nil {
		return nil, err
	}
	for k, n := range c.Taps {
		if k.Kind != store.TapReceiver {
			res.Other += n
		}
	}
	return res, nil
}

// Conversions counts, per version of b and its holdout, the followers
// who converted within window after their batch (the holdout: after the
// first accepted batch), of the arm, with each version's lift over the
// holdout. Nil until a batch was accepted, or without conversion records.
func (s *Service) Conversions(ctx context.Context, b *broadcast.Broadcast, window time.Duration) (*Results, error) {
	r := newReach(b)
	if s.o.Conversions == nil || !r.sent() {
		return nil, nil
	}
	res := s.exactResults(b, r, MetricConversion, window)
	res.Versus = VersusHoldout
	var h *ArmResult
	if b.Holdout > 0 && len(b.Arms) > len(b.Variants)+1 {
		n := b.Arms[len(b.Arms)-1]
		res.Arms = append(res.Arms, ArmResult{Name: "holdout", Holdout: true, Size: n, Measured: n})
		h = &res.Arms[len(res.Arms)-1]
	}
	scan := func(fn func(string, time.Time) error) error { return s.o.Conversions.Scan(ctx, b.ID, fn) }
	err := s.countArms(ctx, b, r, res.Window, scan, func(arm int) {
		switch {
		case arm >= 0 && arm < len(b.Variants)+1:
			res.Arms[arm].Interacted++
		case arm < 0 && h != nil:
			h.Interacted++
		}
	})
	if err != nil {
		return nil, err
	}
	for i := range res.Arms {
		res.Arms[i].finish()
	}
	if h != nil {
		for i := range res.Arms[:len(res.Arms)-1] {
			res.Arms[i].lift(*h)
		}
	}
	return res, nil
}

// exactResults starts the results of metric: one arm per version, sized
// by the followers it reached, and the window.
func (s *Service) exactResults(b *broadcast.Broadcast, r reach, metric string, window time.Duration) *Results {
	if window <= 0 {
		window = s.o.MeasureWindow
	}
	res := &Results{Metric: metric, Window: window, Until: r.last.Add(window)}
	for v := range len(b.Variants) + 1 {
		a := ArmResult{Name: broadcast.VariantName(v), Measured: r.received[v]}
		if v < len(b.Arms) {
			a.Size = b.Arms[v]
		}
		res.Arms = append(res.Arms, a)
	}
	return res
}

// scanFunc walks followers with a time each (clickers, converters).
type scanFunc func(fn func(openid string, at time.Time) error) error

// countArms walks scan, finds each follower's place in b's member index
// a page at a time, and calls count with the arm of each whose time falls
// within window after the broadcast reached them.
func (s *Service) countArms(ctx context.Context, b *broadcast.Broadcast, r reach, window time.Duration, scan scanFunc, count func(arm int)) error {
	openids := make([]string, 0, pageSize)
	times := make([]time.Time, 0, pageSize)
	flush := func() error {
		if len(openids) == 0 {
			return nil
		}
		vals, err := s.o.Store.Members(ctx, b.ID, openids)
		if err != nil {
			return err
		}
		for i, v := range vals {
			m, ok := broadcast.ParseMember(v)
			if !ok {
				continue
			}
			if arm, from, ok := r.of(m); ok && within(times[i], from, window) {
				count(arm)
			}
		}
		openids, times = openids[:0], times[:0]
		return nil
	}
	err := scan(func(o string, at time.Time) error {
		openids, times = append(openids, o), append(times, at)
		if len(openids) == pageSize {
			return flush()
		}
		return nil
	})
	if err != nil {
		return err
	}
	return flush()
}

// Measure compares b's arms by metric (a Metric* constant): clicks and
// conversions exactly, callbacks (the default) from a sample, narrowed to
// tag being added when tag is set.
func (s *Service) Measure(ctx context.Context, b *broadcast.Broadcast, metric string, window time.Duration, tag string) (*Results, error) {
	switch metric {
	case MetricClick:
		return s.Clicks(ctx, b, window)
	case MetricConversion:
		return s.Conversions(ctx, b, window)
	}
	return s.Results(ctx, b, window, tag)
}
