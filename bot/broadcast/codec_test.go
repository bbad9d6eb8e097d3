package broadcast

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
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
			// Version 1 wrote every content field, empty or not.
			renameContent(after["content"])
			if vs, ok := after["variants"].([]any); ok {
				for _, v := range vs {
					renameContent(v)
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
// version 1's names and shape.
func renameContent(v any) {
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
	if !strings.Contains(string(rec), `"media_id":"IMG_media_43"`) || strings.Contains(string(rec), "MediaID") {
		t.Fatalf("version %d content names: %s", SchemaVersion, rec)
	}
}

func TestNewerRecordIsReadButNotWritten(t *testing.T) {
	rec := []byte(`{"schema":3,"id":7,"state":"sending","content":{"type":"text","text":"hi"},"shiny_new_field":{"x":1},"rev":4}`)
	b, err := decode(7, rec)
	if err != nil {
		t.Fatal(err)
	}
	if b.State != StateSending || b.Content.Text != "hi" || b.Schema != 3 {
		t.Fatalf("read %+v", b)
	}
	_, err = encode(b)
	var ne *NewerRecordError
	if !errors.As(err, &ne) || ne.Schema != 3 || !strings.Contains(err.Error(), "upgrade") {
		t.Fatalf("encode a newer record: %v", err)
	}
}
