package stats

import (
	"encoding/json"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/wxcast/wxcast/bot/wxapi"
)

// Figures are what WeChat reports of articles: readers, sharers, 点赞
// (like_user), 在看 (zaikan_user) and comments.
type Figures struct {
	Read    int64 `json:"r,omitempty"`
	Share   int64 `json:"s,omitempty"`
	Like    int64 `json:"l,omitempty"`
	Zaikan  int64 `json:"z,omitempty"`
	Comment int64 `json:"c,omitempty"`
}

func (f Figures) add(g Figures) Figures {
	return Figures{f.Read + g.Read, f.Share + g.Share, f.Like + g.Like, f.Zaikan + g.Zaikan, f.Comment + g.Comment}
}

// Day is the figures of one stat date ("2006-01-02"): by the doc, the
// totals from the publish date to that date.
type Day struct {
	Date string `json:"d"`
	Figures
}

// Row is one row of getarticletotaldetail, read leniently.
type Row struct {
	// MsgID is "<msg_data_id>_<index>"; DataID and Index its parts (0
	// when it does not have that form).
	MsgID       string
	DataID      int64
	Index       int
	RefDate     string
	PublishType int64
	IsDelay     bool
	Days        []Day // by date, oldest first, one per date
	HasPublish  bool  // publish_type was given
}

// ParseRow reads one raw row. It takes what it can and ignores the rest:
// numbers may come as numbers or strings, any field may be missing,
// unknown fields are skipped, and besides the doc's detail_list it reads
// a "details" list or a "detail" object (the older calls' shapes) and
// figures at the row's own top level. ok is false for a row that is not a
// JSON object or has no msgid.
func ParseRow(raw json.RawMessage) (r Row, ok bool) {
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil || m == nil {
		return Row{}, false
	}
	r.MsgID = text(m["msgid"])
	if r.MsgID == "" {
		return Row{}, false
	}
	if a, b, found := strings.Cut(r.MsgID, "_"); found {
		id, err1 := strconv.ParseInt(a, 10, 64)
		idx, err2 := strconv.Atoi(b)
		if err1 == nil && err2 == nil && id > 0 && idx > 0 {
			r.DataID, r.Index = id, idx
		}
	}
	r.RefDate = date(m["ref_date"])
	if v, present := m["publish_type"]; present {
		r.PublishType, r.HasPublish = number(v), true
	}
	r.IsDelay = wxapi.Truthy(m["is_delay"])
	var entries []map[string]json.RawMessage
	for _, name := range []string{"detail_list", "details"} {
		var list []json.RawMessage
		if json.Unmarshal(m[name], &list) == nil {
			for _, e := range list {
				var em map[string]json.RawMessage
				if json.Unmarshal(e, &em) == nil && em != nil {
					entries = append(entries, em)
				}
			}
		}
	}
	var one map[string]json.RawMessage
	if json.Unmarshal(m["detail"], &one) == nil && one != nil {
		entries = append(entries, one)
	}
	if len(entries) == 0 {
		entries = append(entries, m) // figures on the row itself
	}
	byDate := map[string]Figures{}
	for _, e := range entries {
		d := r.RefDate // an entry without its own date is of the publish date
		if v, present := e["stat_date"]; present {
			d = date(v) // one with a date that cannot be read is skipped
		}
		if d == "" {
			continue
		}
		byDate[d] = figures(e) // a date given twice: the last one
	}
	for d, f := range byDate {
		r.Days = append(r.Days, Day{Date: d, Figures: f})
	}
	sort.Slice(r.Days, func(i, j int) bool { return r.Days[i].Date < r.Days[j].Date })
	return r, true
}

// figures reads the counts of one entry under their doc names, or the
// older calls' names when those are missing.
func figures(e map[string]json.RawMessage) Figures {
	pick := func(names ...string) int64 {
		for _, n := range names {
			if v, ok := e[n]; ok {
				return number(v)
			}
		}
		return 0
	}
	return Figures{
		Read:    pick("read_user", "int_page_read_user"),
		Share:   pick("share_user"),
		Like:    pick("like_user"),
		Zaikan:  pick("zaikan_user"),
		Comment: pick("comment_count", "comment_user"),
	}
}

// number reads a count: a JSON number, or a string holding one; anything
// else (null, missing, words, negative or absurd values) is 0.
func number(raw json.RawMessage) int64 {
	var v any
	if len(raw) == 0 || json.Unmarshal(raw, &v) != nil {
		return 0
	}
	var f float64
	switch x := v.(type) {
	case float64:
		f = x
	case string:
		p, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
		if err != nil {
			return 0
		}
		f = p
	default:
		return 0
	}
	if f < 0 || f > 1e12 || math.IsNaN(f) {
		return 0
	}
	return int64(f)
}

// text reads a string, or a number written as one.
func text(raw json.RawMessage) string {
	var v any
	if len(raw) == 0 || json.Unmarshal(raw, &v) != nil {
		return ""
	}
	switch x := v.(type) {
	case string:
		return strings.TrimSpace(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return ""
}

// date reads a date as "2006-01-02" or "20060102"; "" when it is neither.
func date(raw json.RawMessage) string {
	s := text(raw)
	for _, layout := range []string{time.DateOnly, "20060102"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.Format(time.DateOnly)
		}
	}
	return ""
}
