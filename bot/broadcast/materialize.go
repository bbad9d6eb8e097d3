package broadcast

import (
	"context"
	"sync"

	"github.com/wxcast/wxcast/store"
)

// materialize turns b's audience snapshot into batches when sending
// begins: followers who unsubscribed since the preview are dropped, no one
// is added, and the rest are cut into mass-send lists of at most 10,000
// and never one (the API refuses a list of one). The lists are written
// under a fresh name and only take effect with the record that names
// them, so a crash half-way leaves nothing half-built in use.
func (s *Service) materialize(ctx context.Context, b *Broadcast) error {
	gone, err := s.unsubscribed(ctx)
	if err != nil {
		return err
	}
	key := randomHex(8)
	var (
		sizes   []int
		pending []string // a full batch held back until we know it is not the last
		cur     = make([]string, 0, s.o.BatchSize)
		kept    int
	)
	write := func(list []string) error {
		if err := s.o.Store.WriteList(ctx, b.ID, "s"+key, len(sizes), list, listTTL); err != nil {
			return err
		}
		sizes = append(sizes, len(list))
		return nil
	}
	for i := range b.Plan.Chunks {
		chunk, err := s.o.Store.ReadList(ctx, b.ID, "a"+b.Plan.Key, i)
		if err != nil {
			return err
		}
		for _, o := range chunk {
			if _, ok := gone[o]; ok {
				continue
			}
			kept++
			cur = append(cur, o)
			if len(cur) == s.o.BatchSize {
				if pending != nil {
					if err := write(pending); err != nil {
						return err
					}
				}
				pending, cur = cur, make([]string, 0, s.o.BatchSize)
			}
		}
	}
	lone := 0
	if len(cur) == 1 && pending != nil {
		// A full batch and one left: move one over (10,000 + 1 → 9,999 + 2).
		cur = append(cur, pending[len(pending)-1])
		pending = pending[:len(pending)-1]
	}
	if pending != nil {
		if err := write(pending); err != nil {
			return err
		}
	}
	switch len(cur) {
	case 0:
	case 1:
		lone = 1 // the whole audience is one follower
	default:
		if err := write(cur); err != nil {
			return err
		}
	}
	b.BatchKey = key
	b.Batches = make([]Batch, len(sizes))
	for i, n := range sizes {
		b.Batches[i] = Batch{Size: n, State: BatchPending}
	}
	b.Dropped = b.Plan.Audience - kept
	b.Lone = lone
	return s.save(ctx, b, store.Change{Owner: s.o.Owner})
}

// unsubscribed lists every follower who is not subscribed now.
func (s *Service) unsubscribed(ctx context.Context) (map[string]struct{}, error) {
	var mu sync.Mutex
	gone := map[string]struct{}{}
	err := s.o.Profiles.Scan(ctx, store.ScanOptions{}, func(batch []*store.Profile) error {
		mu.Lock()
		defer mu.Unlock()
		for _, p := range batch {
			if !p.Subscribed {
				gone[p.OpenID] = struct{}{}
			}
		}
		return nil
	})
	return gone, err
}
