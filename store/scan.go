package store

import (
	"context"
	"fmt"
	"sync"

	"github.com/redis/go-redis/v9"
)

// ScanOptions tunes Scan.
type ScanOptions struct {
	// Workers read and hand on batches concurrently (default 8).
	Workers int
	// ShardsPerBatch shards are read in one pipeline (default 16).
	ShardsPerBatch int
}

// Scan reads every follower profile and calls fn with them, a batch at a
// time, from Workers goroutines at once: fn must be safe for concurrent
// use, and must not keep the batch or the profiles in it (they are reused
// for the next batch; copy what is needed, strings may be kept). Memory stays bounded by Workers
// × ShardsPerBatch shards whatever the number of followers. Scan stops at
// the first error, from Redis or from fn, and returns it.
func (f *Followers) Scan(ctx context.Context, o ScanOptions, fn func(batch []*Profile) error) error {
	if o.Workers <= 0 {
		o.Workers = 8
	}
	if o.ShardsPerBatch <= 0 {
		o.ShardsPerBatch = 16
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	starts := make(chan int)
	go func() {
		defer close(starts)
		for s := 0; s < Shards; s += o.ShardsPerBatch {
			select {
			case starts <- s:
			case <-ctx.Done():
				return
			}
		}
	}()
	var (
		wg       sync.WaitGroup
		once     sync.Once
		firstErr error
	)
	fail := func(err error) {
		once.Do(func() { firstErr = err; cancel() })
	}
	for range o.Workers {
		wg.Go(func() {
			var r reader
			for s := range starts {
				batch, err := r.read(ctx, f, s, min(s+o.ShardsPerBatch, Shards))
				if err != nil {
					fail(err)
					return
				}
				if err := fn(batch); err != nil {
					fail(err)
					return
				}
			}
		})
	}
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	return ctx.Err()
}

// reader reads shards into profiles it reuses from batch to batch: a
// segment count decodes millions of them, and allocating each would keep
// the garbage collector busy.
type reader struct {
	profiles []Profile
	batch    []*Profile
}

// read reads shards [from, to) in one pipeline.
func (r *reader) read(ctx context.Context, f *Followers, from, to int) ([]*Profile, error) {
	pipe := f.s.rdb.Pipeline()
	cmds := make([]*redis.MapStringStringCmd, 0, to-from)
	for s := from; s < to; s++ {
		cmds = append(cmds, pipe.HGetAll(ctx, f.s.keys.shard(s)))
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, fmt.Errorf("store: read profile shards %d-%d: %w", from, to-1, err)
	}
	n := 0
	for _, c := range cmds {
		n += len(c.Val())
	}
	if cap(r.profiles) < n {
		r.profiles = make([]Profile, n)
	}
	r.profiles, r.batch = r.profiles[:n], r.batch[:0]
	i := 0
	for _, c := range cmds {
		for openid, blob := range c.Val() {
			p := &r.profiles[i]
			decodeInto(p, openid, blob)
			r.batch = append(r.batch, p)
			i++
		}
	}
	return r.batch, nil
}
