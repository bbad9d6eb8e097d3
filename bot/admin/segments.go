package admin

import (
	"github.com/wxcast/wxcast/bot/broadcast"
)

// segment is how a reply names a segment: its name, and its display name
// next to it when the rules give one.
func (b *Bot) segment(name, title string) string {
	if title == "" || title == name {
		return name
	}
	return b.t(kSegmentTitled, name, title)
}

// segmentOf names the segment of a broadcast by the live rules' display
// name; a segment the rules no longer have shows by its name alone.
func (b *Bot) segmentOf(name string) string {
	s, err := b.svc.segments.FindSegment(name)
	if err != nil || s.Name != name {
		return name
	}
	return b.segment(s.Name, s.Title)
}

// unknownSegment words the refusal of a segment no rule defines, with
// the closest names when there are some.
func (b *Bot) unknownSegment(r *broadcast.Refusal) string {
	if len(r.Suggest) == 0 {
		return b.t(kRefuse+"unknown_segment", orDash(r.Detail))
	}
	quoted := make([]string, len(r.Suggest))
	for i, s := range r.Suggest {
		quoted[i] = b.t(kQuoted, s)
	}
	return b.t(kRefuse+"unknown_segment.suggest", orDash(r.Detail), b.join(quoted))
}
