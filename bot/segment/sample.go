package segment

import (
	"container/heap"
	"context"
	"encoding/binary"
	"hash/fnv"
	"slices"
	"sync"

	"github.com/wxcast/wxcast/store"
)

// Sample returns up to n of the segment's followers, picked at random but
// repeatably: each follower gets a score from a hash of the seed and its
// openid, and the n lowest scores win, so the same seed over the same
// followers gives the same sample whatever order the scan reads them in.
func (s *Selection) Sample(ctx context.Context, p Profiles, n int, seed uint64) ([]string, Tally, error) {
	var (
		t  Tally
		mu sync.Mutex
		h  = &sampleHeap{}
	)
	err := s.each(ctx, p, &t, func(pr *store.Profile) {
		sc := score(seed, pr.OpenID)
		mu.Lock()
		defer mu.Unlock()
		if h.Len() < n {
			heap.Push(h, scored{sc, pr.OpenID})
		} else if n > 0 && sc < (*h)[0].score {
			(*h)[0] = scored{sc, pr.OpenID}
			heap.Fix(h, 0)
		}
	})
	out := make([]string, h.Len())
	for i, e := range *h {
		out[i] = e.openid
	}
	slices.Sort(out)
	return out, t, err
}

func score(seed uint64, openid string) uint64 {
	f := fnv.New64a()
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], seed)
	_, _ = f.Write(b[:])
	_, _ = f.Write([]byte(openid))
	return f.Sum64()
}

type scored struct {
	score  uint64
	openid string
}

// sampleHeap keeps the kept sample with the highest score on top.
type sampleHeap []scored

func (h sampleHeap) Len() int           { return len(h) }
func (h sampleHeap) Less(i, j int) bool { return h[i].score > h[j].score }
func (h sampleHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *sampleHeap) Push(x any)        { *h = append(*h, x.(scored)) }
func (h *sampleHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
