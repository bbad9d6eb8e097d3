package caps

import (
	"context"
	"time"

	"github.com/wxcast/wxcast/store"
)

// receiptPeriods are the periods whose counters hold the receipts of the
// 24 h before t: t's month, and the last one.
func (c *Caps) receiptPeriods(t time.Time) []string {
	t = t.In(c.loc)
	first := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, c.loc)
	return []string{monthKey(t), monthKey(first.Add(-time.Hour))}
}

// Received returns the newest broadcast openid received at or after
// since, as the counters of at's month and the month before record it
// (nil without caps).
func (c *Caps) Received(ctx context.Context, openid string, since, at time.Time) ([]store.Receipt, error) {
	if c == nil {
		return nil, nil
	}
	return c.st.Received(ctx, openid, c.receiptPeriods(at), since)
}

// AddUnsubscribe records that openid unsubscribed after receiving
// broadcast id; true the first time.
func (c *Caps) AddUnsubscribe(ctx context.Context, id int64, openid string) (bool, error) {
	if c == nil {
		return false, nil
	}
	return c.st.AddUnsubscribe(ctx, id, openid)
}

// Unsubscribes counts the recipients of broadcast id who unsubscribed
// within 24 h of receiving it (0 without caps).
func (c *Caps) Unsubscribes(ctx context.Context, id int64) (int, error) {
	if c == nil {
		return 0, nil
	}
	return c.st.Unsubscribes(ctx, id)
}
