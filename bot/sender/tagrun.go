package sender

import (
	"context"
	"errors"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/wxcast/wxcast/bot/broadcast"
	"github.com/wxcast/wxcast/bot/wxapi"
	"github.com/wxcast/wxcast/store"
)

// tagRun makes sure version i of b has its tag, then reserves the next
// run's cap slots and tags the followers who got one, TagWorkers calls at
// a time; the run is the checkpoint. A run cut short (a crash, a lost
// lease) is done again from its start: the reservation gives the same
// followers back and tagging someone twice changes nothing.
func (s *Sender) tagRun(ctx context.Context, b *broadcast.Broadcast, i int) (time.Duration, bool, error) {
	t := b.TagSend
	v := &t.Versions[i]
	if v.TagID == 0 {
		id, err := s.ensureTag(ctx, v.Name)
		if err != nil {
			if c := wxapi.ErrCode(err); c == codeTagsAtMost {
				return 0, false, s.fail(ctx, b, broadcast.FailTagsFull, "WeChat refused to create the broadcast's tag: the account holds 100 tags")
			}
			return 0, true, err
		}
		v.TagID = id
		return 0, true, s.save(ctx, b)
	}
	idx := v.FirstRun + v.Done
	list, err := s.o.Store.ReadList(ctx, b.ID, "t"+t.Key, idx)
	if errors.Is(err, store.ErrListGone) {
		return 0, false, s.fail(ctx, b, broadcast.FailExpired, "a tag run's openid list has expired")
	}
	if err != nil {
		return 0, true, err
	}
	kept, err := s.o.Caps.Reserve(ctx, b.ID, runIndex(idx), list, s.now())
	if err != nil {
		return 0, true, err
	}
	if err := s.o.Store.WriteList(ctx, b.ID, "k"+t.Key, idx, kept, broadcast.ListTTL); err != nil {
		return 0, true, err
	}
	// The tag channel sends no reminder series: its runs are the split step.
	if err := s.indexTurnCut(ctx, b, true, list, kept, false); err != nil {
		return 0, true, err
	}
	refused, err := s.tagAll(ctx, v.TagID, kept, true)
	if err != nil {
		return 0, true, err
	}
	if err := s.o.Store.WriteList(ctx, b.ID, "x"+t.Key, idx, refused, broadcast.ListTTL); err != nil {
		return 0, true, err
	}
	v.Done++
	v.Capped += len(list) - len(kept)
	v.Tagged += len(kept) - len(refused)
	v.Refused += len(refused)
	s.metrics.tagged.Add(float64(len(kept) - len(refused)))
	return 0, true, s.save(ctx, b)
}

// ensureTag finds the tag named name, or creates it. A crashed run finds
// the tag it made with tags/get instead of making a second one.
func (s *Sender) ensureTag(ctx context.Context, name string) (int, error) {
	if id, _, ok, err := s.findTag(ctx, 0, name); err != nil || ok {
		return id, err
	}
	t, err := s.tags.CreateTag(ctx, name)
	if wxapi.ErrCode(err) == codeTagExists { // made meanwhile
		id, _, ok, err := s.findTag(ctx, 0, name)
		if err == nil && !ok {
			err = errors.New("WeChat says the tag " + name + " exists, and does not list it")
		}
		return id, err
	}
	if err != nil {
		return 0, err
	}
	s.o.Log.Info("tag channel: created WeChat tag", zap.String("wechat_tag", name), zap.Int("id", t.ID))
	return t.ID, nil
}

// findTag reads the account's tags for the one with id (or, with id 0,
// named name): its id and member count.
func (s *Sender) findTag(ctx context.Context, id int, name string) (int, int64, bool, error) {
	tags, err := s.tags.AccountTags(ctx)
	if err != nil {
		return 0, 0, false, err
	}
	for _, t := range tags {
		if id != 0 && t.ID == id || id == 0 && t.Name == name {
			return t.ID, t.Count, true, nil
		}
	}
	return 0, 0, false, nil
}

// tagAll tags (or untags) openids with tagID, wxapi.MaxTagBatch a call
// and TagWorkers calls at a time, isolating the followers WeChat refuses
// (wxapi.TagIsolating), whom it returns. The first other error stops it.
func (s *Sender) tagAll(ctx context.Context, tagID int, openids []string, add bool) ([]string, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	chunks := make(chan []string)
	var (
		mu      sync.Mutex
		refused []string
		first   error
		wg      sync.WaitGroup
	)
	op := "untag"
	if add {
		op = "tag"
	}
	for range s.o.TagWorkers {
		wg.Go(func() {
			for ids := range chunks {
				r, calls, err := wxapi.TagIsolating(ctx, ids, func(ids []string) error {
					return s.retried(ctx, func() error { return s.tags.TagMembers(ctx, tagID, ids, add) })
				})
				s.metrics.tagCalls.WithLabelValues(op).Add(float64(calls))
				mu.Lock()
				for _, x := range r {
					refused = append(refused, x.OpenID)
				}
				if err != nil && first == nil {
					first = err
					cancel()
				}
				mu.Unlock()
			}
		})
	}
	for start := 0; start < len(openids) && ctx.Err() == nil; start += wxapi.MaxTagBatch {
		select {
		case chunks <- openids[start:min(start+wxapi.MaxTagBatch, len(openids))]:
		case <-ctx.Done():
		}
	}
	close(chunks)
	wg.Wait()
	if first == nil {
		first = ctx.Err() // the caller's: the lease was lost, say
	}
	return refused, first
}

// retried makes a tagging call, repeating it a few times while WeChat is
// busy for the moment (-1, 45011) or the token was just replaced.
func (s *Sender) retried(ctx context.Context, call func() error) error {
	var err error
	for attempt := 1; ; attempt++ {
		err = call()
		if kind, _ := classify(err); err == nil || kind != outcomeRetry || attempt >= 4 {
			return err
		}
		if !s.sleep(ctx, time.Duration(attempt)*100*time.Millisecond) {
			return ctx.Err()
		}
	}
}
