package stats

import (
	"encoding/json"
	"slices"
	"testing"
)

// A row as the doc shows it (api_getarticletotaldetail).
const docRow = `{"ref_date":"2026-03-09","msgid":"2247483720_1","publish_type":0,"title":"开业",
 "content_url":"https://mp.weixin.qq.com/s?x","detail_list":[
  {"stat_date":"2026-03-09","read_user":3,"read_user_source":[{"user_count":3,"scene_desc":"全部"}],"share_user":1,
   "zaikan_user":0,"like_user":2,"comment_count":0,"collection_user":0,"read_delivery_rate":0.0689655169845},
  {"stat_date":"2026-03-10","read_user":5,"share_user":1,"zaikan_user":1,"like_user":2,"comment_count":1}]}`

// A row as developers report it: no title, publish_type 2, is_delay on the
// row, numbers as strings, a date without dashes, a field WeChat may add.
const reportedRow = `{"ref_date":"20260309","msgid":"2247483720_2","publish_type":2,"is_delay":1,"new_field":{"x":1},
 "detail_list":[{"stat_date":"2026-03-09","read_user":"7","share_user":"2","zaikan_user":"1","like_user":"4",
 "comment_count":"3.0"}]}`

func TestParseRowShapes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		raw   string
		want  Row
		delay bool
	}{
		{"doc", docRow, Row{MsgID: "2247483720_1", DataID: 2247483720, Index: 1, RefDate: "2026-03-09", HasPublish: true,
			Days: []Day{{"2026-03-09", Figures{3, 1, 2, 0, 0}}, {"2026-03-10", Figures{5, 1, 2, 1, 1}}}}, false},
		{"reported", reportedRow, Row{MsgID: "2247483720_2", DataID: 2247483720, Index: 2, RefDate: "2026-03-09",
			PublishType: 2, HasPublish: true, IsDelay: true,
			Days: []Day{{"2026-03-09", Figures{7, 2, 4, 1, 3}}}}, true},
		{"older details list", `{"ref_date":"2026-03-09","msgid":"9_1","details":[{"stat_date":"2026-03-10",
			"int_page_read_user":40,"share_user":4}]}`,
			Row{MsgID: "9_1", DataID: 9, Index: 1, RefDate: "2026-03-09", Days: []Day{{"2026-03-10", Figures{Read: 40, Share: 4}}}}, false},
		{"detail object", `{"ref_date":"2026-03-09","msgid":"9_1","detail":{"read_user":6,"like_user":1}}`,
			Row{MsgID: "9_1", DataID: 9, Index: 1, RefDate: "2026-03-09", Days: []Day{{"2026-03-09", Figures{Read: 6, Like: 1}}}}, false},
		{"flat", `{"ref_date":"2026-03-09","msgid":"9_3","stat_date":"2026-03-11","read_user":8}`,
			Row{MsgID: "9_3", DataID: 9, Index: 3, RefDate: "2026-03-09", Days: []Day{{"2026-03-11", Figures{Read: 8}}}}, false},
		{"missing figures", `{"msgid":"9_1","ref_date":"2026-03-09","detail_list":[{"stat_date":"2026-03-09"},
			{"stat_date":"bad","read_user":9},{"stat_date":"2026-03-10","read_user":null,"share_user":"n/a","like_user":-3}]}`,
			Row{MsgID: "9_1", DataID: 9, Index: 1, RefDate: "2026-03-09",
				Days: []Day{{"2026-03-09", Figures{}}, {"2026-03-10", Figures{}}}}, false},
	}
	for _, tt := range tests {
		got, ok := ParseRow(json.RawMessage(tt.raw))
		if !ok {
			t.Errorf("%s: not read", tt.name)
			continue
		}
		if got.MsgID != tt.want.MsgID || got.DataID != tt.want.DataID || got.Index != tt.want.Index ||
			got.RefDate != tt.want.RefDate || got.PublishType != tt.want.PublishType || got.HasPublish != tt.want.HasPublish ||
			got.IsDelay != tt.delay || !slices.Equal(got.Days, tt.want.Days) {
			t.Errorf("%s:\n got %+v\nwant %+v", tt.name, got, tt.want)
		}
	}
}

func TestParseRowJunk(t *testing.T) {
	t.Parallel()
	for _, raw := range []string{`null`, `[]`, `"x"`, `42`, `{}`, `{"msgid":""}`, `{"msgid":null}`, `{bad json`} {
		if r, ok := ParseRow(json.RawMessage(raw)); ok {
			t.Errorf("%s read as %+v", raw, r)
		}
	}
	// A row with an msgid of another form is read, but names no batch.
	if r, ok := ParseRow(json.RawMessage(`{"msgid":"abc"}`)); !ok || r.DataID != 0 {
		t.Errorf("msgid abc: %+v, %v", r, ok)
	}
}

// Only the rows of the broadcast's msg_data_ids are kept: rows of other
// sends and of published articles on the same day, and junk, are not.
func TestMatchKeepsOwnRows(t *testing.T) {
	t.Parallel()
	raws := []json.RawMessage{
		json.RawMessage(docRow), json.RawMessage(reportedRow),
		json.RawMessage(`{"msgid":"1111_1","detail_list":[{"stat_date":"2026-03-09","read_user":99}]}`),
		json.RawMessage(`{"msgid":"22474837201_1"}`), json.RawMessage(`"junk"`), json.RawMessage(`{"msgid":"2247483720"}`),
	}
	kept, rows := match(raws, []int64{2247483720, 5})
	if len(kept) != 2 || len(rows) != 2 || rows[0].Index != 1 || rows[1].Index != 2 {
		t.Fatalf("kept %d rows: %+v", len(kept), rows)
	}
	if string(kept[0]) != docRow {
		t.Error("the raw row was not kept as WeChat sent it")
	}
}

// Totals to date add up over batches, each counting with its latest total
// on or before the date.
func TestSumToDate(t *testing.T) {
	t.Parallel()
	a := []Day{{"2026-03-09", Figures{Read: 3}}, {"2026-03-10", Figures{Read: 5}}}
	b := []Day{{"2026-03-10", Figures{Read: 10}}, {"2026-03-12", Figures{Read: 12, Like: 1}}}
	got := sumToDate([][]Day{a, b})
	want := []Day{{"2026-03-09", Figures{Read: 3}}, {"2026-03-10", Figures{Read: 15}}, {"2026-03-12", Figures{Read: 17, Like: 1}}}
	if !slices.Equal(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

// The raw rows are kept within the budget; the figures always.
func TestKeepBoundsRawRows(t *testing.T) {
	t.Parallel()
	big := make([]byte, rawBudget/2+1)
	for i := range big {
		big[i] = ' '
	}
	row := json.RawMessage(append([]byte(docRow), big...))
	r, _ := ParseRow(row)
	var f fetch
	f.keep([]json.RawMessage{row, row, row}, []Row{r, r, r})
	if len(f.Rows) != 1 || f.RowsLeft != 2 || f.Matched != 3 || len(f.Articles[1]) != 2 || f.Articles[1][1].Read != 15 {
		t.Errorf("kept %d raw, left %d, matched %d, figures %+v", len(f.Rows), f.RowsLeft, f.Matched, f.Articles)
	}
}
