package stats

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"slices"
	"time"

	"go.uber.org/zap"

	"github.com/wxcast/wxcast/bot/broadcast"
	"github.com/wxcast/wxcast/bot/wxapi"
	"github.com/wxcast/wxcast/store"
)

// The schedule.
const (
	// FetchDays: a send date's figures are fetched once a day from the day
	// after it to this many days after it. The old per-article statistics
	// covered seven days; the new ones run longer (the doc says up to 30)
	// but the first week is what admins follow.
	FetchDays = 7
	// ReadyHour is the Beijing hour from which yesterday's figures are
	// asked for. UNCONFIRMED: WeChat does not say when they are ready;
	// an answer with is_delay is asked again RetryAfter later.
	ReadyHour = 8
	// RetryAfter is the wait after an answer with is_delay or an error.
	RetryAfter = time.Hour
	// DefaultEvery is how often each replica looks.
	DefaultEvery = 15 * time.Minute
	// scanN is how many of the newest broadcasts are looked at: more than
	// an account sends in FetchDays.
	scanN = 200
	// docTTL keeps a broadcast's figures long after the last fetch.
	docTTL = 90 * 24 * time.Hour
	// leaseTTL bounds a round; the lease is given up when it ends.
	leaseTTL = 5 * time.Minute
)

// beijing is WeChat's time zone, where its dates and days begin.
var beijing = time.FixedZone("Asia/Shanghai", 8*3600)

// API reads WeChat's per-article statistics (wxapi.Client).
type API interface {
	ArticleTotalDetail(ctx context.Context, begin, end string) (wxapi.ArticleDetail, error)
}

// Clock is the fetcher's time (clocktest.Clock in tests).
type Clock interface {
	Now() time.Time
	Ticker(d time.Duration) (<-chan time.Time, func())
}

type wallClock struct{}

func (wallClock) Now() time.Time { return time.Now() }
func (wallClock) Ticker(d time.Duration) (<-chan time.Time, func()) {
	t := time.NewTicker(d)
	return t.C, t.Stop
}

// Options configures a Fetcher.
type Options struct {
	Records *broadcast.Records
	// Store keeps the figures and the fetch lease.
	Store *store.Broadcasts
	// API is nil when the WeChat API is off: nothing is fetched.
	API API
	// Every is how often this replica looks (DefaultEvery when zero).
	Every time.Duration
	// Owner names this replica in the fetch lease; random when empty.
	Owner string
	Clock Clock
	Log   *zap.Logger
}

// Fetcher fetches the statistics of article broadcasts, one replica at a
// time, and reads them back for status. It is safe for concurrent use.
type Fetcher struct{ o Options }

// New returns a Fetcher; call Run to fetch.
func New(o Options) *Fetcher {
	if o.Every <= 0 {
		o.Every = DefaultEvery
	}
	if o.Clock == nil {
		o.Clock = wallClock{}
	}
	if o.Log == nil {
		o.Log = zap.NewNop()
	}
	if o.Owner == "" {
		var b [8]byte
		_, _ = rand.Read(b[:])
		o.Owner = hex.EncodeToString(b[:])
	}
	return &Fetcher{o: o}
}

// Run fetches what is due every Every until ctx ends.
func (f *Fetcher) Run(ctx context.Context) {
	if f.o.API == nil {
		return
	}
	tick, stop := f.o.Clock.Ticker(f.o.Every)
	defer stop()
	for {
		if err := f.Round(ctx); err != nil && ctx.Err() == nil {
			f.o.Log.Warn("article statistics: round failed; it is tried again at the next", zap.Error(err))
		}
		select {
		case <-ctx.Done():
			return
		case <-tick:
		}
	}
}

// Round fetches what is due now, if this replica holds the fetch lease
// (another one that does makes it do nothing). Failed fetches are
// recorded and tried again RetryAfter later.
func (f *Fetcher) Round(ctx context.Context) error {
	if f.o.API == nil {
		return nil
	}
	ok, err := f.o.Store.StatsLease(ctx, f.o.Owner, leaseTTL)
	if err != nil || !ok {
		return err
	}
	defer func() {
		if err := f.o.Store.ReleaseStatsLease(context.WithoutCancel(ctx), f.o.Owner); err != nil {
			f.o.Log.Warn("article statistics: release the lease", zap.Error(err))
		}
	}()
	ctx, cancel := context.WithTimeout(ctx, leaseTTL*4/5)
	defer cancel()
	bs, err := f.o.Records.List(ctx, scanN)
	if err != nil {
		return err
	}
	now := f.o.Clock.Now()
	for _, b := range bs {
		sends := sendDates(b)
		if len(sends) == 0 || !anyDue(sends, now) {
			continue
		}
		if err := f.fetchBroadcast(ctx, b, sends, now); err != nil {
			return err
		}
	}
	return nil
}

// sendDates maps the Beijing dates b's article batches were accepted on to
// their msg_data_ids.
func sendDates(b *broadcast.Broadcast) map[string][]int64 {
	out := map[string][]int64{}
	for _, x := range b.Batches {
		if x.State != broadcast.BatchSent || x.MsgDataID == 0 || x.Accepted.IsZero() {
			continue
		}
		d := x.Accepted.In(beijing).Format(time.DateOnly)
		if !slices.Contains(out[d], x.MsgDataID) {
			out[d] = append(out[d], x.MsgDataID)
		}
	}
	return out
}

// window says whether figures of send date may be asked for at now: from
// ReadyHour the day after, to FetchDays days after.
func window(send string, now time.Time) (open, over bool) {
	d, err := time.ParseInLocation(time.DateOnly, send, beijing)
	if err != nil {
		return false, true
	}
	first := d.AddDate(0, 0, 1).Add(ReadyHour * time.Hour)
	last := d.AddDate(0, 0, FetchDays+1) // the end of the last day
	return !now.Before(first) && now.Before(last), !now.Before(last)
}

func anyDue(sends map[string][]int64, now time.Time) bool {
	for d := range sends {
		if open, _ := window(d, now); open {
			return true
		}
	}
	return false
}

// due reports whether send date's figures are to be fetched at now, given
// its last fetch (nil: none).
func due(send string, last *fetch, now time.Time) bool {
	if open, _ := window(send, now); !open {
		return false
	}
	if last == nil || last.Day != now.In(beijing).Format(time.DateOnly) {
		return true // once a day
	}
	return (last.Delay || last.Error != "") && now.Sub(last.At) >= RetryAfter
}

// fetchBroadcast fetches b's due send dates and stores what came.
func (f *Fetcher) fetchBroadcast(ctx context.Context, b *broadcast.Broadcast, sends map[string][]int64, now time.Time) error {
	d, err := f.load(ctx, b.ID)
	if err != nil {
		return err
	}
	changed := false
	for send, ids := range sends {
		last := d.Fetches[send]
		if !due(send, last, now) {
			continue
		}
		ans, err := f.o.API.ArticleTotalDetail(ctx, send, send)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		next := &fetch{At: now, Day: now.In(beijing).Format(time.DateOnly)}
		if last != nil {
			*next = *last
			next.At, next.Day, next.Error = now, now.In(beijing).Format(time.DateOnly), ""
		}
		if err != nil {
			// The figures of the last good answer stay.
			next.Error = err.Error()
			f.o.Log.Warn("article statistics: fetch failed", zap.Int64("id", b.ID), zap.String("send_date", send),
				zap.Int("errcode", wxapi.ErrCode(err)), zap.Error(err))
		} else {
			raws, rows := match(ans.Rows, ids)
			next.OK, next.Delay = now, ans.IsDelay || anyDelay(rows)
			next.keep(raws, rows)
			f.o.Log.Info("article statistics fetched", zap.Int64("id", b.ID), zap.String("send_date", send),
				zap.Int("rows", len(ans.Rows)), zap.Int("matched", len(rows)), zap.Bool("delay", next.Delay))
		}
		d.Fetches[send] = next
		changed = true
	}
	if !changed {
		return nil
	}
	raw, err := json.Marshal(d)
	if err != nil {
		return err
	}
	err = f.o.Store.PutStats(ctx, b.ID, raw, docTTL)
	if errors.Is(err, store.ErrStatsTooLarge) {
		// The raw rows are what grows: keep the figures without them.
		for _, x := range d.Fetches {
			x.RowsLeft += len(x.Rows)
			x.Rows = nil
		}
		if raw, err = json.Marshal(d); err == nil {
			err = f.o.Store.PutStats(ctx, b.ID, raw, docTTL)
		}
	}
	return err
}

// match keeps the rows of the msg_data_ids ids (rows of other broadcasts,
// of published articles and rows it cannot read are left out).
func match(raws []json.RawMessage, ids []int64) ([]json.RawMessage, []Row) {
	var keptRaw []json.RawMessage
	var rows []Row
	for _, raw := range raws {
		r, ok := ParseRow(raw)
		if !ok || r.DataID == 0 || !slices.Contains(ids, r.DataID) {
			continue
		}
		keptRaw = append(keptRaw, raw)
		rows = append(rows, r)
	}
	return keptRaw, rows
}

func anyDelay(rows []Row) bool {
	for _, r := range rows {
		if r.IsDelay {
			return true
		}
	}
	return false
}

// load reads broadcast id's stored document, or an empty one.
func (f *Fetcher) load(ctx context.Context, id int64) (*doc, error) {
	raw, ok, err := f.o.Store.Stats(ctx, id)
	if err != nil {
		return nil, err
	}
	if !ok {
		return &doc{V: docVersion, Fetches: map[string]*fetch{}}, nil
	}
	d, err := decodeDoc(raw)
	if err != nil {
		// A document this wxcast cannot read is fetched anew.
		f.o.Log.Warn("article statistics: stored document unreadable; fetching anew", zap.Int64("id", id), zap.Error(err))
		return &doc{V: docVersion, Fetches: map[string]*fetch{}}, nil
	}
	return d, nil
}
