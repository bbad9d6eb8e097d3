package broadcast

import (
	"context"

	"github.com/wxcast/wxcast/bot/segment"
)

// SegmentCount is a segment and how many followers it selects now.
type SegmentCount struct {
	Name        string
	Description string
	Count       int
}

// Segments counts every segment of the live rules.
func (s *Service) Segments(ctx context.Context) ([]SegmentCount, error) {
	rs := s.rules()
	if rs == nil {
		return nil, refuse(CodeNoRules, 0)
	}
	now := s.o.Now()
	out := make([]SegmentCount, 0, len(rs.Segments))
	for _, seg := range rs.Segments {
		t, err := segment.Select(rs, seg, s.o.Calendar, now).Count(ctx, s.o.Profiles)
		if err != nil {
			return nil, err
		}
		out = append(out, SegmentCount{Name: seg.Name, Description: seg.Description, Count: t.Matched})
	}
	return out, nil
}

// Count counts the followers the segment called name selects now.
func (s *Service) Count(ctx context.Context, name string) (int, error) {
	rs := s.rules()
	if rs == nil {
		return 0, refuse(CodeNoRules, 0)
	}
	seg, ok := rs.Segment(name)
	if !ok {
		return 0, &Refusal{Code: CodeUnknownSegment, Detail: name}
	}
	t, err := segment.Select(rs, seg, s.o.Calendar, s.o.Now()).Count(ctx, s.o.Profiles)
	return t.Matched, err
}
