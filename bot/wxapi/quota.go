package wxapi

import (
	"context"
	"errors"
	"time"
)

// CodeDailyQuota is WeChat's answer when the account's daily quota for an
// API is spent: "reach max api daily quota limit". It holds until the
// quota resets at 00:00 Beijing time.
const CodeDailyQuota = 45009

// QuotaMargin is added to the reset before a spent path is called again,
// for clocks that differ a little from WeChat's.
const QuotaMargin = 5 * time.Minute

// QuotaWalls stores, where every replica sees them, the API paths whose
// daily quota is spent and until when (store.QuotaWalls).
type QuotaWalls interface {
	Get(ctx context.Context, path string, now time.Time) (time.Time, error)
	Set(ctx context.Context, path string, until, now time.Time) error
}

// QuotaReset is when a daily quota spent at now is back, as wxcast waits
// for it: the next 00:00 Beijing time (UTC+8 all year), plus QuotaMargin.
func QuotaReset(now time.Time) time.Time {
	bj := time.FixedZone("Asia/Shanghai", 8*3600)
	t := now.In(bj)
	return time.Date(t.Year(), t.Month(), t.Day()+1, 0, 0, 0, 0, bj).Add(QuotaMargin)
}

// WithQuotaWalls makes c remember 45009 answers in w, per API path, and
// refuse further calls to a spent path itself until its reset, so the
// whole account draws at most one refused call per path a day. now is the
// clock (nil: time.Now). Call it once, before c is used.
func (c *Client) WithQuotaWalls(w QuotaWalls, now func() time.Time) *Client {
	if now == nil {
		now = time.Now
	}
	c.walls, c.now = w, now
	return c
}

// wallFor returns the error a call to path gets without being made, when
// its quota is known to be spent.
func (c *Client) wallFor(ctx context.Context, path string) error {
	if c.walls == nil {
		return nil
	}
	until, err := c.walls.Get(ctx, path, c.now())
	if err != nil || until.IsZero() {
		// A store that cannot answer does not stop the call: WeChat still
		// refuses a spent quota, and the answer is recorded then.
		return nil
	}
	return &APIError{Code: CodeDailyQuota, Msg: "daily quota spent (not called again before the reset)", Until: until, Held: true}
}

// noteWall records a 45009 answer from path and sets its Until.
func (c *Client) noteWall(ctx context.Context, path string, err error) {
	var ae *APIError
	if c.walls == nil || !errors.As(err, &ae) || ae.Code != CodeDailyQuota {
		return
	}
	now := c.now()
	ae.Until = QuotaReset(now)
	_ = c.walls.Set(ctx, path, ae.Until, now) // best effort: see wallFor
}
