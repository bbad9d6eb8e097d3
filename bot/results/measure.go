package results

import (
	"context"
	"time"

	"github.com/wxcast/wxcast/bot/broadcast"
	"github.com/wxcast/wxcast/store"
)

// Holdout and variant results. WeChat reports no per-follower opens of a
// mass message, so a follower counts as having interacted with a
// broadcast when wxcast received a callback from them (any message or
// event, or, when a tag is named, that tag being added) within the
// measuring window after their batch was accepted. Holdout followers are
// measured from the broadcast's first accepted batch. The measure reads
// followers' histories, which keep profile.history_days of events.

// maxMeasured bounds the followers read per arm: a 95% interval is then
// at most ±2.2 points wide, and status stays quick for any audience.
const maxMeasured = 2000

// ArmResult is how one arm of a broadcast did.
type ArmResult struct {
	Name     string // "A", "B"… or "holdout"
	Holdout  bool
	Size     int // followers in the arm
	Measured int // of them, read (clicks and conversions: reached, all counted)
	// Interacted counts those of Measured who did what the metric counts.
	Interacted int
	// Share of Measured who interacted, and its 95% Wilson interval.
	Share, Lo, Hi float64
	// Lift over the holdout (clicks: the difference with version A) with
	// its 95% interval (in shares); HasLift is false without one.
	Lift, LiftLo, LiftHi float64
	HasLift              bool
}

// holdoutList is the size of a full holdout list (as the sender writes
// them).
const holdoutList = 10000

// Compared reports whether b has arms to compare: variants or a holdout,
// once sending began.
func Compared(b *broadcast.Broadcast) bool {
	return len(b.Arms) > 0 && len(b.Batches) > 0 && (b.Holdout > 0 || len(b.Variants) > 0)
}

// Results compares a broadcast's arms by one metric (a Metric*
// constant).
type Results struct {
	Metric string
	Arms   []ArmResult
	Window time.Duration
	Tag    string
	// Until is when the window of the last batch closes: results before
	// then are still growing.
	Until time.Time
	// Versus is what the arms' lifts compare with (a Versus* constant).
	Versus string
	// Other counts, for clicks, the taps on the broadcast's links by
	// anyone but the version's receivers: forwarded links, taps outside
	// WeChat.
	Other int64
}

// Results measures broadcast b's arms over window after each batch (0:
// the configured window), counting callbacks, or the adding of tag when
// tag is set.
func (s *Service) Results(ctx context.Context, b *broadcast.Broadcast, window time.Duration, tag string) (*Results, error) {
	if !Compared(b) || s.o.Histories == nil {
		return nil, nil
	}
	if window <= 0 {
		window = s.o.MeasureWindow
	}
	res := &Results{Metric: MetricCallback, Window: window, Tag: tag, Versus: VersusHoldout}
	var first time.Time
	step := b.Batches[0].Step // the step the audience was split at
	for _, x := range b.Batches {
		if x.Step == step && !x.Accepted.IsZero() {
			if first.IsZero() || x.Accepted.Before(first) {
				first = x.Accepted
			}
			if end := x.Accepted.Add(window); end.After(res.Until) {
				res.Until = end
			}
		}
	}
	for v := range len(b.Variants) + 1 {
		r, err := s.measureVariant(ctx, b, v, window, tag)
		if err != nil {
			return nil, err
		}
		res.Arms = append(res.Arms, r)
	}
	if b.Holdout > 0 && !first.IsZero() {
		r, err := s.measureHoldout(ctx, b, first, window, tag)
		if err != nil {
			return nil, err
		}
		res.Arms = append(res.Arms, r)
		for i := range res.Arms[:len(res.Arms)-1] {
			res.Arms[i].lift(r)
		}
	}
	return res, nil
}

func (s *Service) measureVariant(ctx context.Context, b *broadcast.Broadcast, v int, window time.Duration, tag string) (ArmResult, error) {
	r := ArmResult{Name: broadcast.VariantName(v)}
	if v < len(b.Arms) {
		r.Size = b.Arms[v]
	}
	var refs []listRef
	step := b.Batches[0].Step
	for i, x := range b.Batches {
		if x.Step == step && x.Variant == v && x.State == broadcast.BatchSent && !x.Accepted.IsZero() {
			refs = append(refs, listRef{b.BatchList(i), i, x.Size, x.Accepted})
		}
	}
	return r, s.measureLists(ctx, b.ID, &r, refs, window, tag)
}

func (s *Service) measureHoldout(ctx context.Context, b *broadcast.Broadcast, from time.Time, window time.Duration, tag string) (ArmResult, error) {
	r := ArmResult{Name: "holdout", Holdout: true, Size: b.Arms[len(b.Arms)-1]}
	refs := make([]listRef, b.HoldoutN)
	for i := range refs {
		refs[i] = listRef{"h" + b.HoldoutKey, i, holdoutList, from}
	}
	return r, s.measureLists(ctx, b.ID, &r, refs, window, tag)
}

// listRef is one stored openid list of an arm and when its followers
// were reached.
type listRef struct {
	name string
	i    int
	size int
	from time.Time
}

// measureLists measures about maxMeasured followers of an arm: whole
// lists spread evenly over the arm (lists are cut from a scan in no
// particular order, so any of them is a fair sample), thinned to
// maxMeasured.
func (s *Service) measureLists(ctx context.Context, id int64, r *ArmResult, refs []listRef, window time.Duration, tag string) error {
	total := 0
	for _, x := range refs {
		total += x.size
	}
	if total == 0 {
		return nil
	}
	avg := max(1, total/len(refs))
	m := min(len(refs), (maxMeasured+avg-1)/avg)
	budget := maxMeasured
	for j := range m {
		x := refs[j*len(refs)/m]
		list, err := s.o.Store.ReadList(ctx, id, x.name, x.i)
		if err != nil {
			return err
		}
		if share := budget / (m - j); len(list) > share {
			list = list[:share]
		}
		budget -= len(list)
		if err := s.measure(ctx, r, list, x.from, window, tag); err != nil {
			return err
		}
	}
	r.finish()
	return nil
}

// measure reads openids' histories and counts those who interacted in
// [from, from+window).
func (s *Service) measure(ctx context.Context, r *ArmResult, openids []string, from time.Time, window time.Duration, tag string) error {
	for start := 0; start < len(openids); start += 500 {
		part := openids[start:min(start+500, len(openids))]
		hs, err := s.o.Histories.Histories(ctx, part)
		if err != nil {
			return err
		}
		for _, h := range hs {
			r.Measured++
			if interacted(h, from, from.Add(window), tag) {
				r.Interacted++
			}
		}
	}
	return nil
}

// notInteraction reports whether a callback of kind says nothing about
// a broadcast: (un)following, and the location WeChat reports every few
// seconds on its own.
func notInteraction(kind string) bool {
	return kind == "subscribe" || kind == "unsubscribe" || kind == "location_report"
}

func interacted(h []store.HistoryEntry, from, to time.Time, tag string) bool {
	// Histories keep whole seconds.
	from, to = from.Truncate(time.Second), to.Truncate(time.Second)
	for _, e := range h {
		if e.At.Before(from) || !e.At.Before(to) {
			continue
		}
		switch {
		case tag != "":
			if e.Kind == store.KindTagAdded && e.Key == tag {
				return true
			}
		case !e.IsTagChange() && !notInteraction(e.Kind):
			return true
		}
	}
	return false
}
