package store

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"
)

// messageKinds are the kinds a follower sends (as opposed to events);
// they count as messages in the rolling windows.
func isMessageKind(kind string) bool {
	switch kind {
	case "text", "image", "voice", "video", "shortvideo", "location", "link":
		return true
	}
	return false
}

// Without returns a copy of p with the given events taken off its counts
// by kind and its day and hour buckets, as if they had not happened: used
// to estimate a profile as it was before them (back-testing). Tag changes
// in events are ignored.
func (p *Profile) Without(events []HistoryEntry, cal Calendar) *Profile {
	q := *p
	counts := p.Counts()
	days, hours := bucketMap(p.days), bucketMap(p.hours)
	for _, e := range events {
		if e.IsTagChange() {
			continue
		}
		if counts[e.Kind] > 0 {
			counts[e.Kind]--
		}
		if e.Kind == "unsubscribe" || e.Kind == KindAttributes {
			continue // recorded, not activity: never in the buckets
		}
		take(days, cal.Day(e.At), isMessageKind(e.Kind))
		take(hours, cal.Hour(e.At), isMessageKind(e.Kind))
	}
	q.days, q.hours = bucketString(days), bucketString(hours)
	var b strings.Builder
	for k, v := range counts {
		if v > 0 {
			if b.Len() > 0 {
				b.WriteString(itemSep)
			}
			b.WriteString(k + "=" + strconv.FormatInt(v, 10))
		}
	}
	q.counts = b.String()
	return &q
}

func bucketMap(s string) map[int64][2]int64 {
	m := make(map[int64][2]int64)
	eachBucket(s, func(unit, msgs, events int64) { m[unit] = [2]int64{msgs, events} })
	return m
}

func take(m map[int64][2]int64, unit int64, message bool) {
	b, ok := m[unit]
	if !ok {
		return
	}
	i := 1
	if message {
		i = 0
	}
	if b[i] > 0 {
		b[i]--
	}
	if b[0] == 0 && b[1] == 0 {
		delete(m, unit)
		return
	}
	m[unit] = b
}

func bucketString(m map[int64][2]int64) string {
	units := make([]int64, 0, len(m))
	for u := range m {
		units = append(units, u)
	}
	sort.Slice(units, func(i, j int) bool { return units[i] < units[j] })
	parts := make([]string, len(units))
	for i, u := range units {
		parts[i] = fmt.Sprintf("%d:%d:%d", u, m[u][0], m[u][1])
	}
	return strings.Join(parts, ",")
}

// Histories reads the histories of several followers in one pipeline,
// newest entry first, in the order of openids.
func (f *Followers) Histories(ctx context.Context, openids []string) ([][]HistoryEntry, error) {
	pipe := f.s.rdb.Pipeline()
	cmds := make([]*redis.StringSliceCmd, len(openids))
	for i, id := range openids {
		cmds[i] = pipe.LRange(ctx, f.s.keys.history(id), 0, -1)
	}
	if _, err := pipe.Exec(ctx); err != nil && err != redis.Nil {
		return nil, fmt.Errorf("store: read histories: %w", err)
	}
	out := make([][]HistoryEntry, len(openids))
	for i, c := range cmds {
		for _, r := range c.Val() {
			if h, ok := decodeHistory(r); ok {
				out[i] = append(out[i], h)
			}
		}
	}
	return out, nil
}
