package broadcast

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// The files testdata/v1-*.json are records as wxcast stored them before
// the record had a schema version (encoding/json of the version-1
// Broadcast): a news broadcast with batches in every state and retracted
// batches, a reminder series between two steps, a paused A/B test with a
// holdout and an image variant, and a rejected one.

// TestVersion1RecordsDecodeAndReencodeWithoutLoss decodes each version-1
// record and encodes it as this version writes it: every value survives,
// under the same names except the content's.
func TestVersion1RecordsDecodeAndReencodeWithoutLoss(t *testing.T) {
	files, _ := filepath.Glob("testdata/v1-*.json")
	if len(files) < 4 {
		t.Fatalf("golden records: %v", files)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			old, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			b, err := decode(1, old)
			if err != nil {
				t.Fatal(err)
			}
			if b.Schema != 1 {
				t.Fatalf("schema %d, want 1 for a record without one", b.Schema)
			}
			rec, err := encode(b)
			if err != nil {
				t.Fatal(err)
			}
			var before, after map[string]any
			if err := json.Unmarshal(old, &before); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(rec, &after); err != nil {
				t.Fatal(err)
			}
			if after["schema"] != float64(SchemaVersion) {
				t.Fatalf("schema %v, want %d", after["schema"], SchemaVersion)
			}
			delete(after, "schema")
			// Version 3 marks a batch caught in "sending" as possibly sent.
			if bs, ok := after["batches"].([]any); ok {
				for _, x := range bs {
					if x := x.(map[string]any); x["s"] == BatchSending && x["l"] == true {
						delete(x, "l")
					}
				}
			}
			renameContent(t, after["content"])
			if vs, ok := after["variants"].([]any); ok {
				for _, v := range vs {
					renameContent(t, v)
				}
			}
			if !reflect.DeepEqual(before, after) {
				a, _ := json.MarshalIndent(before, "", " ")
				b, _ := json.MarshalIndent(after, "", " ")
				t.Fatalf("re-encoded record differs:\nversion 1: %s\nnow:       %s", a, b)
			}
			// And this version reads back what it wrote.
			again, err := decode(1, rec)
			if err != nil {
				t.Fatal(err)
			}
			b.Schema = SchemaVersion
			if !reflect.DeepEqual(again, b) {
				t.Fatalf("read back %+v\nwant %+v", again, b)
			}
		})
	}
}

// renameContent turns a content as this version writes it back into
// version 1's names and shape, and checks that the version-1 names this
// version writes as well say the same.
func renameContent(t *testing.T, v any) {
	m, ok := v.(map[string]any)
	if !ok {
		return
	}
	out := map[string]any{"Type": m["type"], "Text": "", "MediaID": ""}
	if s, ok := m["text"]; ok {
		out["Text"] = s
	}
	if s, ok := m["media_id"]; ok {
		out["MediaID"] = s
	}
	for k, x := range out {
		if m[k] != x {
			t.Errorf("content %v: %s is %v, want %v as under its version-2 name", m, k, m[k], x)
		}
	}
	for k := range m {
		delete(m, k)
	}
	for k, x := range out {
		m[k] = x
	}
}

func TestVersion1ContentIsRead(t *testing.T) {
	old, err := os.ReadFile("testdata/v1-variants.json")
	if err != nil {
		t.Fatal(err)
	}
	b, err := decode(43, old)
	if err != nil {
		t.Fatal(err)
	}
	want := []Content{
		{Type: "text", Text: "A 版本：会员日满 200 减 30"},
		{Type: "text", Text: "B 版本：会员日全场 85 折"},
		{Type: "image", MediaID: "IMG_media_43"},
	}
	if got := b.Contents(); !reflect.DeepEqual(got, want) {
		t.Fatalf("contents %+v, want %+v", got, want)
	}
	rec, _ := encode(b)
	if !strings.Contains(string(rec), `"media_id":"IMG_media_43"`) {
		t.Fatalf("version %d content names: %s", SchemaVersion, rec)
	}
	// A replica from before the schema version reads the contents of a
	// record this version wrote by their version-1 names, media_id too:
	// replicas can be upgraded one at a time.
	var v1 struct {
		Content  v1Content
		Variants []v1Content
	}
	if err := json.Unmarshal(rec, &v1); err != nil {
		t.Fatal(err)
	}
	got := []Content{v1.Content.content()}
	for _, c := range v1.Variants {
		got = append(got, c.content())
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("read as version 1: %+v, want %+v", got, want)
	}
}

func TestNewerRecordIsReadButNotWritten(t *testing.T) {
	rec := []byte(`{"schema":99,"id":7,"state":"sending","content":{"type":"text","text":"hi"},"shiny_new_field":{"x":1},"rev":4}`)
	b, err := decode(7, rec)
	if err != nil {
		t.Fatal(err)
	}
	if b.State != StateSending || b.Content.Text != "hi" || b.Schema != 99 {
		t.Fatalf("read %+v", b)
	}
	_, err = encode(b)
	var ne *NewerRecordError
	if !errors.As(err, &ne) || ne.Schema != 99 || !strings.Contains(err.Error(), "upgrade") {
		t.Fatalf("encode a newer record: %v", err)
	}
}

// jsonPaths lists the JSON paths of every field t stores ("batches[].sp").
// A content is a leaf: its names are checked by the tests above.
func jsonPaths(t reflect.Type, prefix string, out map[string]bool) {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
		if t.Kind() == reflect.Slice {
			prefix += "[]"
		}
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || t == reflect.TypeFor[time.Time]() || t == reflect.TypeFor[Content]() {
		out[prefix] = true
		return
	}
	for f := range t.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if !f.IsExported() || name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		p := name
		if prefix != "" {
			p = prefix + "." + name
		}
		jsonPaths(f.Type, p, out)
	}
}

// seenPaths adds the paths of a decoded JSON value to out.
func seenPaths(v any, prefix string, out map[string]bool) {
	switch x := v.(type) {
	case map[string]any:
		if _, content := x["Type"]; content {
			out[prefix] = true
			return
		}
		for k, e := range x {
			p := k
			if prefix != "" {
				p = prefix + "." + k
			}
			seenPaths(e, p, out)
		}
	case []any:
		for _, e := range x {
			seenPaths(e, prefix+"[]", out)
		}
		if len(x) == 0 {
			out[prefix+"[]"] = true
		}
	default:
		out[prefix] = true
	}
}

// TestGoldenRecordsCoverEveryField keeps the golden records complete: a
// field of the record that none of them sets is a field the lossless
// tests cannot see dropped. Fields older than version 3 are set by the
// version-1 records, those of versions 3 and 4 by their own.
func TestGoldenRecordsCoverEveryField(t *testing.T) {
	want := map[string]bool{}
	jsonPaths(reflect.TypeFor[Broadcast](), "", want)
	delete(want, "schema") // version 1 had none
	seen := map[string]bool{}
	files, _ := filepath.Glob("testdata/v1-*.json")
	v3, _ := filepath.Glob("testdata/v3-*.json")
	v4, _ := filepath.Glob("testdata/v4-*.json")
	for _, f := range append(append(files, v3...), v4...) {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var v any
		if err := json.Unmarshal(raw, &v); err != nil {
			t.Fatal(err)
		}
		seenPaths(v, "", seen)
	}
	var missing []string
	for p := range want {
		if !seen[p] {
			missing = append(missing, p)
		}
	}
	slices.Sort(missing)
	if len(missing) > 0 {
		t.Fatalf("no golden record sets %v", missing)
	}
}

// golden reads the golden records of schema version v (testdata/v<v>-*.json,
// at least n of them) and returns each file with its decoded record and
// that record written again by this version.
func golden(t *testing.T, v, n int) (files []string, recs []*Broadcast, again [][]byte) {
	t.Helper()
	files, _ = filepath.Glob(fmt.Sprintf("testdata/v%d-*.json", v))
	if len(files) < n {
		t.Fatalf("golden records: %v", files)
	}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		b, err := decode(1, raw)
		if err != nil {
			t.Fatal(err)
		}
		if b.Schema != v {
			t.Fatalf("%s: schema %d", f, b.Schema)
		}
		rec, err := encode(b)
		if err != nil {
			t.Fatal(err)
		}
		recs, again = append(recs, b), append(again, append(rec, '\n'))
	}
	return files, recs, again
}

// TestVersion2RecordsBecomeVersion3 reads the records version 2 wrote
// (testdata/v2-*.json, the version-1 records above re-encoded) and writes
// them as version 3 (testdata/v3-*.json of the same name): nothing is
// lost, and a batch caught in "sending" is taken as possibly sent.
func TestVersion2RecordsBecomeVersion3(t *testing.T) {
	files, recs, again := golden(t, 2, 5)
	for k, f := range files {
		for i, x := range recs[k].Batches {
			if x.Lost != (x.State == BatchSending) {
				t.Errorf("%s: batch %d in %s read with lost=%v", f, i, x.State, x.Lost)
			}
		}
		want, err := os.ReadFile(strings.Replace(f, "v2-", "v3-", 1))
		if err != nil {
			t.Fatal(err)
		}
		// Written by this version, which stamps its own number.
		want = bytes.Replace(want, []byte(`{"schema":3,`), []byte(fmt.Sprintf(`{"schema":%d,`, SchemaVersion)), 1)
		if string(again[k]) != string(want) {
			t.Errorf("%s: written as\n%s\nwant\n%s", f, again[k], want)
		}
	}
}

// TestVersion3RecordsBecomeVersion4 reads the records version 3 wrote and
// writes them as version 4 (testdata/v4-*.json of the same name): version
// 4 only adds fields, so nothing changes but the version.
func TestVersion3RecordsBecomeVersion4(t *testing.T) {
	files, _, again := golden(t, 3, 6)
	for k, f := range files {
		want, err := os.ReadFile(strings.Replace(f, "v3-", "v4-", 1))
		if err != nil {
			t.Fatal(err)
		}
		if string(again[k]) != string(want) {
			t.Errorf("%s: written as\n%s\nwant\n%s", f, again[k], want)
		}
	}
}

// TestVersion4RecordsAreStable reads the records this version wrote and
// writes them again byte for byte: the format is what the next version
// will have to read.
func TestVersion4RecordsAreStable(t *testing.T) {
	files, _, again := golden(t, 4, 7)
	for k, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if string(again[k]) != string(raw) {
			t.Errorf("%s: written again as\n%s", f, again[k])
		}
	}
}
