package broadcast

import (
	"context"
	"fmt"
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
	bad := func(format string, args ...any) *Refusal {
		return &Refusal{Code: CodeBadSeries, ID: id, Detail: fmt.Sprintf(format, args...)}
	}
	offs := slices.Clone(offsets)
	slices.SortFunc(offs, func(x, y time.Duration) int { return int((y - x) / time.Second) })
	offs = slices.Compact(offs)
	switch {
	case len(offs) == 0:
		return nil, bad("no offsets")
	case len(offs) > maxSteps:
		return nil, bad("%d sends, at most %d", len(offs), maxSteps)
	case offs[len(offs)-1] <= 0:
		return nil, bad("offset %v is not before the deadline", offs[len(offs)-1])
	}
	sr := &Series{Deadline: deadline, Offsets: offs, ExceptTag: tag}
	if first := sr.At(0); !first.After(s.o.Now()) {
		return nil, &Refusal{Code: CodePastTime, ID: id, At: first}
	}
	for i := 1; i < len(offs); i++ {
		if gap := offs[i-1] - offs[i]; gap < minStepGap {
			return nil, bad("%v between two sends, at least %v", gap, minStepGap)
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
// maxLate gone, counting them in skipped: to the next step still on time
// (sent now if its time has come), or, with none left, to the end of the
// series.
func (s *Service) skipLateSteps(b *Broadcast, now time.Time, skipped *int) (store.Change, error) {
	sr := b.Series
	for b.Step < len(sr.Offsets) && now.Sub(sr.At(b.Step)) > maxLate {
		b.Step++
		*skipped++
	}
	if b.Step == len(sr.Offsets) {
		b.Step--
		b.State, b.Finished = StateSent, now
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
