package results

import (
	"context"
	"errors"
	"time"

	"go.uber.org/zap"

	"github.com/wxcast/wxcast/bot/broadcast"
)

// MaxWindow is the longest window results are asked for (状态's 168
// hours): conversions are recorded for as long after a broadcast's last
// batch, or the configured window if longer.
const MaxWindow = 7 * 24 * time.Hour

// span is how long after its latest accepted batch a broadcast still
// collects conversions.
func (s *Service) span() time.Duration { return max(MaxWindow, s.o.MeasureWindow) }

// Converted lays a conversion of openid at at (names are the conversion
// attributes that changed) at the door of every broadcast still measured
// that reached them: a version they received, or the holdout, once the
// broadcast began sending. A conversion before the follower's batch was
// accepted is no broadcast's doing and is not recorded. It costs a few
// Redis calls: the recent broadcasts, the follower in each one's member
// index, and for those that hold them the record and the conversion.
func (s *Service) Converted(ctx context.Context, openid string, names []string, at time.Time) error {
	if s.o.Conversions == nil {
		return nil
	}
	ids, err := s.o.Store.AcceptedSince(ctx, at.Add(-s.span()))
	if err != nil || len(ids) == 0 {
		return err
	}
	vals, err := s.o.Store.MemberOfEach(ctx, ids, openid)
	if err != nil {
		return err
	}
	for i, v := range vals {
		m, ok := broadcast.ParseMember(v)
		if !ok || m.Left != "" && m.Left != broadcast.LeftHoldout {
			continue // not in its audience, or left out of it
		}
		b, err := s.o.Records.Get(ctx, ids[i])
		var gone *broadcast.Refusal
		if errors.As(err, &gone) {
			continue // no record (not found): nothing to measure
		}
		if err != nil {
			return err
		}
		if _, from, ok := newReach(b).of(m); !ok || at.Before(from) {
			continue
		}
		first, err := s.o.Conversions.Record(ctx, b.ID, openid, at)
		if err != nil {
			return err
		}
		if first {
			s.o.Log.Debug("conversion", zap.Int64("id", b.ID), zap.Strings("attributes", names))
		}
	}
	return nil
}
