package admin

import (
	"context"
	"time"

	"github.com/wxcast/wxcast/bot/broadcast"
)

// callLines say how a plan reaches its audience, what it needs of
// today's WeChat quotas, whether it fits today, and when it would be
// delivered; nothing for a plan made without them.
func (b *Bot) callLines(p *broadcast.Plan) []string {
	c := p.Calls
	if c == nil {
		return nil
	}
	ch := p.Channel
	if ch == "" {
		ch = "openid"
	}
	lines := []string{b.word(kChannel, ch)}
	if c.NoTag != nil {
		lines = append(lines, b.noTag(c.NoTag))
	}
	mass := kPlanMass
	if c.AtMost {
		mass = kPlanMassAtMost
	}
	lines = append(lines, b.t(mass, thousands(c.Mass.Need), b.left(c.Mass)))
	if c.Upload.Need > 0 {
		lines = append(lines, b.t(kPlanUpload, thousands(c.Upload.Need), b.left(c.Upload)))
	}
	if p.Channel == broadcast.ChannelTag {
		lines = append(lines, b.t(kPlanTagging, thousands(c.Tag.Need), b.left(c.Tag), thousands(c.Untag.Need), b.left(c.Untag),
			thousands(c.Create.Need), b.left(c.Create), thousands(c.Delete.Need), b.left(c.Delete)))
	}
	switch {
	case c.Short:
		line := b.t(kPlanShort, thousands(c.Mass.Left), thousands(c.Mass.Need), thousands(c.Fit))
		if !c.Done.IsZero() {
			line += b.t(kPlanDone, b.day(c.Done))
		}
		return append(lines, line)
	case !c.TagFrom.IsZero():
		lines = append(lines, b.t(kPlanTagFrom, b.day(c.TagFrom)))
	}
	if c.Finish.IsZero() {
		return append(lines, b.t(kPlanFinishUnknown))
	}
	return append(lines, b.t(kPlanFinish, b.long(c.Finish), thousands(c.Speed)))
}

// left is what remains of a quota today: "97/100 次", or unknown.
func (b *Bot) left(q broadcast.Quota) string {
	if !q.Known() {
		return b.t(kQuotaUnknown)
	}
	limit := "?"
	if q.Limit > 0 {
		limit = thousands(q.Limit)
	}
	return b.t(kQuotaLeft, thousands(q.Left), limit)
}

// noTag words why a plan does not send by tag.
func (b *Bot) noTag(n *broadcast.NoTag) string {
	switch n.Reason {
	case broadcast.NoTagTags, broadcast.NoTagQuota, broadcast.NoTagMassQuota:
		return b.t(kNoTag+key(n.Reason), n.Need, n.Have)
	case broadcast.NoTagLate:
		return b.t(kNoTag+key(n.Reason), n.Need)
	}
	return b.word(kNoTag, n.Reason)
}

// massQuotaLine is today's remaining mass-send calls, for status and
// list; "" when the bot has no quota reader.
func (b *Bot) massQuotaLine(ctx context.Context) string {
	if b.svc.quotas == nil {
		return ""
	}
	q := b.svc.quotas.MassQuota(ctx)
	if !q.Known() {
		return b.t(kQuotaMassUnknown)
	}
	limit := "?"
	if q.Limit > 0 {
		limit = thousands(q.Limit)
	}
	return b.t(kQuotaMassToday, thousands(q.Left), limit)
}

// day is a date in the admins' zone.
func (b *Bot) day(t time.Time) string { return t.In(b.loc).Format("01-02") }
