// Package results owns what is learnt about a broadcast once it is out:
// WeChat's job reports for each batch, the guardrails that pause a
// broadcast whose recipients fail or unsubscribe too often, and the
// comparison of its variants and holdout by callbacks (sampled), clicks
// on its tracked links and conversions (counted exactly), with the
// conversions it records as followers buy.
//
// It builds on bot/broadcast (records), bot/caps (receipts and
// unsubscribes) and store, and alerts through bot/notify; the callback
// path (package bot) and the admin bot use it.
package results

import (
	"context"
	"time"

	"go.uber.org/zap"

	"github.com/wxcast/wxcast/bot/broadcast"
	"github.com/wxcast/wxcast/bot/caps"
	"github.com/wxcast/wxcast/store"
)

// HistoryReader reads followers' event histories (store.Followers).
type HistoryReader interface {
	Histories(ctx context.Context, openids []string) ([][]store.HistoryEntry, error)
}

// Alerts tells the owners that a guardrail tripped (bot/notify).
type Alerts interface {
	GuardFailure(ctx context.Context, b *broadcast.Broadcast, rate, limit float64)
	GuardUnsubscribe(ctx context.Context, b *broadcast.Broadcast, n int, rate, limit float64, paused bool)
}

// Options configures a Service.
type Options struct {
	Records *broadcast.Records
	// Store keeps the msg_id index, the reports that came early, the
	// member indexes and the recently accepted broadcasts.
	Store *store.Broadcasts
	// Caps keeps the receipts the unsubscribe guardrail reads (nil: no
	// unsubscribe guardrail).
	Caps *caps.Caps
	// Histories reads followers' histories for holdout and variant
	// results (nil: no results); MeasureWindow is how long after a batch
	// a callback counts.
	Histories     HistoryReader
	MeasureWindow time.Duration
	// Conversions keeps who converted after each broadcast (nil: no
	// conversion results, Converted records nothing).
	Conversions *store.Conversions
	// Clicks reads who clicked each broadcast's tracked links (nil: no
	// click results).
	Clicks *store.Links
	Alerts Alerts
	// AlertFailureRate and AlertUnsubscribeRate are the guardrails'
	// thresholds (0: off).
	AlertFailureRate, AlertUnsubscribeRate float64
	// Wake makes the sender announce a fully reported broadcast now.
	Wake *broadcast.Wake
	Now  func() time.Time
	Log  *zap.Logger
}

// Service records and measures what broadcasts did. It is safe for
// concurrent use.
type Service struct {
	o Options
}

// New returns a Service.
func New(o Options) *Service {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = zap.NewNop()
	}
	if o.MeasureWindow <= 0 {
		o.MeasureWindow = 24 * time.Hour
	}
	return &Service{o: o}
}
