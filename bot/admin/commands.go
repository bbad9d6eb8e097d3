package admin

import (
	"context"
	"strings"

	"github.com/wxcast/wxcast/bot/broadcast"
)

func runHelp(_ context.Context, b *Bot, a broadcast.Admin, x args) (string, *broadcast.Broadcast, error) {
	if x.topic != "" {
		return b.helpOn(a, x.topic), nil, nil
	}
	return b.Help(a), nil, nil
}

func runSegments(ctx context.Context, b *Bot, _ broadcast.Admin, _ args) (string, *broadcast.Broadcast, error) {
	segs, err := b.svc.segments.Segments(ctx)
	if err != nil {
		return "", nil, err
	}
	if len(segs) == 0 {
		return b.t(kSegmentsNone), nil, nil
	}
	lines := make([]string, len(segs))
	for i, s := range segs {
		lines[i] = b.t(kSegmentLine, b.segment(s.Name, s.Title), thousands(s.Count))
	}
	return strings.Join(lines, "\n"), nil, nil
}

func runCount(ctx context.Context, b *Bot, _ broadcast.Admin, x args) (string, *broadcast.Broadcast, error) {
	seg, err := b.svc.segments.FindSegment(x.segment)
	if err != nil {
		return "", nil, err
	}
	n, err := b.svc.segments.Count(ctx, seg.Name)
	if err != nil {
		return "", nil, err
	}
	return b.t(kCount, b.segment(seg.Name, seg.Title), thousands(n)), nil, nil
}

func runNew(ctx context.Context, b *Bot, a broadcast.Admin, x args) (string, *broadcast.Broadcast, error) {
	if x.drafts {
		return runDrafts(ctx, b, a, x)
	}
	bc, err := b.svc.drafts.Create(ctx, a, x.segment, x.content)
	if err != nil {
		return "", bc, err
	}
	return b.t(kNew, bc.ID, b.segmentOf(bc.Segment), b.word(kType, bc.Content.Type)), bc, nil
}

func runShow(ctx context.Context, b *Bot, _ broadcast.Admin, x args) (string, *broadcast.Broadcast, error) {
	bc, err := b.svc.drafts.Get(ctx, x.id)
	if err != nil {
		return "", bc, err
	}
	paused, err := b.svc.send.Paused(ctx)
	if err != nil {
		return "", bc, err
	}
	return b.detail(bc, paused), bc, nil
}

// runPreview freezes a plan for the creator, or for anyone who adds
// 重新; anyone else's plain preview only shows the plan already frozen,
// so a plan never changes under the approvers by a look.
func runPreview(ctx context.Context, b *Bot, a broadcast.Admin, x args) (string, *broadcast.Broadcast, error) {
	preview := b.svc.approvals.Preview
	if x.again {
		preview = b.svc.approvals.Refreeze
	}
	bc, err := preview(ctx, a, x.id)
	if err != nil {
		return "", bc, err
	}
	if bc.Plan == nil {
		return b.t(kPreviewNoPln, bc.ID), bc, nil
	}
	p := bc.Plan
	froze := x.again || bc.Creator == a.OpenID
	lines := []string{b.t(kPreviewView, bc.ID, p.Hash, thousands(p.Audience), p.RulesVersion)}
	if froze {
		lines = []string{b.t(kPreview, bc.ID, p.Hash, thousands(p.Audience), p.RulesVersion)}
		lines = append(lines, b.replacedLines(p, x.again)...)
	}
	lines = append(lines, b.articleLines(bc)...)
	if n := len(p.Links); n > 0 {
		lines = append(lines, b.t(kPreviewLinks, n))
	}
	lines = append(lines, b.safetyLines(bc)...)
	lines = append(lines, b.callLines(p)...)
	if line := b.policyLine(bc.ID, b.svc.send.Policy(b.now())); line != "" {
		lines = append(lines, line)
	}
	if !froze {
		lines = append(lines, b.t(kPreviewAgainHint, bc.ID))
	}
	return strings.Join(lines, "\n"), bc, nil
}

// replacedLines say what a new plan did to the one before: void it and
// its approvals, or (asked for again) keep it, nothing having changed.
func (b *Bot) replacedLines(p *broadcast.Plan, again bool) []string {
	switch {
	case p.Replaced != "" && p.Replaced != p.Hash:
		return []string{b.t(kPreviewVoided, p.Replaced, p.Voided)}
	case again && p.Replaced == p.Hash:
		return []string{b.t(kPreviewSame, p.Hash)}
	}
	return nil
}

func runApprove(ctx context.Context, b *Bot, a broadcast.Admin, x args) (string, *broadcast.Broadcast, error) {
	bc, err := b.svc.approvals.Approve(ctx, a, x.id, x.plan, x.override)
	if err != nil {
		return "", bc, err
	}
	if x.override != "" {
		return b.t(kApproveOverride, bc.ID, bc.Plan.Hash, clip(x.override, 60)) + "\n" + b.approveTail(bc), bc, nil
	}
	return b.approveTail(bc), bc, nil
}

// approveTail says where the approvals of bc stand.
func (b *Bot) approveTail(bc *broadcast.Broadcast) string {
	have, need := b.svc.approvals.ValidApprovals(bc), b.svc.approvals.ApprovalsRequired()
	hash := ""
	if bc.Plan != nil {
		hash = bc.Plan.Hash
	}
	if have >= need {
		return b.t(kApproveReady, bc.ID, hash, have, need)
	}
	return b.t(kApproveMore, bc.ID, hash, have, need, need-have)
}

func runReject(ctx context.Context, b *Bot, a broadcast.Admin, x args) (string, *broadcast.Broadcast, error) {
	bc, err := b.svc.approvals.Reject(ctx, a, x.id, x.reason)
	if err != nil {
		return "", bc, err
	}
	if x.reason != "" {
		return b.t(kRejectReason, bc.ID, clip(x.reason, 60)), bc, nil
	}
	return b.t(kReject, bc.ID), bc, nil
}

func runSend(ctx context.Context, b *Bot, a broadcast.Admin, x args) (string, *broadcast.Broadcast, error) {
	bc, err := b.svc.send.Send(ctx, a, x.id, x.at, broadcast.SendOptions{Best: x.best, Override: x.override})
	if err != nil {
		return "", bc, err
	}
	reply := ""
	switch {
	case bc.State == broadcast.StateScheduled && bc.Series != nil:
		reply = b.t(kSendSeries, bc.ID, len(bc.Series.Offsets), b.long(bc.SendAt))
	case bc.State == broadcast.StateScheduled:
		at := bc.SendAt
		if at.IsZero() {
			at = x.at
		}
		reply = b.t(kSendAt, bc.ID, b.long(at))
		if x.best {
			reply = b.t(kSendBest, bc.ID, b.long(at))
		}
	default:
		people, batches, exact := b.audience(bc)
		n := thousands(people)
		if !exact {
			n = b.t(kAbout, n)
		}
		reply = b.t(kSendNow, bc.ID, n, batches)
	}
	if bc.QuietOverride != nil {
		reply += "\n" + b.t(kQuietOverride, clip(x.override, 60))
	}
	return reply, bc, nil
}

// audience is who a send reaches and in how many batches: the batches
// once the service has split the audience, else the plan and the batch
// size.
//
// Before the split, a holdout keeps its share out and each version is
// cut into batches of its own; which followers fall in the holdout is
// known only at the split, so the figures are then an estimate (exact is
// false).
func (b *Bot) audience(bc *broadcast.Broadcast) (people, batches int, exact bool) {
	if len(bc.Batches) > 0 {
		return bc.Progress().Recipients, len(bc.Batches), true
	}
	if bc.Plan == nil {
		return 0, 0, true
	}
	people = bc.Plan.Audience - bc.Plan.Audience*bc.Holdout/100
	versions := 1 + len(bc.Variants)
	for v := range versions {
		per := people / versions
		if v < people%versions {
			per++
		}
		batches += (per + b.batchSize - 1) / b.batchSize
	}
	return people, batches, bc.Holdout == 0
}

func runCancel(ctx context.Context, b *Bot, a broadcast.Admin, x args) (string, *broadcast.Broadcast, error) {
	bc, err := b.svc.send.Cancel(ctx, a, x.id)
	if err != nil {
		return "", bc, err
	}
	return b.t(kCancel, bc.ID), bc, nil
}

func runList(ctx context.Context, b *Bot, _ broadcast.Admin, _ args) (string, *broadcast.Broadcast, error) {
	list, err := b.svc.drafts.List(ctx, 10)
	if err != nil {
		return "", nil, err
	}
	notices, err := b.svc.notices.Notices(ctx, 3)
	if err != nil {
		return "", nil, err
	}
	paused, err := b.svc.send.Paused(ctx)
	if err != nil {
		return "", nil, err
	}
	text := b.list(list, notices, paused)
	if line := b.massQuotaLine(ctx); line != "" {
		text += "\n" + line
	}
	return text, nil, nil
}

func runRetract(ctx context.Context, b *Bot, a broadcast.Admin, x args) (string, *broadcast.Broadcast, error) {
	bc, err := b.svc.send.Retract(ctx, a, x.id)
	if err != nil {
		return "", bc, err
	}
	return b.t(kRetract, bc.ID, len(bc.Retracted)), bc, nil
}

func runPause(ctx context.Context, b *Bot, a broadcast.Admin, x args) (string, *broadcast.Broadcast, error) {
	if x.id != 0 {
		bc, err := b.svc.send.Pause(ctx, a, x.id)
		if err != nil {
			return "", bc, err
		}
		return b.t(kPauseOne, bc.ID, bc.ID), bc, nil
	}
	return b.t(kPause), nil, b.svc.send.SetPaused(ctx, a, true)
}

func runResume(ctx context.Context, b *Bot, a broadcast.Admin, x args) (string, *broadcast.Broadcast, error) {
	if x.id != 0 {
		bc, err := b.svc.send.Resume(ctx, a, x.id, x.override)
		if err != nil {
			return "", bc, err
		}
		reply := b.t(kResumeOne, bc.ID)
		if x.override != "" && bc.QuietOverride != nil && bc.QuietOverride.Reason == x.override {
			reply += "\n" + b.t(kQuietOverride, clip(x.override, 60))
		}
		return reply, bc, nil
	}
	return b.t(kResume), nil, b.svc.send.SetPaused(ctx, a, false)
}

func runAudit(ctx context.Context, b *Bot, _ broadcast.Admin, x args) (string, *broadcast.Broadcast, error) {
	entries, err := b.svc.audit.Newest(ctx, x.n)
	if err != nil {
		return "", nil, err
	}
	if len(entries) == 0 {
		return b.t(kAuditNone), nil, nil
	}
	lines := make([]string, len(entries))
	for i, e := range entries {
		lines[i] = b.t(kAuditLine, b.short(e.At), e.Name, clip(e.Command, 30), b.word(kOutcome, e.Outcome))
		if reason, ok := strings.CutPrefix(e.Detail, "override: "); ok && e.Outcome == outcomeOK {
			// Overrides are what an audit is read for: the whole reason.
			lines[i] += b.t(kAuditOverride, clip(reason, 80))
		}
	}
	return strings.Join(lines, "\n"), nil, nil
}
