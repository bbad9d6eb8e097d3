package admin

import (
	"strconv"
	"strings"

	"github.com/wxcast/wxcast/bot/broadcast"
)

// detail renders a broadcast for show and status, one fact a line.
func (b *Bot) detail(bc *broadcast.Broadcast, paused bool) string {
	lines := []string{
		b.t(kDetailHead, bc.ID, b.word(kState, string(bc.State))),
		b.t(kDetailContent, b.segmentOf(bc.Segment), b.word(kType, bc.Content.Type), b.snippet(bc.Content)),
		b.t(kDetailCreator, orDash(bc.CreatorName), b.long(bc.Created)),
	}
	lines = append(lines, b.planLines(bc)...)
	lines = append(lines, b.safetyLines(bc)...)
	if bc.State == broadcast.StateScheduled && !bc.SendAt.IsZero() {
		lines = append(lines, b.t(kDetailSendAt, b.long(bc.SendAt)))
	}
	lines = append(lines, b.progressLines(bc)...)
	lines = append(lines, b.sendingLines(bc)...)
	if bc.Dropped > 0 {
		lines = append(lines, b.t(kDetailDropped, thousands(bc.Dropped)))
	}
	if bc.Lone > 0 {
		lines = append(lines, b.t(kDetailLone))
	}
	if paused && !bc.State.Final() {
		lines = append(lines, b.t(kDetailPaused))
	}
	if bc.Failure != "" {
		lines = append(lines, b.t(kDetailFailure, b.failure(bc)))
	}
	if bc.State == broadcast.StateRejected {
		reason := ""
		if bc.RejectReason != "" {
			reason = " " + clip(bc.RejectReason, 60)
		}
		lines = append(lines, b.t(kDetailRejected, b.name(bc.RejectedBy), reason))
	}
	if len(bc.Retracted) > 0 {
		lines = append(lines, b.t(kDetailRetracted, len(bc.Retracted)))
	}
	if n := len(bc.Notices); n > 0 {
		last := bc.Notices[n-1]
		lines = append(lines, b.t(kDetailNotice, b.short(last.At), b.word(kVia, last.Via), clip(last.Text, 80)))
	}
	return strings.Join(lines, "\n")
}

// snippet is the start of a text, or the media id of news and images.
func (b *Bot) snippet(c broadcast.Content) string {
	if c.Type == typeText {
		return clip(c.Text, 30)
	}
	return c.MediaID
}

// planLines are the frozen plan and its approvals.
func (b *Bot) planLines(bc *broadcast.Broadcast) []string {
	if bc.Plan == nil {
		return []string{b.t(kDetailNoPlan)}
	}
	p := bc.Plan
	var names []string
	for _, a := range bc.Approvals {
		if a.PlanHash == p.Hash {
			names = append(names, a.Name)
		}
	}
	who := ""
	if len(names) > 0 {
		who = b.t(kDetailApprovedBy, strings.Join(names, b.t(kListSep)))
	}
	return []string{
		b.t(kDetailPlan, p.Hash, orDash(p.RulesVersion), thousands(p.Audience)),
		b.t(kDetailApprovals, b.svc.approvals.ValidApprovals(bc), b.svc.approvals.ApprovalsRequired(), who),
	}
}

// progressLines sum the batches once sending began.
func (b *Bot) progressLines(bc *broadcast.Broadcast) []string {
	if len(bc.Batches) == 0 {
		return nil
	}
	p := bc.Progress()
	lines := []string{b.t(kDetailProgress, p.Done, p.Batches, thousands(p.Recipients))}
	if p.Reported > 0 {
		lines = append(lines, b.t(kDetailWeChat, thousands(p.Sent), thousands(p.Errors)))
	}
	rate := strconv.FormatFloat(p.FailureRate()*100, 'f', 1, 64)
	return append(lines, b.t(kDetailRate, rate))
}

// list renders the recent broadcasts, one a line, and the newest general
// notices.
func (b *Bot) list(list []*broadcast.Broadcast, notices []broadcast.Notice, paused bool) string {
	var lines []string
	if paused {
		lines = append(lines, b.t(kListPaused))
	}
	for _, bc := range list {
		line := b.t(kListLine, bc.ID, b.segmentOf(bc.Segment), b.word(kType, bc.Content.Type), b.word(kState, string(bc.State)))
		switch {
		case bc.State == broadcast.StateScheduled && !bc.SendAt.IsZero():
			line += " " + b.short(bc.SendAt)
		case len(bc.Batches) > 0 && bc.State == broadcast.StateSending:
			p := bc.Progress()
			line += " " + strconv.Itoa(p.Done) + "/" + strconv.Itoa(p.Batches)
		}
		lines = append(lines, line)
	}
	if len(list) == 0 {
		lines = append(lines, b.t(kListNone))
	}
	if len(notices) > 0 {
		lines = append(lines, b.t(kListNotices))
		for _, n := range notices {
			lines = append(lines, b.t(kNoticeLine, b.short(n.At), clip(n.Text, 60)))
		}
	}
	return strings.Join(lines, "\n")
}
