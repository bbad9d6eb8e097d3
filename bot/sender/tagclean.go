package sender

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/wxcast/wxcast/bot/broadcast"
	"github.com/wxcast/wxcast/bot/wxapi"
)

// cleanupStep removes the next version's tag once its sendall is done
// (its job report came, or mass/get no longer says SENDING), or once the
// broadcast stopped (cancelled, failed). A version whose followers were
// not sent to gives its cap slots back; an unknown sendall keeps them.
func (s *Sender) cleanupStep(ctx context.Context, b *broadcast.Broadcast) (time.Duration, bool, error) {
	t := b.TagSend
	for i := range t.Versions {
		v := &t.Versions[i]
		if v.Stage == broadcast.TagStageDone {
			continue
		}
		var x *broadcast.Batch
		if v.Batch >= 0 && v.Batch < len(b.Batches) {
			x = &b.Batches[v.Batch]
		}
		if v.Stage == broadcast.TagStageSend && x != nil && x.State == broadcast.BatchSent && !x.Reported && x.MsgID != 0 {
			// Membership stays until WeChat is done with the sendall.
			status, err := s.o.API.MassStatus(ctx, x.MsgID)
			if err == nil && status == "SENDING" {
				return s.o.RetryGap, true, nil
			}
			if err != nil {
				if kind, _ := classify(err); kind == outcomeLost || kind == outcomeRetry || kind == outcomeQuota {
					s.o.Log.Warn("tag channel: mass/get before removing the tag", zap.Int64("id", b.ID), zap.Error(err))
					return s.o.RetryGap, true, nil
				}
			}
		}
		if v.Stage != broadcast.TagStageCleanup {
			v.Stage = broadcast.TagStageCleanup
			return 0, true, s.save(ctx, b)
		}
		sent := x != nil && (x.State == broadcast.BatchSent || x.State == broadcast.BatchUnknown ||
			x.State == broadcast.BatchSending && x.Lost)
		if !sent && !v.Released {
			if err := s.releaseRuns(ctx, b, v); err != nil {
				return 0, true, err
			}
			v.Released = true
			return 0, true, s.save(ctx, b)
		}
		done, err := s.removeTag(ctx, v.TagID, v.Name)
		if err != nil {
			return 0, true, err
		}
		if done {
			v.Stage = broadcast.TagStageDone
			return 0, true, s.save(ctx, b)
		}
		return 0, true, nil // more untagging: the tag's count is the checkpoint
	}
	return 0, true, nil
}

// removeTag does the next piece of removing the tag with id (or, with id
// 0, named name): a tag over 100,000 members is untagged one page of
// members at a time down to that, then deleted. done is true once the
// tag is gone.
func (s *Sender) removeTag(ctx context.Context, id int, name string) (done bool, err error) {
	id, count, ok, err := s.findTag(ctx, id, name)
	if err != nil || !ok {
		return !ok && err == nil, err
	}
	if count <= tagDeleteMax {
		err := s.tags.DeleteTag(ctx, id)
		switch wxapi.ErrCode(err) {
		case 0:
			if err == nil {
				s.o.Log.Info("tag channel: deleted WeChat tag", zap.String("wechat_tag", name), zap.Int("id", id))
				return true, nil
			}
			return false, err
		case codeNoSuchTag:
			return true, nil
		case codeTagTooBig: // WeChat counts more than tags/get said
			count = tagDeleteMax + 1
		default:
			return false, err
		}
	}
	page, _, err := s.tags.TagFans(ctx, id, "")
	if err != nil {
		return false, err
	}
	page = page[:min(len(page), int(count-tagDeleteMax)+wxapi.MaxTagBatch)]
	if len(page) == 0 {
		return false, errors.New("tag channel: WeChat lists no members of a tag it counts over 100,000")
	}
	_, err = s.tagAll(ctx, id, page, false)
	return false, err
}

// SweepTags removes the WeChat tags a broadcast made (named wxc-…) that
// no broadcast in flight holds any more: left by a crash, or by a record
// that was lost. Tags of other names are left alone. It is run when the
// server starts, and returns the tags it removed.
func (s *Sender) SweepTags(ctx context.Context) ([]string, error) {
	if s.tags == nil {
		return nil, nil
	}
	removed, err := s.sweepTags(ctx)
	if err != nil && ctx.Err() == nil {
		s.o.Log.Warn("tag channel: sweeping orphaned WeChat tags", zap.Strings("removed", removed), zap.Error(err))
	}
	return removed, err
}

func (s *Sender) sweepTags(ctx context.Context) ([]string, error) {
	tags, err := s.tags.AccountTags(ctx)
	if err != nil {
		return nil, err
	}
	var removed []string
	for _, t := range tags {
		if !strings.HasPrefix(t.Name, broadcast.TagNamePrefix) {
			continue
		}
		held, err := s.tagHeld(ctx, t.Name)
		if err != nil {
			return removed, err
		}
		if held {
			continue
		}
		for {
			done, err := s.removeTag(ctx, t.ID, t.Name)
			if err != nil {
				return removed, err
			}
			if done {
				break
			}
		}
		s.o.Log.Info("tag channel: removed an orphaned WeChat tag", zap.String("wechat_tag", t.Name), zap.Int("id", t.ID))
		removed = append(removed, t.Name)
	}
	return removed, nil
}

// tagHeld reports whether the broadcast a wxc- tag's name points at still
// needs it: its record exists and a version of it named so is not yet
// cleaned up.
func (s *Sender) tagHeld(ctx context.Context, name string) (bool, error) {
	rest := strings.TrimPrefix(name, broadcast.TagNamePrefix)
	idText, _, _ := strings.Cut(rest, "-")
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil {
		return false, nil // not a name wxcast gives: made by hand? it starts like ours, so removed
	}
	b, err := s.o.Records.Get(ctx, id)
	var r *broadcast.Refusal
	if errors.As(err, &r) && r.Code == broadcast.CodeNotFound {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if b.TagSend == nil {
		return false, nil
	}
	for _, v := range b.TagSend.Versions {
		if v.Name == name && v.Stage != broadcast.TagStageDone {
			return true, nil
		}
	}
	return false, nil
}
