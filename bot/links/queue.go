package links

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// item is one authorization code waiting for its exchange.
type item struct {
	target    Target
	code      string
	userAgent string
	at        time.Time
}

// queue is the bounded background exchange: a channel of items and a
// fixed number of workers. push never blocks: a full queue refuses.
type queue struct {
	ch      chan item
	workers int
	work    func(ctx context.Context, it item)

	mu     sync.RWMutex // guards closed against pushes racing the close
	closed bool
	wg     sync.WaitGroup
	done   atomic.Int64
}

func newQueue(size, workers int, work func(context.Context, item)) *queue {
	return &queue{ch: make(chan item, size), workers: workers, work: work}
}

func (q *queue) push(it item) bool {
	q.mu.RLock()
	defer q.mu.RUnlock()
	if q.closed {
		return false
	}
	select {
	case q.ch <- it:
		return true
	default:
		return false
	}
}

func (q *queue) start(ctx context.Context) {
	for range q.workers {
		q.wg.Go(func() {
			for it := range q.ch {
				q.work(ctx, it)
				q.done.Add(1)
			}
		})
	}
}

// close stops pushes and waits for the workers to finish what is queued.
func (q *queue) close() {
	q.mu.Lock()
	if !q.closed {
		q.closed = true
		close(q.ch)
	}
	q.mu.Unlock()
	q.wg.Wait()
}
