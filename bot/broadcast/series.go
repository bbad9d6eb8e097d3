package broadcast

import (
	"context"
	"slices"
	"time"

	"github.com/wxcast/wxcast/rules"
	"github.com/wxcast/wxcast/store"
)

// maxSteps bounds a reminder series: every step counts against each
// recipient's monthly cap.
const maxSteps = 4

// Remind turns broadcast id into a reminder series: one send at each
// offset before deadline, each to the frozen audience minus the followers
// who hold exceptTag by then (those who acted, e.g. clicked_promo; "" for
// none). The series is part of what approvers approve, so the plan frozen
// before is void: the creator previews again and one approval then covers
// every step.
func (s *Service) Remind(ctx context.Context, a Admin, id int64, deadline time.Time, offsets []time.Duration, exceptTag string) (*Broadcast, error) {
	sr, r := s.series(id, deadline, offsets, exceptTag)
	if r != nil {
		return nil, r
	}
	return s.edit(ctx, a, id, func(b *Broadcast) error {
		b.Series = sr
		return nil
	})
}

// series checks and builds a series; the offsets come out longest first.
func (s *Service) series(id int64, deadline time.Time, offsets []time.Duration, tag string) (*Series, *Refusal) {
	// Detail names what is wrong (see CodeBadSeries), N and Need the
	// numbers.
	bad := func(what string, n, need int) *Refusal {
		return &Refusal{Code: CodeBadSeries, ID: id, Detail: what, N: n, Need: need}
	}
	offs := slices.Clone(offsets)
	slices.SortFunc(offs, func(x, y time.Duration) int { return int((y - x) / time.Second) })
	offs = slices.Compact(offs)
	switch {
	case len(offs) == 0:
		return nil, bad("no_offsets", 0, 0)
	case len(offs) > maxSteps:
		return nil, bad("too_many", len(offs), maxSteps)
	case offs[len(offs)-1] <= 0:
		return nil, bad("not_before", 0, 0)
	}
	if s.o.MonthlyCap > 0 && len(offs) > s.o.MonthlyCap {
		return nil, bad("monthly_cap", len(offs), s.o.MonthlyCap)
	}
	sr := &Series{Deadline: deadline, Offsets: offs, ExceptTag: tag}
	if s.o.DailyCap > 0 {
		perDay := map[string]int{}
		for i := range offs {
			day := sr.At(i).In(s.loc()).Format("2006-01-02")
			if perDay[day]++; perDay[day] > s.o.DailyCap {
				return nil, bad("daily_cap", perDay[day], s.o.DailyCap)
			}
		}
	}
	if first := sr.At(0); !first.After(s.o.Now()) {
		return nil, &Refusal{Code: CodeSeriesPast, ID: id, At: first}
	}
	for i := 1; i < len(offs); i++ {
		if gap := offs[i-1] - offs[i]; gap < minStepGap {
			return nil, bad("gap", int(gap/time.Minute), int(minStepGap/time.Minute))
		}
	}
	if tag != "" {
		rs := s.rules()
		if rs == nil {
			return nil, refuse(CodeNoRules, id)
		}
		if !slices.ContainsFunc(rs.Tags, func(t *rules.TagRule) bool { return t.Name == tag }) {
			return nil, &Refusal{Code: CodeUnknownTag, ID: id, Detail: tag}
		}
	}
	return sr, nil
}

// skipLateSteps moves series b past the steps whose time is more than
// maxLate gone, or whose deadline has passed (a "10 minutes left"
// reminder must not go out after the deadline), counting them in skipped:
// to the next step still on time (sent now if its time has come), or,
// with none left, to the end of the series.
func (s *Service) skipLateSteps(b *Broadcast, now time.Time, skipped *int) (store.Change, error) {
	sr := b.Series
	for b.Step < len(sr.Offsets) && (now.Sub(sr.At(b.Step)) > maxLate || !now.Before(sr.Deadline)) {
		b.Step++
		*skipped++
	}
	if b.Step == len(sr.Offsets) {
		b.Step--
		b.State, b.Finished = StateSent, now
		if len(b.Batches) == 0 {
			b.State, b.Failure = StateCancelled, "every reminder's time passed"
			return store.Change{Active: -1}, nil
		}
		return store.Change{}, nil // the sender announces it
	}
	b.SendAt = sr.At(b.Step)
	if !now.Before(b.SendAt) {
		b.State = StateSending
	}
	return store.Change{}, nil
}

// minStepGap leaves a step time to send before the next one begins.
const minStepGap = 5 * time.Minute

// stepGaps refuses a series whose reminders come closer together than
// one reminder takes to send (its batches at the batch interval): the next
// would start late, or be skipped.
func (s *Service) stepGaps(b *Broadcast) *Refusal {
	if b.Series == nil || b.Plan == nil {
		return nil
	}
	batches := (b.Plan.Audience + s.o.BatchSize - 1) / s.o.BatchSize
	takes := time.Duration(max(batches-1, 0))*s.o.BatchInterval + time.Minute
	offs := b.Series.Offsets
	for i := 1; i < len(offs); i++ {
		if gap := offs[i-1] - offs[i]; gap < takes {
			return &Refusal{Code: CodeBadSeries, ID: b.ID, Detail: "gap",
				N: int(gap / time.Minute), Need: int((takes + time.Minute - 1) / time.Minute)}
		}
	}
	return nil
}
