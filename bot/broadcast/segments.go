package broadcast

import (
	"context"

	"github.com/wxcast/wxcast/bot/segment"
	"github.com/wxcast/wxcast/rules"
)

// SegmentCount is a segment and how many followers it selects now.
type SegmentCount struct {
	Name        string
	Title       string // the display name, "" when the rules give none
	Description string
	Count       int
}

// findSegment finds the segment an admin typed: its name in any case, or
// its title. An unknown one is refused with the closest names.
func findSegment(rs *rules.Ruleset, typed string) (*rules.Segment, error) {
	if seg, ok := rs.FindSegment(typed); ok {
		return seg, nil
	}
	return nil, &Refusal{Code: CodeUnknownSegment, Detail: typed, Suggest: rs.SuggestSegments(typed)}
}

// SegmentName is a segment's name and its display name ("" when the
// rules give none).
type SegmentName struct {
	Name, Title string
}

// FindSegment finds the live rules' segment an admin typed: its name in
// any case, or its title; an unknown one is refused with the closest
// names.
func (s *Service) FindSegment(typed string) (SegmentName, error) {
	rs := s.rules()
	if rs == nil {
		return SegmentName{}, refuse(CodeNoRules, 0)
	}
	seg, err := findSegment(rs, typed)
	if err != nil {
		return SegmentName{}, err
	}
	return SegmentName{Name: seg.Name, Title: seg.Title}, nil
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
		out = append(out, SegmentCount{Name: seg.Name, Title: seg.Title, Description: seg.Description, Count: t.Matched})
	}
	return out, nil
}

// Count counts the followers the segment an admin typed selects now (see
// findSegment).
func (s *Service) Count(ctx context.Context, name string) (int, error) {
	rs := s.rules()
	if rs == nil {
		return 0, refuse(CodeNoRules, 0)
	}
	seg, err := findSegment(rs, name)
	if err != nil {
		return 0, err
	}
	t, err := segment.Select(rs, seg, s.o.Calendar, s.o.Now()).Count(ctx, s.o.Profiles)
	return t.Matched, err
}
