package main

import (
	"fmt"

	"github.com/wxcast/wxcast/rules"
)

// findSegment finds the segment NAME names as the chat does: its name in
// any case, or its title. A name that matches none is refused with the
// closest names, as the chat suggests them, and the whole list.
func findSegment(rs *rules.Ruleset, file, name string) (*rules.Segment, error) {
	if seg, ok := rs.FindSegment(name); ok {
		return seg, nil
	}
	if near := rs.SuggestSegments(name); len(near) > 0 {
		return nil, fmt.Errorf("%s has no segment %q; did you mean %s? (segments: %s)", file, name, list(near), segmentNames(rs))
	}
	return nil, fmt.Errorf("%s has no segment %q (segments: %s)", file, name, segmentNames(rs))
}
