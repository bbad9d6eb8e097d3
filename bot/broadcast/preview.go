package broadcast

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
	"time"

	"github.com/wxcast/wxcast/bot/segment"
	"github.com/wxcast/wxcast/bot/wxapi"
	"github.com/wxcast/wxcast/rules"
	"github.com/wxcast/wxcast/store"
)

const (
	// ListTTL keeps audience snapshots and batches long enough to retract
	// and audit a broadcast, then lets Redis forget them.
	ListTTL = 30 * 24 * time.Hour
	// snapshotLife is how long after its preview a plan may be sent: its
	// snapshot must outlive the send by a margin.
	snapshotLife = ListTTL - 24*time.Hour
)

// Preview sends broadcast id's message to a through the mass-preview
// API, so a sees what followers will see. For the creator it first
// freezes a plan (see Refreeze); for anyone else it only sends the plan
// already frozen (see showPlan): a plan never changes under the
// approvers because someone looked at it.
func (s *Service) Preview(ctx context.Context, a Admin, id int64) (*Broadcast, error) {
	b, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if b.Creator != a.OpenID {
		return s.showPlan(ctx, a, b)
	}
	return s.freeze(ctx, a, b)
}

// Refreeze freezes a new plan of broadcast id for any admin who asks —
// content, segment, rules version and the openids the segment selects
// now — and sends the preview to a. A plan that differs from the old one
// voids the old one's approvals; the new plan says how many (Voided) and
// which plan it replaced.
func (s *Service) Refreeze(ctx context.Context, a Admin, id int64) (*Broadcast, error) {
	b, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	return s.freeze(ctx, a, b)
}

// freeze is Preview's and Refreeze's freezing of a new plan of b.
func (s *Service) freeze(ctx context.Context, a Admin, b *Broadcast) (*Broadcast, error) {
	id := b.ID
	if !previewable(b.State) {
		return b, wrongState(b)
	}
	if err := writable(b); err != nil {
		return b, err // before the snapshot and the previews, which the record could not keep
	}
	if s.o.API == nil {
		return b, refuse(CodeNoAPI, id)
	}
	rs := s.rules()
	if rs == nil {
		return b, refuse(CodeNoRules, id)
	}
	seg, ok := rs.Segment(b.Segment)
	if !ok {
		return b, &Refusal{Code: CodeUnknownSegment, ID: id, Detail: b.Segment}
	}
	plan, err := s.snapshot(ctx, b, rs, seg)
	if err != nil {
		return b, err
	}
	plan.By = a.OpenID
	if plan.Audience < 2 {
		return b, &Refusal{Code: CodeSmallAudience, ID: id, N: plan.Audience, Need: plan.Capped}
	}
	if plan.News, err = s.readNews(ctx, b); err != nil {
		return b, err
	}
	if err := s.trackLinks(b, plan); err != nil {
		return b, err
	}
	plan.Hits, plan.WordsVersion = s.checkContent(b, plan)
	if err := s.planCalls(ctx, b, plan); err != nil {
		return b, err
	}
	if err := s.freezeLinks(ctx, id, plan); err != nil {
		return b, err
	}
	plan.seal(b)
	if err := s.sendPreviews(ctx, a, b, plan); err != nil {
		return b, err
	}
	was := spec(b)
	return s.o.Records.Update(ctx, id, func(b *Broadcast) (store.Change, error) {
		if !previewable(b.State) {
			return store.Change{}, wrongState(b)
		}
		if spec(b) != was {
			return store.Change{}, wrongState(&Broadcast{ID: b.ID, State: StateDraft}) // edited meanwhile
		}
		before := b.CurrentApprovals()
		if b.Plan != nil {
			plan.Replaced = b.Plan.Hash
		}
		b.Plan = plan
		b.Approvals = b.CurrentApprovals()
		plan.Voided = max(len(before)-len(b.Approvals), 0)
		b.State = StatePlanned
		if s.ready(b) {
			b.State = StateApproved
		}
		return store.Change{}, nil
	})
}

// spec is everything about b that approvers approve besides its audience:
// segment, contents, holdout share and reminder series.
func spec(b *Broadcast) string {
	var sb strings.Builder
	part := func(p string) { sb.WriteString(strconv.Itoa(len(p)) + ":" + p) }
	part(b.Segment)
	for _, c := range b.Contents() {
		part(c.Type)
		part(c.Text)
		part(c.MediaID)
	}
	part(strconv.Itoa(b.Holdout))
	if sr := b.Series; sr != nil {
		part(sr.Deadline.UTC().Format(time.RFC3339))
		for _, o := range sr.Offsets {
			part(o.String())
		}
		part(sr.ExceptTag)
		if sr.ExceptClicked { // only then: hashes of older plans stay the same
			part("clicked")
		}
	}
	return sb.String()
}

// showPlan sends an approver the current plan's message through the
// mass-preview API, so they see on their phone what they approve, without
// freezing a new plan (which would void the approvals).
func (s *Service) showPlan(ctx context.Context, a Admin, b *Broadcast) (*Broadcast, error) {
	switch {
	case b.State == StateDraft:
		return b, refuse(CodeNoPlan, b.ID)
	case b.State != StatePlanned && b.State != StateApproved && b.State != StateScheduled:
		return b, wrongState(b)
	case s.o.API == nil:
		return b, refuse(CodeNoAPI, b.ID)
	}
	// The approver must see the words they approve: a draft changed since
	// the preview is not shown as if it were the plan.
	for i := range b.Plan.News {
		n := &b.Plan.News[i]
		changed, err := s.draftChanges(ctx, b.ID, n)
		if err != nil {
			return b, err
		}
		if len(changed) > 0 {
			return b, &Refusal{Code: CodeDraftChanged, ID: b.ID, Detail: strings.Join(changed, ",")}
		}
	}
	return b, s.sendPreviews(ctx, a, b, b.Plan)
}

// sendPreviews sends every content of b to a's chat, news by the
// articles frozen in plan.
func (s *Service) sendPreviews(ctx context.Context, a Admin, b *Broadcast, plan *Plan) error {
	for v := range b.Contents() {
		if err := s.sendPreview(ctx, a.OpenID, b, v, plan); err != nil {
			return wechatRefusal(b.ID, err)
		}
	}
	return nil
}

// snapshot stores the openids seg selects now as chunks of the plan and
// returns the plan, its hash not yet sealed (see Plan.seal), with the
// audience as an order-free digest, since the scan reads followers in no
// fixed order.
func (s *Service) snapshot(ctx context.Context, b *Broadcast, rs *rules.Ruleset, seg *rules.Segment) (*Plan, error) {
	now := s.o.Now()
	key := RandomKey()
	var (
		chunks, capped int
		sum, xor       uint64
	)
	t, err := segment.Select(rs, seg, s.o.Calendar, now).Audience(ctx, s.o.Profiles, batchMax, func(matched []string) error {
		openids, n, err := s.o.Caps.Uncapped(ctx, matched, now)
		if err != nil {
			return err
		}
		capped += n
		if len(openids) == 0 {
			return nil
		}
		for _, o := range openids {
			h := fnv.New64a()
			_, _ = h.Write([]byte(o))
			v := h.Sum64()
			sum += v
			xor ^= v
		}
		err = s.o.Store.WriteList(ctx, b.ID, "a"+key, chunks, openids, ListTTL)
		chunks++
		return err
	})
	if err != nil {
		return nil, err
	}
	var d [24]byte
	binary.BigEndian.PutUint64(d[0:], uint64(t.Matched-capped))
	binary.BigEndian.PutUint64(d[8:], sum)
	binary.BigEndian.PutUint64(d[16:], xor)
	return &Plan{
		RulesVersion: rs.Version, audience: d,
		Audience: t.Matched - capped, Capped: capped, Chunks: chunks, Key: key, At: now,
	}, nil
}

// wechatRefusal words a WeChat errcode as a refusal; other errors (the
// network) stay errors.
func wechatRefusal(id int64, err error) error {
	code := wxapi.ErrCode(err)
	if code == 0 {
		return err
	}
	msg := err.Error()
	var ae *wxapi.APIError
	if errors.As(err, &ae) {
		msg = ae.Msg
	}
	return &Refusal{Code: CodeWeChat, ID: id, N: code, Detail: fmt.Sprintf("%d %s", code, msg)}
}

// RandomKey names a new set of openid lists: 16 random hex digits.
func RandomKey() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
