package broadcast

import (
	"context"
	"time"

	"go.uber.org/zap"

	"github.com/wxcast/wxcast/bot/wxapi"
)

// QuotaAPI reads what a plan is judged against (wxapi.Client): today's
// remaining quotas (cached briefly and counted locally), the delivery
// speed, and the account's tags.
type QuotaAPI interface {
	TodayQuota(ctx context.Context, path string) (wxapi.Quota, error)
	DeliverySpeed(ctx context.Context) (int, error)
	AccountTags(ctx context.Context) ([]wxapi.TagInfo, error)
}

// planCalls counts the calls plan needs against today's quotas and sets
// its channel (Plan.Channel) and Plan.Calls. Preview calls it before the
// plan is sealed, so the approval binds the channel. A quota WeChat does
// not report is unknown, never guessed; only reading the snapshot can
// fail it.
func (s *Service) planCalls(ctx context.Context, b *Broadcast, plan *Plan) error {
	arms, err := s.armCounts(ctx, b, plan)
	if err != nil {
		return err
	}
	now := s.o.Now()
	in := planInput{
		arms: arms, steps: 1, today: 1, series: b.Series != nil, batch: s.o.BatchSize,
		interval: s.o.BatchInterval, tagAbove: s.o.TagSendAbove, now: now, dayEnd: s.dayEnd(now),
		freeTags: -1, mass: s.quota(ctx, wxapi.PathMassSend),
	}
	for _, c := range b.Contents() {
		if c.Type == "news" {
			in.news++
		}
	}
	if in.news > 0 {
		in.upload = s.quota(ctx, wxapi.PathUploadNews)
	}
	if sr := b.Series; sr != nil && len(sr.Offsets) > 0 {
		in.steps, in.today, in.lastStep = len(sr.Offsets), 0, sr.At(len(sr.Offsets)-1)
		for i := range sr.Offsets {
			if at := sr.At(i); at.Before(in.dayEnd) && now.Sub(at) <= MaxLate {
				in.today++
			}
		}
	}
	if s.o.Quotas != nil {
		if v, err := s.o.Quotas.DeliverySpeed(ctx); err == nil {
			in.speed = v
		} else {
			s.o.Log.Info("plan: delivery speed unknown", zap.Error(err))
		}
		if !in.series && in.wantsTag() {
			s.readTagFacts(ctx, &in)
		}
	}
	plan.Channel, plan.Calls = decide(in)
	return nil
}

// readTagFacts reads what the tag channel needs: the free tags, the
// followers who may be at 20 tags, the tagging quotas.
func (s *Service) readTagFacts(ctx context.Context, in *planInput) {
	in.tagChecks = true
	in.tag, in.untag = s.quota(ctx, wxapi.PathBatchTag), s.quota(ctx, wxapi.PathBatchUntag)
	in.create, in.delete = s.quota(ctx, wxapi.PathTagCreate), s.quota(ctx, wxapi.PathTagDelete)
	tags, err := s.o.Quotas.AccountTags(ctx)
	if err != nil {
		s.o.Log.Info("plan: the account's tags unknown", zap.Error(err))
		return
	}
	own := 0
	for _, t := range tags {
		if t.ID >= firstOwnTagID {
			own++
		}
	}
	in.freeTags = max(MaxAccountTags-own, 0)
	in.full = atTwentyTags(tags)
}

// firstOwnTagID is the id WeChat gives an account's first tag of its own;
// below it are the platform's (星标组, 2), which take none of the hundred.
const firstOwnTagID = 100

// atTwentyTags bounds how many followers hold 20 tags already: each of
// them counts in 20 tags' follower counts, so there are at most the sum
// over 20, and none while the account has fewer than 20 tags.
func atTwentyTags(tags []wxapi.TagInfo) int {
	if len(tags) < wxapi.MaxFollowerTags {
		return 0
	}
	var sum int64
	for _, t := range tags {
		sum += t.Count
	}
	return int(sum / wxapi.MaxFollowerTags)
}

// quota reads today's quota of path, Left -1 when it cannot be read.
func (s *Service) quota(ctx context.Context, path string) Quota {
	if s.o.Quotas == nil {
		return Quota{Left: -1}
	}
	q, err := s.o.Quotas.TodayQuota(ctx, path)
	if err != nil {
		s.o.Log.Info("plan: quota unknown", zap.String("path", path), zap.Error(err))
		return Quota{Left: -1}
	}
	return Quota{Left: q.Remain, Limit: q.DailyLimit}
}

// MassQuota is today's mass-send quota (mass/send and mass/sendall): Left
// of Limit calls remain, Left -1 when it cannot be read.
func (s *Service) MassQuota(ctx context.Context) Quota {
	return s.quota(ctx, wxapi.PathMassSend)
}

// dayEnd is the end of now's day: the next midnight in the account's
// zone or WeChat's quota reset (00:00 Beijing time), whichever is first.
func (s *Service) dayEnd(now time.Time) time.Time {
	t := now.In(s.o.Windows.Loc)
	end := time.Date(t.Year(), t.Month(), t.Day()+1, 0, 0, 0, 0, t.Location())
	if reset := wxapi.QuotaReset(now).Add(-wxapi.QuotaMargin); reset.Before(end) {
		return reset
	}
	return end
}

// armCounts counts the plan's audience per version, the holdout left out,
// as the sender will split it (ArmOf).
func (s *Service) armCounts(ctx context.Context, b *Broadcast, plan *Plan) ([]int, error) {
	arms := make([]int, 1+len(b.Variants))
	if b.Holdout == 0 && len(b.Variants) == 0 {
		arms[0] = plan.Audience
		return arms, nil
	}
	for i := range plan.Chunks {
		openids, err := s.o.Store.ReadList(ctx, b.ID, "a"+plan.Key, i)
		if err != nil {
			return nil, err
		}
		for _, o := range openids {
			if v := ArmOf(o, b.ID, b.Holdout, len(arms)); v >= 0 {
				arms[v]++
			}
		}
	}
	return arms, nil
}
