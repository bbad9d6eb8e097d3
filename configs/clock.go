package configs

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// ClockRange is a daily span of wall-clock time in the configured time
// zone, written "HH:MM-HH:MM" ("22:30-07:30" spans midnight). From and To
// are minutes after midnight; the span includes From and excludes To. The
// zero value (written "") is no span at all.
type ClockRange struct{ From, To int }

// IsZero reports whether r is no span ("").
func (r ClockRange) IsZero() bool { return r == ClockRange{} }

// Contains reports whether minute m of the day (0 to 1439) lies in r.
func (r ClockRange) Contains(m int) bool {
	switch {
	case r.IsZero():
		return false
	case r.From < r.To:
		return m >= r.From && m < r.To
	}
	return m >= r.From || m < r.To // spans midnight
}

// Len is r's length in minutes.
func (r ClockRange) Len() int {
	if r.IsZero() {
		return 0
	}
	return ((r.To-r.From)%1440 + 1440) % 1440
}

// FirstOutside returns the offset in minutes from r's start of its first
// minute outside q, and false when all of r lies in q.
func (r ClockRange) FirstOutside(q ClockRange) (int, bool) {
	for d := range r.Len() {
		if !q.Contains((r.From + d) % 1440) {
			return d, true
		}
	}
	return 0, false
}

// String writes r as "HH:MM-HH:MM", or "" for no span.
func (r ClockRange) String() string {
	if r.IsZero() {
		return ""
	}
	return clockString(r.From) + "-" + clockString(r.To)
}

func clockString(m int) string { return fmt.Sprintf("%02d:%02d", m/60, m%60) }

// MarshalText writes r as "HH:MM-HH:MM".
func (r ClockRange) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// UnmarshalText reads "HH:MM-HH:MM"; "" is no span. A full-width colon or
// dash, as phone keyboards type them, is accepted too.
func (r *ClockRange) UnmarshalText(b []byte) error {
	s := strings.TrimSpace(string(b))
	if s == "" {
		*r = ClockRange{}
		return nil
	}
	s = strings.NewReplacer("：", ":", "－", "-", "–", "-", "~", "-", "～", "-").Replace(s)
	from, to, ok := strings.Cut(s, "-")
	f, ok1 := parseClock(strings.TrimSpace(from))
	t, ok2 := parseClock(strings.TrimSpace(to))
	if !ok || !ok1 || !ok2 {
		return fmt.Errorf("not a time range such as \"22:30-07:30\": %q", string(b))
	}
	if f == t {
		return fmt.Errorf("time range %q is empty: its start and end are the same", string(b))
	}
	*r = ClockRange{From: f, To: t}
	return nil
}

// MarshalYAML writes r as "HH:MM-HH:MM".
func (r ClockRange) MarshalYAML() (any, error) { return r.String(), nil }

// UnmarshalYAML reads a scalar "HH:MM-HH:MM".
func (r *ClockRange) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return errors.New("must be a time range such as \"22:30-07:30\", not a list or mapping")
	}
	return r.UnmarshalText([]byte(n.Value))
}

// parseClock reads "H:MM" or "HH:MM" as minutes after midnight; "24:00"
// is the end of the day.
func parseClock(s string) (int, bool) {
	hs, ms, ok := strings.Cut(s, ":")
	if !ok || len(hs) < 1 || len(hs) > 2 || len(ms) != 2 {
		return 0, false
	}
	h, err1 := strconv.Atoi(hs)
	m, err2 := strconv.Atoi(ms)
	if err1 != nil || err2 != nil || h < 0 || m < 0 || m > 59 || h > 24 || h == 24 && m != 0 {
		return 0, false
	}
	return h*60 + m, true
}

// ClockRanges is a list of daily spans, written in YAML as a list of
// "HH:MM-HH:MM" or, in YAML and environment variables, as one string of
// them separated by commas.
type ClockRanges []ClockRange

// MarshalText writes the spans separated by commas.
func (rs ClockRanges) MarshalText() ([]byte, error) {
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = r.String()
	}
	return []byte(strings.Join(parts, ",")), nil
}

// UnmarshalText reads spans separated by commas; "" is none.
func (rs *ClockRanges) UnmarshalText(b []byte) error {
	var out ClockRanges
	for part := range strings.SplitSeq(strings.ReplaceAll(string(b), "，", ","), ",") {
		if strings.TrimSpace(part) == "" {
			continue
		}
		var r ClockRange
		if err := r.UnmarshalText([]byte(part)); err != nil {
			return err
		}
		out = append(out, r)
	}
	*rs = out
	return nil
}

// MarshalYAML writes the spans as a list.
func (rs ClockRanges) MarshalYAML() (any, error) {
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = r.String()
	}
	return parts, nil
}

// UnmarshalYAML reads a list of spans or one string of them.
func (rs *ClockRanges) UnmarshalYAML(n *yaml.Node) error {
	switch n.Kind {
	case yaml.ScalarNode:
		return rs.UnmarshalText([]byte(n.Value))
	case yaml.SequenceNode:
		out := make(ClockRanges, 0, len(n.Content))
		for _, item := range n.Content {
			var r ClockRange
			if err := r.UnmarshalYAML(item); err != nil {
				return fmt.Errorf("line %d: %w", item.Line, err)
			}
			out = append(out, r)
		}
		*rs = out
		return nil
	}
	return errors.New("must be a list of time ranges such as [\"07:00-08:30\", \"20:00-22:00\"]")
}
