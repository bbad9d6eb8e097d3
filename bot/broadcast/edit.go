package broadcast

import (
	"context"
	"slices"
	"time"

	"github.com/wxcast/wxcast/rules"
	"github.com/wxcast/wxcast/store"
)

const (
	// maxVariants bounds the contents of one broadcast (A plus three
	// more): each variant needs its own preview and its own batches.
	maxVariants = 4
	// maxSteps bounds a reminder series: every step counts against each
	// recipient's monthly cap.
	maxSteps = 4
	// minStepGap leaves a step time to send before the next one begins.
	minStepGap = 5 * time.Minute
)

// AddVariant adds content c as another variant of broadcast id (B, C…).
// Like any change to what approvers approve, it voids the plan: the
// creator previews again.
func (s *Service) AddVariant(ctx context.Context, a Admin, id int64, c Content) (*Broadcast, error) {
	if err := c.Check(); err != nil {
		return nil, err
	}
	return s.edit(ctx, a, id, func(b *Broadcast) error {
		if len(b.Variants)+1 >= maxVariants {
			return &Refusal{Code: CodeTooManyVariants, ID: b.ID, N: maxVariants}
		}
		b.Variants = append(b.Variants, c)
		return nil
	})
}

// SetHoldout sets the share of broadcast id's audience, in per cent (0 to
// 50), that receives nothing and is measured against the recipients.
func (s *Service) SetHoldout(ctx context.Context, a Admin, id int64, percent int) (*Broadcast, error) {
	if percent < 0 || percent > 50 {
		return nil, &Refusal{Code: CodeBadHoldout, ID: id, N: percent}
	}
	return s.edit(ctx, a, id, func(b *Broadcast) error {
		b.Holdout = percent
		return nil
	})
}

// Remind turns broadcast id into a reminder series: one send at each
// offset before deadline, each to the frozen audience minus the followers
// who hold exceptTag by then (those who acted, e.g. clicked_promo; "" for
// none) and, with exceptClicked, who clicked one of its tracked links by
// then. The series is part of what approvers approve, so the plan frozen
// before is void: the creator previews again and one approval then covers
// every step.
func (s *Service) Remind(ctx context.Context, a Admin, id int64, deadline time.Time, offsets []time.Duration, exceptTag string, exceptClicked bool) (*Broadcast, error) {
	sr, r := s.series(id, deadline, offsets, exceptTag)
	if r != nil {
		return nil, r
	}
	sr.ExceptClicked = exceptClicked
	return s.edit(ctx, a, id, func(b *Broadcast) error {
		b.Series = sr
		return nil
	})
}

// edit changes what approvers approve of broadcast id (its creator's, or
// any for an owner) before it is sent; a plan frozen before is void.
func (s *Service) edit(ctx context.Context, a Admin, id int64, fn func(b *Broadcast) error) (*Broadcast, error) {
	return s.o.Records.Update(ctx, id, func(b *Broadcast) (store.Change, error) {
		if !previewable(b.State) {
			return store.Change{}, wrongState(b)
		}
		if !a.Has(RoleOwner) && b.Creator != a.OpenID {
			return store.Change{}, refuse(CodeNotYours, b.ID)
		}
		if err := fn(b); err != nil {
			return store.Change{}, err
		}
		b.Plan, b.Approvals, b.Override, b.State = nil, nil, nil, StateDraft
		return store.Change{}, nil
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
	if m := s.o.Caps.Monthly(); m > 0 && len(offs) > m {
		return nil, bad("monthly_cap", len(offs), m)
	}
	sr := &Series{Deadline: deadline, Offsets: offs, ExceptTag: tag}
	if d := s.o.Caps.Daily(); d > 0 {
		perDay := map[string]int{}
		for i := range offs {
			day := sr.At(i).In(s.o.Windows.loc()).Format("2006-01-02")
			if perDay[day]++; perDay[day] > d {
				return nil, bad("daily_cap", perDay[day], d)
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
