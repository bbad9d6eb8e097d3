package stats

import (
	"encoding/json"
	"fmt"
	"sort"
	"time"
)

// docVersion is the stored document's format.
const docVersion = 1

// rawBudget bounds the raw rows kept per broadcast (the parsed figures are
// always kept): a broadcast sent in a hundred batches of eight articles
// has 800 rows a day, too many to keep whole.
const rawBudget = 512 << 10

// doc is what is stored per broadcast (store.Broadcasts.PutStats): one
// fetch per send date, each replacing the last of that date, since the
// figures are totals to date.
type doc struct {
	V       int               `json:"v"`
	Fetches map[string]*fetch `json:"fetches"` // by send date, Beijing "2006-01-02"
}

// fetch is the last answer for one send date.
type fetch struct {
	At  time.Time `json:"at"`  // the last attempt
	Day string    `json:"day"` // its Beijing date
	// OK is when figures were last read (zero: never); Error why the last
	// attempt failed ("" when it did not).
	OK    time.Time `json:"ok,omitzero"`
	Error string    `json:"error,omitempty"`
	Delay bool      `json:"delay,omitempty"` // WeChat said is_delay
	// Matched counts the rows of the broadcast's msg_data_ids; Articles
	// are their figures by article index (1…), summed over the batches,
	// by stat date.
	Matched  int           `json:"matched"`
	Articles map[int][]Day `json:"articles,omitempty"`
	// Rows are the matched rows exactly as WeChat sent them, within
	// rawBudget; RowsLeft counts those left out.
	Rows     []json.RawMessage `json:"rows,omitempty"`
	RowsLeft int               `json:"rows_left,omitempty"`
}

func decodeDoc(raw []byte) (*doc, error) {
	var d doc
	if err := json.Unmarshal(raw, &d); err != nil {
		return nil, fmt.Errorf("stats: stored document: %w", err)
	}
	if d.Fetches == nil {
		d.Fetches = map[string]*fetch{}
	}
	return &d, nil
}

// keep records rows (all of the broadcast) as the figures of f.
func (f *fetch) keep(raws []json.RawMessage, rows []Row) {
	f.Matched, f.Rows, f.RowsLeft = len(rows), nil, 0
	f.Articles = map[int][]Day{}
	byIndex := map[int][][]Day{}
	for _, r := range rows {
		byIndex[r.Index] = append(byIndex[r.Index], r.Days)
	}
	for idx, lists := range byIndex {
		f.Articles[idx] = sumToDate(lists)
	}
	budget := rawBudget
	for _, raw := range raws {
		if len(raw) > budget {
			f.RowsLeft++
			continue
		}
		budget -= len(raw)
		f.Rows = append(f.Rows, raw)
	}
}

// sumToDate adds up lists of totals-to-date: on each date any list has,
// each list counts with its latest total on or before that date (a batch
// without an entry for a date has gained nothing since its last).
func sumToDate(lists [][]Day) []Day {
	dates := map[string]bool{}
	for _, l := range lists {
		for _, d := range l {
			dates[d.Date] = true
		}
	}
	order := make([]string, 0, len(dates))
	for d := range dates {
		order = append(order, d)
	}
	sort.Strings(order)
	out := make([]Day, 0, len(order))
	for _, date := range order {
		sum := Day{Date: date}
		for _, l := range lists {
			var last Figures
			for _, d := range l {
				if d.Date > date {
					break
				}
				last = d.Figures
			}
			sum.Figures = sum.Figures.add(last)
		}
		out = append(out, sum)
	}
	return out
}
