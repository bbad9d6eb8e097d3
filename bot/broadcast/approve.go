package broadcast

import (
	"context"

	"github.com/wxcast/wxcast/store"
)

// ValidApprovals counts the approvals that count now for b's plan:
// distinct approvers, of this plan, younger than the approval ttl, not the
// creator unless self-approval is allowed.
func (s *Service) ValidApprovals(b *Broadcast) int {
	if b.Plan == nil {
		return 0
	}
	now := s.o.Now()
	seen := map[string]bool{}
	for _, a := range b.Approvals {
		if a.PlanHash != b.Plan.Hash || seen[a.By] || now.Sub(a.At) >= s.o.ApprovalTTL {
			continue
		}
		if a.By == b.Creator && !s.o.AllowSelfApproval {
			continue
		}
		seen[a.By] = true
	}
	return len(seen)
}

// ready reports whether b's plan has what it needs to be sent: enough
// valid approvals, and an owner's override of any content-check finding.
func (s *Service) ready(b *Broadcast) bool {
	return s.ValidApprovals(b) >= s.o.ApprovalsRequired && b.UnapprovedContent() == nil
}

// Approve records a's approval of broadcast id's current plan. With plan
// set (the hash the approver saw), a plan frozen anew since is refused. A
// plan the content check flagged is approved only by an owner giving an
// override reason, which the broadcast keeps.
func (s *Service) Approve(ctx context.Context, a Admin, id int64, plan, override string) (*Broadcast, error) {
	if override != "" && !a.Has(RoleOwner) {
		return nil, refuse(CodeOwnerOverride, id)
	}
	var after error
	b, err := s.o.Records.Update(ctx, id, func(b *Broadcast) (store.Change, error) {
		after = nil
		if b.State != StatePlanned && b.State != StateApproved {
			if b.State == StateDraft {
				return store.Change{}, refuse(CodeNoPlan, b.ID)
			}
			return store.Change{}, wrongState(b)
		}
		if r := b.VoidIfStale(s.rulesVersion()); r != nil {
			after = r
			return store.Change{}, nil
		}
		if plan != "" && plan != b.Plan.Hash {
			return store.Change{}, &Refusal{Code: CodePlanChanged, ID: b.ID, Detail: b.Plan.Hash, N: b.Plan.Audience}
		}
		if b.Creator == a.OpenID && !s.o.AllowSelfApproval {
			return store.Change{}, refuse(CodeSelfApproval, b.ID)
		}
		for _, x := range b.CurrentApprovals() {
			if x.By == a.OpenID && s.o.Now().Sub(x.At) < s.o.ApprovalTTL {
				return store.Change{}, refuse(CodeAlreadyApproved, b.ID)
			}
		}
		if r := b.UnapprovedContent(); r != nil && override == "" {
			return store.Change{}, r // an owner overrides first; then others may approve
		}
		if override != "" {
			b.Override = &Override{By: a.OpenID, Name: a.Name, Reason: override, At: s.o.Now(),
				PlanHash: b.Plan.Hash, Words: b.Plan.WordsVersion}
		}
		b.Approvals = append(b.CurrentApprovals(), Approval{By: a.OpenID, Name: a.Name, At: s.o.Now(), PlanHash: b.Plan.Hash})
		if s.ready(b) {
			b.State = StateApproved
		}
		return store.Change{}, nil
	})
	if err != nil {
		return b, err
	}
	return b, after
}

// Reject turns broadcast id down for good, with a's reason.
func (s *Service) Reject(ctx context.Context, a Admin, id int64, reason string) (*Broadcast, error) {
	return s.o.Records.Update(ctx, id, func(b *Broadcast) (store.Change, error) {
		switch {
		case len(b.Batches) > 0: // a series that began: cancel it instead
			return store.Change{}, wrongState(b)
		case b.State == StateDraft, b.State == StatePlanned, b.State == StateApproved, b.State == StateScheduled:
		default:
			return store.Change{}, wrongState(b)
		}
		c := store.Change{}
		if b.State == StateScheduled {
			c.Active = -1
		}
		b.State, b.RejectedBy, b.RejectReason = StateRejected, a.OpenID, reason
		return c, nil
	})
}
