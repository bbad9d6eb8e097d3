package wxapi

import (
	"context"
	"time"

	"github.com/wxcast/wxcast/store"
)

// The API paths whose daily quota a broadcast plan counts. mass/send and
// mass/sendall share one quota, read under mass/send's path.
const (
	PathMassSend     = pathMassSend
	PathUploadNews   = pathUploadNews
	PathBatchTag     = "/cgi-bin/tags/members/batchtagging"
	PathBatchUntag   = "/cgi-bin/tags/members/batchuntagging"
	PathTagCreate    = "/cgi-bin/tags/create"
	PathTagDelete    = pathTagDelete
	speedCacheName   = "mass_speed"
	defaultQuotaLife = time.Minute
	// speedLife: the delivery speed changes only when an operator sets it
	// (speed/set), so it is cached longer than the quotas.
	speedLife = 10 * time.Minute
)

// quotaPathOf is the quota path a call of path spends, "" for a path
// whose quota is not counted.
func quotaPathOf(path string) string {
	switch path {
	case pathMassSend, pathMassSendAll:
		return pathMassSend
	case pathUploadNews, PathBatchTag, PathBatchUntag, PathTagCreate, pathTagDelete:
		return path
	}
	return ""
}

// QuotaCounts caches quota readings where every replica sees them and
// counts the calls made between readings (store.QuotaCounts).
type QuotaCounts interface {
	Get(ctx context.Context, path string) (store.QuotaReading, bool, error)
	Put(ctx context.Context, path string, r store.QuotaReading, ttl time.Duration) error
	Spend(ctx context.Context, path string, n int) error
	Value(ctx context.Context, name string) (int, bool, error)
	SetValue(ctx context.Context, name string, v int, ttl time.Duration) error
}

// WithQuotaCounts makes c keep today's quota readings in q for life (a
// minute when ≤ 0) and count every successful call of a counted path
// against them (see TodayQuota). Call it once, before c is used, after
// WithQuotaWalls when both are used (the walls' clock is shared).
func (c *Client) WithQuotaCounts(q QuotaCounts, life time.Duration) *Client {
	if life <= 0 {
		life = defaultQuotaLife
	}
	if c.now == nil {
		c.now = time.Now
	}
	c.counts, c.countLife = q, life
	return c
}

// TodayQuota is today's quota of the API at path (PathMassSend and the
// other Path constants): a wall in force (45009 earlier today) means
// nothing remains until its reset; else the cached reading, counted down
// by the calls made since; else WeChat's answer to openapi/quota/get,
// cached until the reading's life or the reset, whichever is sooner. An
// error means the quota is unknown: nothing is guessed.
func (c *Client) TodayQuota(ctx context.Context, path string) (Quota, error) {
	path = quotaPathOf(path)
	if path == "" {
		path = pathMassSend
	}
	if c.walled(ctx, path) {
		q := Quota{}
		if r, ok, _ := c.cached(ctx, path); ok {
			q.DailyLimit, q.Used = r.Limit, r.Limit
		}
		return q, nil
	}
	if r, ok, err := c.cached(ctx, path); err == nil && ok {
		remain := max(r.Remain, 0)
		return Quota{DailyLimit: r.Limit, Used: max(r.Limit-remain, 0), Remain: remain}, nil
	}
	q, err := c.APIQuota(ctx, path)
	if err != nil {
		return Quota{}, err
	}
	if c.counts != nil {
		now := c.now()
		ttl := min(c.countLife, QuotaReset(now).Add(-QuotaMargin).Sub(now))
		_ = c.counts.Put(ctx, path, store.QuotaReading{Limit: q.DailyLimit, Remain: q.Remain}, ttl) // a reading not kept is read again
	}
	return q, nil
}

// walled reports whether a quota wall (45009 earlier today) holds the
// calls that spend quota path: mass/sendall's wall is mass/send's too.
func (c *Client) walled(ctx context.Context, path string) bool {
	if c.walls == nil {
		return false
	}
	paths := []string{path}
	if path == pathMassSend {
		paths = append(paths, pathMassSendAll)
	}
	for _, p := range paths {
		if until, err := c.walls.Get(ctx, p, c.now()); err == nil && !until.IsZero() {
			return true
		}
	}
	return false
}

// cached is the cached reading of path, if the client keeps them.
func (c *Client) cached(ctx context.Context, path string) (store.QuotaReading, bool, error) {
	if c.counts == nil {
		return store.QuotaReading{}, false, nil
	}
	return c.counts.Get(ctx, path)
}

// spent counts one successful call of path against its cached quota. It
// runs before the call returns, so the next reading on any replica sees
// it; a Redis error loses the count only until the reading expires.
func (c *Client) spent(ctx context.Context, path string) {
	q := quotaPathOf(path)
	if c.counts == nil || q == "" {
		return
	}
	_ = c.counts.Spend(context.WithoutCancel(ctx), q, 1)
}

// DeliverySpeed is the account's mass-send delivery speed in recipients a
// minute (MassSpeed), cached for ten minutes when the client keeps quota
// readings.
func (c *Client) DeliverySpeed(ctx context.Context) (int, error) {
	if c.counts != nil {
		if v, ok, err := c.counts.Value(ctx, speedCacheName); err == nil && ok && v > 0 {
			return v, nil
		}
	}
	v, err := c.MassSpeed(ctx)
	if err != nil {
		return 0, err
	}
	if c.counts != nil {
		_ = c.counts.SetValue(ctx, speedCacheName, v, speedLife)
	}
	return v, nil
}
