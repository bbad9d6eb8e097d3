package sender

import (
	"context"
	"fmt"
	"time"

	"go.uber.org/zap"

	"github.com/wxcast/wxcast/bot/broadcast"
)

// verify checks version i's tag before its sendall: WeChat must count
// as many members as were tagged, less those who unsubscribed since.
// Otherwise the tag's members are listed and anyone outside the reserved
// set is untagged: the sendall must reach no one else. Then the version's
// batches are built: the sendall to the tag first, then openid batches
// for the followers WeChat refused to tag.
func (s *Sender) verify(ctx context.Context, b *broadcast.Broadcast, i int) (time.Duration, bool, error) {
	t := b.TagSend
	v := &t.Versions[i]
	ex, refused, lists, unsub, err := s.tagged(ctx, b, v)
	if err != nil {
		return 0, true, err
	}
	want := v.Tagged - unsub
	if v.Tagged > 0 {
		_, count, ok, err := s.findTag(ctx, v.TagID, "")
		if err != nil {
			return 0, true, err
		}
		if !ok {
			return 0, false, s.fail(ctx, b, broadcast.FailTagGone, fmt.Sprintf("the broadcast's WeChat tag %s (id %d) is gone before its sendall", v.Name, v.TagID))
		}
		if count != int64(want) {
			n, err := s.repair(ctx, b, v, refused, ex.gone)
			if err != nil {
				return 0, true, err
			}
			s.o.Log.Warn("tag channel: the tag held others than the reserved followers; untagged them",
				zap.Int64("id", b.ID), zap.String("wechat_tag", v.Name), zap.Int64("count", count),
				zap.Int("want", want), zap.Int("untagged", n))
			v.Repaired += n
		}
	}
	v.Unsubscribed = unsub
	v.Stage = broadcast.TagStageCleanup
	if want > 0 {
		v.Stage, v.Batch = broadcast.TagStageSend, len(b.Batches)
		b.Batches = append(b.Batches, broadcast.Batch{Size: want, State: broadcast.BatchPending, Variant: v.Variant,
			Step: b.Step, Key: b.BatchKey, Tag: v.TagID, Held: true})
	}
	// The refused go in openid batches; their slots are held by the runs.
	cut := s.newCutter(ctx, b, b.BatchKey, len(b.Batches))
	for _, r := range lists {
		for _, o := range r {
			if _, g := ex.gone[o]; g {
				v.Unsubscribed++
				continue
			}
			if err := cut.add(v.Variant, o); err != nil {
				return 0, true, err
			}
		}
	}
	if err := cut.finish(); err != nil {
		return 0, true, err
	}
	for k := range cut.batches {
		cut.batches[k].Held = true
	}
	b.Batches = append(b.Batches, cut.batches...)
	b.Lone += cut.lone
	b.Cut.Lone += cut.lone
	return 0, true, s.save(ctx, b)
}

// tagged reads what v's runs did: the followers not subscribed now (in
// ex.gone), those WeChat refused to tag (as a set and by run), and how
// many of those tagged unsubscribed since.
func (s *Sender) tagged(ctx context.Context, b *broadcast.Broadcast, v *broadcast.TagVersion) (
	ex exclusions, refused map[string]struct{}, lists [][]string, unsub int, err error) {
	t := b.TagSend
	if ex, err = s.excluded(ctx, "", false); err != nil {
		return ex, nil, nil, 0, err
	}
	refused = map[string]struct{}{}
	for k := range v.Done {
		r, err := s.o.Store.ReadList(ctx, b.ID, "x"+t.Key, v.FirstRun+k)
		if err != nil {
			return ex, nil, nil, 0, err
		}
		lists = append(lists, r)
		for _, o := range r {
			refused[o] = struct{}{}
		}
	}
	for k := range v.Done {
		kept, err := s.o.Store.ReadList(ctx, b.ID, "k"+t.Key, v.FirstRun+k)
		if err != nil {
			return ex, nil, nil, 0, err
		}
		for _, o := range kept {
			_, r := refused[o]
			_, g := ex.gone[o]
			if g && !r {
				unsub++
			}
		}
	}
	return ex, refused, lists, unsub, nil
}

// recheck looks at the tag of sendall batch i of b once more just before
// its first call, when time may have passed since verify (a pause, a
// quota wait): if WeChat counts other members than the batch's, the tag
// is repaired as verify would.
func (s *Sender) recheck(ctx context.Context, b *broadcast.Broadcast, i int) error {
	x := &b.Batches[i]
	var v *broadcast.TagVersion
	for k := range b.TagSend.Versions {
		if b.TagSend.Versions[k].Batch == i {
			v = &b.TagSend.Versions[k]
		}
	}
	if v == nil {
		return nil
	}
	_, count, ok, err := s.findTag(ctx, x.Tag, "")
	if err != nil || !ok || count == int64(x.Size) {
		return err // a tag gone: the sendall's refusal says so
	}
	ex, refused, _, _, err := s.tagged(ctx, b, v)
	if err != nil {
		return err
	}
	n, err := s.repair(ctx, b, v, refused, ex.gone)
	if n > 0 {
		s.o.Log.Warn("tag channel: the tag changed before its sendall; untagged the outsiders",
			zap.Int64("id", b.ID), zap.String("wechat_tag", v.Name), zap.Int("untagged", n))
	}
	return err
}

// repair lists the members of v's tag and untags anyone outside the
// reserved set (the runs' followers WeChat tagged, still subscribed). It
// holds the reserved set in memory: about 100 bytes a follower.
func (s *Sender) repair(ctx context.Context, b *broadcast.Broadcast, v *broadcast.TagVersion,
	refused, gone map[string]struct{}) (int, error) {
	t := b.TagSend
	in := make(map[string]struct{}, v.Tagged)
	for k := range v.Done {
		kept, err := s.o.Store.ReadList(ctx, b.ID, "k"+t.Key, v.FirstRun+k)
		if err != nil {
			return 0, err
		}
		for _, o := range kept {
			_, r := refused[o]
			_, g := gone[o]
			if !r && !g {
				in[o] = struct{}{}
			}
		}
	}
	var out []string
	for next := ""; ; {
		page, n, err := s.tags.TagFans(ctx, v.TagID, next)
		if err != nil {
			return 0, err
		}
		for _, o := range page {
			if _, ok := in[o]; !ok {
				out = append(out, o)
			}
		}
		if n == "" || len(page) == 0 || n == next {
			break
		}
		next = n
	}
	if len(out) == 0 {
		return 0, nil
	}
	if _, err := s.tagAll(ctx, v.TagID, out, false); err != nil {
		return 0, err
	}
	return len(out), nil
}
