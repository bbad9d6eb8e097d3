package usersync

import (
	"context"
	"errors"
	"net"
	"sync/atomic"
	"time"

	"github.com/wxcast/wxcast/bot/wxapi"
)

// Retry says how calls that WeChat refused for the moment are repeated.
type Retry struct {
	// Attempts is the number of calls in all, the first included
	// (default 6).
	Attempts int
	// Base is the wait after the first failure, doubled after each
	// further one (default 1s), up to Max (default 30s).
	Base, Max time.Duration
}

func (r Retry) withDefaults() Retry {
	if r.Attempts <= 0 {
		r.Attempts = 6
	}
	if r.Base <= 0 {
		r.Base = time.Second
	}
	if r.Max <= 0 {
		r.Max = 30 * time.Second
	}
	return r
}

// transient reports whether a call may succeed if made again soon:
// WeChat's -1 (system busy) and network failures. 45009 (the API's daily
// quota is spent) is not: it holds until 00:00 Beijing time, so the sync
// stops and keeps its checkpoint.
func transient(err error) bool {
	switch wxapi.ErrCode(err) {
	case -1:
		return true
	case 0:
		var ne net.Error
		return errors.As(err, &ne)
	}
	return false
}

// do runs call until it succeeds, fails for good, or runs out of
// attempts; retried, when not nil, counts the repeats.
func (r Retry) do(ctx context.Context, retried *atomic.Int64, call func() error) error {
	wait := r.Base
	for attempt := 1; ; attempt++ {
		err := call()
		if err == nil || attempt >= r.Attempts || !transient(err) || ctx.Err() != nil {
			return err
		}
		if retried != nil {
			retried.Add(1)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
		wait = min(2*wait, r.Max)
	}
}
