package attrimport

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/wxcast/wxcast/internal/redistest"
	"github.com/wxcast/wxcast/rules"
	"github.com/wxcast/wxcast/store"
)

const decl = "attributes:\n  vip_level: int\n  spend_90d: float\n  city: string\n  last_order_at: time\n  member: bool\n"

func testRules(t testing.TB) *rules.Ruleset {
	t.Helper()
	rs, err := rules.Parse("rules.yaml", []byte(decl), rules.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

func testFollowers(t testing.TB) *store.Followers {
	return redistest.Open(t).Followers(store.Calendar{Loc: time.UTC}, store.Limits{})
}

// runFile imports text and returns the summary and the bad rows.
func runFile(t *testing.T, f *store.Followers, format Format, text string, dry bool) (Summary, []Problem, error) {
	t.Helper()
	var bad []Problem
	sum, err := Run(context.Background(), strings.NewReader(text), Options{
		Rules: testRules(t), Store: f, Format: format, Name: "in", DryRun: dry,
		BatchSize: 2, Workers: 3, // small, so that batches and workers interleave
		OnBad: func(p Problem) { bad = append(bad, p) },
	})
	return sum, bad, err
}

func attrs(t *testing.T, f *store.Followers, openid string) string {
	t.Helper()
	p, err := f.Profile(context.Background(), openid)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprint(p.Attrs())
}

func TestCSV(t *testing.T) {
	t.Parallel()
	f := testFollowers(t)
	file := "\ufeffopenid, vip_level ,city,member,last_order_at\n" +
		"o1,3,上海,TRUE,2026-05-01T08:00:00+08:00\n" +
		"o2,,\"Hang, zhou\",0,\n" + // empty cells leave vip_level and last_order_at alone
		"o3,3.5,x,1,\n" + // bad int
		"o 4,1,x,1,\n" + // bad openid
		"o5,1,x\n" + // too few cells
		"o6,\"1,x,1,\n" + // broken quote: runs to the end of the file
		""
	sum, bad, err := runFile(t, f, CSV, file, false)
	if err != nil {
		t.Fatal(err)
	}
	want := Summary{Read: 6, Applied: 2, Changed: 2, Unchanged: 0, Bad: 4}
	if sum != want {
		t.Errorf("summary %+v, want %+v", sum, want)
	}
	wantBad := []string{
		"4: attribute vip_level: want an int (a whole number in decimal digits), got 3.5",
		`5: openid "o 4": only letters, digits, _ and - are allowed`,
		"6: wrong number of fields: every row needs one cell per header column",
		"7: extraneous or missing \" in quoted-field",
	}
	if got := problems(bad); got != strings.Join(wantBad, "\n") {
		t.Errorf("bad rows:\n%s\nwant:\n%s", got, strings.Join(wantBad, "\n"))
	}
	if a := attrs(t, f, "o1"); a != "map[city:上海 last_order_at:2026-05-01T00:00:00Z member:true vip_level:3]" {
		t.Errorf("o1 = %s", a)
	}
	if a := attrs(t, f, "o2"); a != "map[city:Hang, zhou member:false]" {
		t.Errorf("o2 = %s", a)
	}
	// The same file again changes nothing.
	sum, _, err = runFile(t, f, CSV, file, false)
	if err != nil || sum.Changed != 0 || sum.Unchanged != 2 {
		t.Errorf("again: %+v, %v", sum, err)
	}
}

func problems(ps []Problem) string {
	var lines []string
	for _, p := range ps {
		lines = append(lines, fmt.Sprintf("%d: %s", p.Line, p.Reason))
	}
	return strings.Join(lines, "\n")
}

func TestCSVHeaderRefusesTheFile(t *testing.T) {
	t.Parallel()
	f := testFollowers(t)
	tests := []struct{ file, want string }{
		{"openid,vip_lvl\no1,3\n", `in:1: column "vip_lvl": not declared in the rules file (did you mean vip_level?)`},
		{"openid,zodiac\no1,3\n", `in:1: column "zodiac": not declared in the rules file: declare it under attributes in the rules file`},
		{"id,vip_level\no1,3\n", "in:1: no openid column in the header (id,vip_level)"},
		{"openid,city,city\no1,a,b\n", `in:1: column "city" appears twice (columns 2 and 3)`},
		{"openid,,city\no1,a,b\n", "in:1: column 2 has no name"},
		{"", "in:1: empty file: want a header row such as openid,vip_level"},
	}
	for _, tt := range tests {
		sum, _, err := runFile(t, f, CSV, tt.file, false)
		var fe *FileError
		if !errors.As(err, &fe) || err.Error() != tt.want || sum.Applied != 0 {
			t.Errorf("%q: %+v, %v; want %s", tt.file, sum, err, tt.want)
		}
	}
	if a := attrs(t, f, "o1"); a != "map[]" {
		t.Errorf("a refused file wrote %s", a)
	}
}

func TestJSONLines(t *testing.T) {
	t.Parallel()
	f := testFollowers(t)
	ctx := context.Background()
	if _, err := f.SetAttributes(ctx, "o2", map[string]string{"city": "北京", "vip_level": "1"}); err != nil {
		t.Fatal(err)
	}
	file := `{"openid": "o1", "vip_level": 3, "spend_90d": 12.5, "last_order_at": 1777593600}` + "\n" +
		"\n" +
		`{"openid": "o2", "city": null, "member": false}` + "\n" +
		`{"openid": "o3", "vip_level": "3"}` + "\n" +
		`{"openid": "o4", "vip_levl": 3}` + "\n" +
		`["o5"]` + "\n" +
		`{"vip_level": 1}` + "\n" +
		`{"openid": 7}` + "\n" +
		`{"openid": "o8"` + "\n" +
		`{"openid": "o9"} {}` + "\n" +
		`{"openid": "o10", "city": "` + strings.Repeat("x", maxLine) + `"}` + "\n" +
		`{"openid": "o1", "vip_level": 4}` // a later row wins; no final newline
	sum, bad, err := runFile(t, f, JSONLines, file, false)
	if err != nil {
		t.Fatal(err)
	}
	want := Summary{Read: 11, Applied: 3, Changed: 3, Bad: 8}
	if sum != want {
		t.Errorf("summary %+v, want %+v", sum, want)
	}
	wantBad := []string{
		`4: attribute vip_level: want an int (a JSON number without fraction), got the string "3"`,
		"5: attribute vip_levl: not declared in the rules file (did you mean vip_level?)",
		`6: want a JSON object such as {"openid": "o...", "vip_level": 3}, got array`,
		"7: no openid",
		"8: openid must be a string",
		"9: malformed JSON: unexpected EOF",
		"10: more than one JSON value on the line",
		"11: line longer than 1048576 bytes",
	}
	if got := problems(bad); got != strings.Join(wantBad, "\n") {
		t.Errorf("bad rows:\n%s\nwant:\n%s", got, strings.Join(wantBad, "\n"))
	}
	if a := attrs(t, f, "o1"); a != "map[last_order_at:2026-05-01T00:00:00Z spend_90d:12.5 vip_level:4]" {
		t.Errorf("o1 = %s", a)
	}
	if a := attrs(t, f, "o2"); a != "map[member:false vip_level:1]" {
		t.Errorf("o2 = %s", a)
	}
}

func TestDryRunWritesNothing(t *testing.T) {
	t.Parallel()
	f := testFollowers(t)
	if _, err := f.SetAttributes(context.Background(), "o1", map[string]string{"vip_level": "3"}); err != nil {
		t.Fatal(err)
	}
	file := "openid,vip_level\no1,3\no2,4\no3,x\n"
	sum, _, err := runFile(t, f, CSV, file, true)
	want := Summary{Read: 3, Applied: 2, Changed: 1, Unchanged: 1, Bad: 1}
	if err != nil || sum != want {
		t.Fatalf("dry run: %+v, %v; want %+v", sum, err, want)
	}
	if a := attrs(t, f, "o2"); a != "map[]" {
		t.Errorf("the dry run wrote o2: %s", a)
	}
}

// TestLaterRowWins spreads many rows of a few followers over small
// batches and several workers: the last row of each must win.
func TestLaterRowWins(t *testing.T) {
	t.Parallel()
	f := testFollowers(t)
	var b strings.Builder
	b.WriteString("openid,vip_level\n")
	for i := range 500 {
		fmt.Fprintf(&b, "o%d,%d\n", i%7, i)
	}
	if _, _, err := runFile(t, f, CSV, b.String(), false); err != nil {
		t.Fatal(err)
	}
	for k := range 7 {
		last := 499 - (499-k)%7
		if a := attrs(t, f, fmt.Sprintf("o%d", k)); a != fmt.Sprintf("map[vip_level:%d]", last) {
			t.Errorf("o%d = %s, want vip_level %d", k, a, last)
		}
	}
}

type failingStore struct{ Store }

func (failingStore) SetAttributesBatch(context.Context, []store.AttrUpdate) (int, error) {
	return 0, errors.New("store: connection refused")
}

func TestStoreErrorStopsTheRun(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("openid,vip_level\n")
	for i := range 10000 {
		fmt.Fprintf(&b, "o%d,1\n", i)
	}
	_, err := Run(context.Background(), strings.NewReader(b.String()), Options{
		Rules: testRules(t), Store: failingStore{}, Format: CSV, Name: "in", BatchSize: 10, Workers: 2,
	})
	if err == nil || !strings.Contains(err.Error(), "connection refused") {
		t.Errorf("err = %v", err)
	}
}

func TestFormatOf(t *testing.T) {
	t.Parallel()
	tests := []struct {
		path, flag string
		want       Format
		wantErr    bool
	}{
		{"a.csv", "", CSV, false},
		{"a.CSV", "", CSV, false},
		{"a.jsonl", "", JSONLines, false},
		{"a.ndjson", "", JSONLines, false},
		{"a.json", "", JSONLines, false},
		{"a.txt", "", "", true},
		{"a.txt", "csv", CSV, false},
		{"a.csv", "jsonl", JSONLines, false},
		{"a.csv", "xml", "", true},
	}
	for _, tt := range tests {
		got, err := FormatOf(tt.path, tt.flag)
		if got != tt.want || (err != nil) != tt.wantErr {
			t.Errorf("FormatOf(%q, %q) = %q, %v", tt.path, tt.flag, got, err)
		}
	}
}

// An unclosed quote in the middle of a file swallows the lines up to the
// next quote: they are reported as one bad row naming its lines, and the
// rows after it still apply.
func TestCSVUnclosedQuote(t *testing.T) {
	t.Parallel()
	f := testFollowers(t)
	file := "\ufeff\"openid\",city\n" + // a BOM before a quoted header
		"o1,\"Shang\n" + // the quote is never closed here...
		"o2,x\n" +
		"o3,y\"\n" + // ...but closes here
		"o4,z\n"
	sum, bad, err := runFile(t, f, CSV, file, false)
	if err != nil {
		t.Fatal(err)
	}
	if got := problems(bad); got != "2: a quoted value runs over lines 2 to 4: an unclosed quote? Those lines were read as one row" {
		t.Errorf("bad rows: %s", got)
	}
	if sum.Applied != 1 || attrs(t, f, "o4") != "map[city:z]" || attrs(t, f, "o2") != "map[]" {
		t.Errorf("summary %+v; o4 %s, o2 %s", sum, attrs(t, f, "o4"), attrs(t, f, "o2"))
	}
}

// A quote never closed makes one record of the rest of the file: past
// maxRecord the import stops, saying where, instead of reading it all.
func TestCSVRecordTooLong(t *testing.T) {
	t.Parallel()
	f := testFollowers(t)
	var b strings.Builder
	b.WriteString("openid,city\no1,a\no2,\"b\n")
	for b.Len() < 2*maxRecord {
		b.WriteString("o9,filler filler filler filler filler filler filler\n")
	}
	_, _, err := runFile(t, f, CSV, b.String(), false)
	var fe *FileError
	if !errors.As(err, &fe) || fe.Line != 3 || !strings.Contains(fe.Msg, "unclosed quote") {
		t.Fatalf("err = %v, want a FileError at line 3 about an unclosed quote", err)
	}
}

// encoding/json reads what is not UTF-8 as U+FFFD; the row is refused by
// line and attribute instead of storing the replacement.
func TestJSONLinesInvalidUTF8(t *testing.T) {
	t.Parallel()
	f := testFollowers(t)
	file := `{"openid": "o1", "city": "北京"}` + "\n" +
		"{\"openid\": \"o2\", \"vip_level\": 2, \"city\": \"Bei\xffjing\"}\n" +
		`{"openid": "o3", "city": "\udfff"}` + "\n"
	sum, bad, err := runFile(t, f, JSONLines, file, false)
	if err != nil {
		t.Fatal(err)
	}
	if want := (Summary{Read: 3, Applied: 1, Changed: 1, Bad: 2}); sum != want {
		t.Errorf("summary %+v, want %+v", sum, want)
	}
	wantBad := "2: attribute city: not valid UTF-8 (a byte that is not UTF-8, or an escaped lone surrogate such as \\ud800)\n" +
		"3: attribute city: not valid UTF-8 (a byte that is not UTF-8, or an escaped lone surrogate such as \\ud800)"
	if got := problems(bad); got != wantBad {
		t.Errorf("bad rows:\n%s\nwant:\n%s", got, wantBad)
	}
	for _, id := range []string{"o2", "o3"} {
		if a := attrs(t, f, id); a != "map[]" {
			t.Errorf("%s = %s, want nothing stored", id, a)
		}
	}
}
