package broadcast

import (
	"time"
)

// decide chooses the channel of a plan and counts its calls. A plan sends
// by tag when its openid batches do not fit today's remaining mass-send
// quota or its audience is over tag_send_above, and only when it is not
// a reminder series, the account's free tags cover its versions, the
// tagging fits today's quotas and finishes today (see tagBlock).
// Otherwise it sends by openid batches and says why not by tag; a tag
// send that only misses today's end starts the next day when the openid
// batches would not fit today either.
func decide(in planInput) (channel string, c *Calls) {
	c = &Calls{Speed: in.speed}
	per := in.openidCalls()
	c.Mass = in.mass
	c.Mass.Need = per * in.steps
	if in.news > 0 {
		c.Upload = in.upload
		c.Upload.Need = in.news
	}
	if in.wantsTag() {
		tc := in.tagCost()
		no := in.tagBlock(tc)
		switch {
		case no == nil:
			channel = ChannelTag
		case no.Reason == NoTagLate && !in.openidFitsToday():
			channel, c.TagFrom = ChannelTag, in.dayEnd
		default:
			c.NoTag = no
		}
		if channel == ChannelTag {
			in.tagTail(c, tc)
			return channel, c
		}
	}
	in.openidTail(c, per)
	return "", c
}

// tagCost is what sending by tag takes.
type tagCost struct {
	sendall, mass, tag, create int
	atMost                     bool
	tagging                    time.Duration // at TagCallsPerSecond
}

func (in *planInput) tagCost() tagCost {
	var t tagCost
	for _, a := range in.arms {
		if a == 0 {
			continue
		}
		t.create++
		t.sendall++
		t.tag += (a + tagBatch - 1) / tagBatch
		// Followers at 20 tags go in openid batches.
		t.mass += 1 + batches(min(a, in.full), in.batch)
	}
	t.atMost = in.full > 0
	t.tagging = time.Duration(t.tag+t.create) * time.Second / TagCallsPerSecond
	return t
}

// tagBlock is why the plan cannot send by tag today, nil if it can.
func (in *planInput) tagBlock(tc tagCost) *NoTag {
	v := in.versions()
	switch {
	case in.series:
		return &NoTag{Reason: NoTagSeries}
	case !in.tagChecks || in.freeTags < 0:
		return &NoTag{Reason: NoTagTagsRead}
	case in.freeTags < v:
		return &NoTag{Reason: NoTagTags, Need: v, Have: in.freeTags}
	case in.mass.Known() && in.mass.Left < tc.sendall:
		return &NoTag{Reason: NoTagMassQuota, Need: tc.sendall, Have: in.mass.Left}
	}
	for _, q := range []Quota{need(in.tag, tc.tag), need(in.untag, tc.tag), need(in.create, tc.create), need(in.delete, tc.create)} {
		if !q.Fits() {
			return &NoTag{Reason: NoTagQuota, Need: q.Need, Have: q.Left}
		}
	}
	// The tagging and the sendall calls (a minute, generously) must end
	// before the day does.
	if end := in.now.Add(tc.tagging + time.Minute); end.After(in.dayEnd) {
		return &NoTag{Reason: NoTagLate, Need: int((tc.tagging + time.Minute + time.Minute - 1) / time.Minute)}
	}
	return nil
}

func need(q Quota, n int) Quota {
	q.Need = n
	return q
}

// openidFitsToday reports whether the openid batches fit today's quota.
func (in *planInput) openidFitsToday() bool {
	return need(in.mass, in.openidCalls()*in.today).Fits()
}

// tagTail fills in the calls of a tag send and when it would finish.
func (in *planInput) tagTail(c *Calls, tc tagCost) {
	c.Mass = need(in.mass, tc.mass)
	c.AtMost = tc.atMost
	c.Tag, c.Untag = need(in.tag, tc.tag), need(in.untag, tc.tag)
	c.Create, c.Delete = need(in.create, tc.create), need(in.delete, tc.create)
	start := in.now
	if !c.TagFrom.IsZero() {
		start = c.TagFrom
	}
	if in.speed > 0 {
		c.Finish = start.Add(tc.tagging + delivery(audienceOf(in.arms), in.speed))
	}
}

// openidTail fills in what an openid-batch plan reaches today when it
// does not fit, the day it would be complete, and when it would finish.
func (in *planInput) openidTail(c *Calls, per int) {
	today := per * in.today
	if c.Mass.Known() && today > c.Mass.Left {
		c.Short = true
		c.Fit = in.reach(c.Mass.Left)
		if c.Mass.Limit > 0 {
			days := (today - c.Mass.Left + c.Mass.Limit - 1) / c.Mass.Limit
			c.Done = in.dayEnd.AddDate(0, 0, days-1)
		}
		return
	}
	if in.speed <= 0 {
		return
	}
	start := in.now
	if in.series && !in.lastStep.IsZero() {
		start = in.lastStep
	}
	c.Finish = start.Add(time.Duration(max(per-1, 0))*in.interval + delivery(audienceOf(in.arms), in.speed))
}

// reach is how many followers the first calls openid batches reach,
// version after version as the sender sends them.
func (in *planInput) reach(calls int) int {
	n := 0
	for _, a := range in.arms {
		for left := a; calls > 0 && left >= 2; calls-- {
			b := min(left, in.batch)
			if left-b == 1 {
				b-- // as the sender cuts: 10,000 + 1 → 9,999 + 2
			}
			n += b
			left -= b
		}
	}
	return n
}

// delivery is how long WeChat takes to deliver to n followers at speed
// recipients a minute.
func delivery(n, speed int) time.Duration {
	return time.Duration(float64(n) / float64(speed) * float64(time.Minute))
}
