package store

import (
	"context"
	"fmt"
)

// Unsubscribed reports, for each of openids, whether AddUnsubscribe
// recorded them for broadcast id: they unsubscribed within 24 h of
// receiving it, it being the newest broadcast they had received. One
// SMISMEMBER per call; callers pass a page of openids at a time.
func (c *Caps) Unsubscribed(ctx context.Context, id int64, openids []string) ([]bool, error) {
	if len(openids) == 0 {
		return nil, nil
	}
	args := make([]any, len(openids))
	for i, o := range openids {
		args[i] = o
	}
	in, err := c.s.rdb.SMIsMember(ctx, c.s.keys.capUnsub(id), args...).Result()
	if err != nil {
		return nil, fmt.Errorf("store: unsubscribes of %d followers after broadcast %d: %w", len(openids), id, err)
	}
	return in, nil
}
