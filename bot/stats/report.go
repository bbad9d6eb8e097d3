package stats

import (
	"context"
	"sort"
	"time"

	"github.com/wxcast/wxcast/bot/broadcast"
)

// Report is what status shows of an article broadcast's statistics.
type Report struct {
	// Article: b sent articles, so WeChat may report on them; false for
	// text and images and before the first batch went out. Everything
	// below is meaningful only then.
	Article bool
	// Expected is when the first figures can come (ReadyHour the day after
	// the first send), while none were fetched and it is still ahead.
	Expected time.Time
	// Fetched is when figures were last read (zero: not yet).
	Fetched time.Time
	// Matched: WeChat reported rows for b's msg_data_ids. Fetched but not
	// Matched means WeChat reported nothing for it.
	Matched bool
	// Delayed: WeChat said the figures are not final yet.
	Delayed bool
	// Days are the totals of all of b's articles to each date, as WeChat
	// reports them, oldest first.
	Days []Day
	// Articles counts the articles reported on.
	Articles int
}

// NoFigures reports whether WeChat was asked and had nothing for b.
func (r Report) NoFigures() bool { return r.Article && !r.Fetched.IsZero() && !r.Matched }

// Report reads what was fetched for b.
func (f *Fetcher) Report(ctx context.Context, b *broadcast.Broadcast) (Report, error) {
	var r Report
	sends := sendDates(b)
	if len(sends) == 0 {
		// Articles sent but without a msg_data_id (records from before it
		// was kept) cannot be found in WeChat's figures.
		if articleSent(b) {
			r.Article = true
			r.Fetched = lastAccepted(b)
		}
		return r, nil
	}
	r.Article = true
	raw, ok, err := f.o.Store.Stats(ctx, b.ID)
	if err != nil {
		return r, err
	}
	d := &doc{Fetches: map[string]*fetch{}}
	if ok {
		if d, err = decodeDoc(raw); err != nil {
			d = &doc{Fetches: map[string]*fetch{}}
		}
	}
	var lists [][]Day
	indexes := map[int]bool{}
	for send := range sends {
		x := d.Fetches[send]
		if x == nil || x.OK.IsZero() {
			continue
		}
		if x.OK.After(r.Fetched) {
			r.Fetched = x.OK
		}
		r.Delayed = r.Delayed || x.Delay
		if x.Matched > 0 {
			r.Matched = true
		}
		for idx, days := range x.Articles {
			indexes[idx] = true
			lists = append(lists, days)
		}
	}
	r.Articles = len(indexes)
	r.Days = sumToDate(lists)
	if r.Fetched.IsZero() {
		first := ""
		for send := range sends {
			if first == "" || send < first {
				first = send
			}
		}
		day, _ := time.ParseInLocation(time.DateOnly, first, beijing)
		if t := day.AddDate(0, 0, 1).Add(ReadyHour * time.Hour); t.After(f.o.Clock.Now()) {
			r.Expected = t
		}
	}
	sort.Slice(r.Days, func(i, j int) bool { return r.Days[i].Date < r.Days[j].Date })
	return r, nil
}

// articleSent reports whether b sent any article batch.
func articleSent(b *broadcast.Broadcast) bool {
	for _, x := range b.Batches {
		if x.State == broadcast.BatchSent && b.ContentOf(x.Variant).Type == "news" {
			return true
		}
	}
	return false
}

func lastAccepted(b *broadcast.Broadcast) time.Time {
	var t time.Time
	for _, x := range b.Batches {
		if x.Accepted.After(t) {
			t = x.Accepted
		}
	}
	return t
}
