package broadcast

import (
	"testing"
	"time"

	"github.com/wxcast/wxcast/bot/wxapi"
)

var callsNow = time.Date(2026, 12, 7, 14, 0, 0, 0, time.UTC) // 22:00 in Beijing

// callsInput is a plan of arms in batches of 10 with room for everything:
// 100 mass-send calls left, 10 free tags, tagging quotas to spare, a
// day that ends in ten hours.
func callsInput(arms ...int) planInput {
	q := Quota{Left: 100, Limit: 100}
	big := Quota{Left: 10000, Limit: 10000}
	return planInput{
		arms: arms, steps: 1, today: 1, batch: 10, interval: 30 * time.Second, tagAbove: 500000,
		mass: q, upload: Quota{Left: 10, Limit: 10}, tag: big, untag: big, create: big, delete: big,
		freeTags: 10, tagChecks: true, speed: 600, now: callsNow, dayEnd: callsNow.Add(10 * time.Hour),
	}
}

func TestDecideChannel(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      func() planInput
		channel string
		noTag   *NoTag
		mass    int // mass-send calls needed
	}{
		{"fits by openid", func() planInput { return callsInput(50) }, "", nil, 5},
		{"lone follower in no batch", func() planInput { return callsInput(21, 1) }, "", nil, 3},
		{"over tag_send_above", func() planInput {
			in := callsInput(60)
			in.tagAbove = 50
			return in
		}, ChannelTag, nil, 1},
		{"batches over the quota go by tag", func() planInput {
			in := callsInput(50)
			in.mass.Left = 3
			return in
		}, ChannelTag, nil, 1},
		{"a series keeps openid batches", func() planInput {
			in := callsInput(50)
			in.mass.Left, in.series, in.steps, in.today = 3, true, 2, 2
			return in
		}, "", &NoTag{Reason: NoTagSeries}, 10},
		{"too few free tags", func() planInput {
			in := callsInput(30, 20)
			in.mass.Left, in.freeTags = 3, 1
			return in
		}, "", &NoTag{Reason: NoTagTags, Need: 2, Have: 1}, 5},
		{"tags unreadable", func() planInput {
			in := callsInput(50)
			in.tagAbove, in.freeTags = 10, -1
			return in
		}, "", &NoTag{Reason: NoTagTagsRead}, 5},
		{"tagging quota too small", func() planInput {
			in := callsInput(120)
			in.mass.Left, in.tag.Left = 3, 2
			return in
		}, "", &NoTag{Reason: NoTagQuota, Need: 3, Have: 2}, 12},
		{"tag deletion quota too small", func() planInput {
			in := callsInput(50)
			in.mass.Left, in.delete.Left = 3, 0
			return in
		}, "", &NoTag{Reason: NoTagQuota, Need: 1, Have: 0}, 5},
		{"no mass-send call left for sendall", func() planInput {
			in := callsInput(50)
			in.tagAbove, in.mass.Left = 10, 0
			return in
		}, "", &NoTag{Reason: NoTagMassQuota, Need: 1, Have: 0}, 5},
		{"past the same-day cutoff, openid fits", func() planInput {
			in := callsInput(50000)
			in.tagAbove, in.batch, in.dayEnd = 100, 10000, callsNow.Add(2*time.Minute)
			return in
		}, "", &NoTag{Reason: NoTagLate, Need: 3}, 5},
		{"an unknown quota is not short", func() planInput {
			in := callsInput(50)
			in.mass = Quota{Left: -1}
			return in
		}, "", nil, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ch, c := decide(tt.in())
			if ch != tt.channel {
				t.Errorf("channel %q, want %q (no tag: %+v)", ch, tt.channel, c.NoTag)
			}
			if (c.NoTag == nil) != (tt.noTag == nil) || c.NoTag != nil && *c.NoTag != *tt.noTag {
				t.Errorf("no tag %+v, want %+v", c.NoTag, tt.noTag)
			}
			if c.Mass.Need != tt.mass {
				t.Errorf("mass-send calls %d, want %d", c.Mass.Need, tt.mass)
			}
		})
	}
}

// The outside report: 50 followers in batches of 10 with 3 calls left.
// Without the tag channel the plan says it reaches 30 today and finishes
// tomorrow; with it, it sends by tag within today's quotas.
func TestDecideFiftyWithThreeCallsLeft(t *testing.T) {
	t.Parallel()
	in := callsInput(50)
	in.mass.Left, in.freeTags = 3, 0
	ch, c := decide(in)
	if ch != "" || !c.Short || c.Fit != 30 || c.Mass != (Quota{Need: 5, Left: 3, Limit: 100}) {
		t.Fatalf("without free tags: channel %q, calls %+v; want openid, short, 30 reached, 5 of 3", ch, c)
	}
	if want := in.dayEnd; !c.Done.Equal(want) || !c.Finish.IsZero() {
		t.Errorf("done %v finish %v, want done %v (tomorrow) and no finish today", c.Done, c.Finish, want)
	}

	in.freeTags = 1
	ch, c = decide(in)
	if ch != ChannelTag || c.Short || c.NoTag != nil {
		t.Fatalf("with a free tag: channel %q, calls %+v; want tag", ch, c)
	}
	want := Calls{Mass: Quota{Need: 1, Left: 3, Limit: 100}, Tag: Quota{Need: 1, Left: 10000, Limit: 10000},
		Untag: Quota{Need: 1, Left: 10000, Limit: 10000}, Create: Quota{Need: 1, Left: 10000, Limit: 10000},
		Delete: Quota{Need: 1, Left: 10000, Limit: 10000}, Speed: 600,
		// two calls at 10 a second, then 50 followers at 600 a minute
		Finish: callsNow.Add(200*time.Millisecond + 5*time.Second)}
	if *c != want {
		t.Errorf("calls %+v, want %+v", *c, want)
	}
}

// A plan that misses today's end by tag and does not fit by openid either
// sends by tag from the next day.
func TestDecideTagFromTomorrow(t *testing.T) {
	t.Parallel()
	in := callsInput(50000)
	in.batch, in.mass.Left, in.dayEnd = 10000, 3, callsNow.Add(2*time.Minute)
	ch, c := decide(in)
	if ch != ChannelTag || !c.TagFrom.Equal(in.dayEnd) || c.NoTag != nil {
		t.Fatalf("channel %q tag from %v no tag %+v; want tag from %v", ch, c.TagFrom, c.NoTag, in.dayEnd)
	}
	if c.Tag.Need != 1000 || c.Untag.Need != 1000 || c.Create.Need != 1 {
		t.Errorf("tagging calls %+v %+v %+v, want 1000, 1000, 1", c.Tag, c.Untag, c.Create)
	}
}

// Openid batches that do not fit spread over the next days' full quotas.
func TestDecideDoneDay(t *testing.T) {
	t.Parallel()
	in := callsInput(2500)
	in.mass, in.series, in.freeTags = Quota{Left: 40, Limit: 100}, false, 0
	_, c := decide(in) // 250 calls: 40 today, 100 tomorrow, 100 the day after, 10 the day after that
	if !c.Short || c.Fit != 400 || !c.Done.Equal(in.dayEnd.AddDate(0, 0, 2)) {
		t.Fatalf("short %v fit %d done %v, want 400 reached today and done %v", c.Short, c.Fit, c.Done, in.dayEnd.AddDate(0, 0, 2))
	}
}

// Followers who may be at 20 tags make the tag plan's mass-send calls an
// upper bound: openid batches for them on top of the sendall.
func TestDecideTwentyTagsAtMost(t *testing.T) {
	t.Parallel()
	in := callsInput(100)
	in.mass.Left, in.full = 5, 25
	ch, c := decide(in)
	if ch != ChannelTag || !c.AtMost || c.Mass.Need != 1+3 {
		t.Fatalf("channel %q at most %v mass %d, want tag, at most 4", ch, c.AtMost, c.Mass.Need)
	}
}

// The finish of an openid plan: the intervals between its batches, then
// WeChat's delivery at its speed.
func TestDecideFinish(t *testing.T) {
	t.Parallel()
	in := callsInput(1200, 1200)
	in.batch = 1000
	_, c := decide(in)
	want := callsNow.Add(3*30*time.Second + 4*time.Minute)
	if !c.Finish.Equal(want) || c.Short {
		t.Fatalf("finish %v short %v, want %v", c.Finish, c.Short, want)
	}
	in.speed = 0
	if _, c := decide(in); !c.Finish.IsZero() || c.Speed != 0 {
		t.Errorf("finish %v at an unknown speed, want none", c.Finish)
	}
}

func TestReach(t *testing.T) {
	t.Parallel()
	in := callsInput(21, 15)
	for calls, want := range map[int]int{0: 0, 1: 10, 2: 19, 3: 21, 4: 31, 5: 36, 9: 36} {
		if got := in.reach(calls); got != want {
			t.Errorf("reach(%d) = %d, want %d", calls, got, want)
		}
	}
}

func TestAtTwentyTags(t *testing.T) {
	t.Parallel()
	tags := make([]wxapi.TagInfo, 19)
	for i := range tags {
		tags[i] = wxapi.TagInfo{ID: 100 + i, Count: 1000}
	}
	if n := atTwentyTags(tags); n != 0 {
		t.Errorf("19 tags: %d followers may hold 20, want none", n)
	}
	tags = append(tags, wxapi.TagInfo{ID: 200, Count: 30})
	if n := atTwentyTags(tags); n != (19*1000+30)/20 {
		t.Errorf("20 tags: %d followers may hold 20, want %d", n, (19*1000+30)/20)
	}
}
