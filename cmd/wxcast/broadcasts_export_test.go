package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wxcast/wxcast/bot/broadcast"
	"github.com/wxcast/wxcast/internal/redistest"
)

// exportWorld stores a sent broadcast of five followers in Redis: two in
// an accepted batch (one clicked), two in a failed one (one converted
// anyway), one capped; and a draft.
func exportWorld(t *testing.T) (env []string, sent, draft int64, accepted time.Time) {
	t.Helper()
	url, prefix := redistest.SharedURL(t), redistest.Prefix(t)
	ctx := context.Background()
	st := redistest.OpenAt(t, url, prefix)
	recs := broadcast.NewRecords(st.Broadcasts(), nil)
	accepted = time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC)
	b := &broadcast.Broadcast{Segment: "everyone", Content: broadcast.Content{Type: "text", Text: "hi"},
		State: broadcast.StateSent, Plan: &broadcast.Plan{Hash: "0badcafe", Audience: 5},
		Batches: []broadcast.Batch{{Size: 2, State: broadcast.BatchSent, Accepted: accepted}, {Size: 2, State: broadcast.BatchFailed}},
		Arms:    []int{4, 0}, Capped: 1}
	if err := recs.Create(ctx, b); err != nil {
		t.Fatal(err)
	}
	d := &broadcast.Broadcast{Segment: "everyone", Content: broadcast.Content{Type: "text", Text: "later"}, State: broadcast.StateDraft}
	if err := recs.Create(ctx, d); err != nil {
		t.Fatal(err)
	}
	m := []string{broadcast.BatchMember(0).Encode(), broadcast.BatchMember(0).Encode(),
		broadcast.BatchMember(1).Encode(), broadcast.BatchMember(1).Encode(), broadcast.LeftMember(broadcast.LeftCapped).Encode()}
	if err := st.Broadcasts().WriteMembers(ctx, b.ID, []string{"o1", "o2", "o3", "o4", "o5"}, m, time.Hour); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Links().RecordClick(ctx, b.ID, 0, 0, "o1", accepted.Add(90*time.Second)); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Conversions().Record(ctx, b.ID, "o3", accepted.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	env = []string{"WXCAST_REDIS_URL=" + url, "WXCAST_REDIS_KEY_PREFIX=" + prefix, "WXCAST_TIMEZONE=Asia/Shanghai"}
	return env, b.ID, d.ID, accepted
}

func TestBroadcastsExport(t *testing.T) {
	t.Parallel()
	env, id, draft, accepted := exportWorld(t)
	ctx := context.Background()
	cfg := []string{"--config", "../../configs/wxcast.example.yaml"}
	exportCmd := func(args ...string) (stdout, stderr string, code int) {
		var out, errs bytes.Buffer
		code = runMain(ctx, append(append([]string{"broadcasts", "export"}, args...), cfg...), env, &out, &errs)
		return out.String(), errs.String(), code
	}

	out, errs, code := exportCmd(itoa(id))
	if code != 0 {
		t.Fatalf("export: exit %d, %s", code, errs)
	}
	if !strings.Contains(errs, "WeChat reports delivery per batch, not per follower") || !strings.Contains(errs, "exported 5 followers") {
		t.Errorf("stderr does not say what accepted means, or how many rows:\n%s", errs)
	}
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(recs) != 6 {
		t.Fatalf("csv %v, %d records:\n%s", err, len(recs), out)
	}
	rows := map[string]string{}
	for _, r := range recs[1:] {
		rows[r[0]] = strings.Join(r[1:], ",")
	}
	at := accepted.In(mustZone(t, "Asia/Shanghai"))
	for o, want := range map[string]string{
		"o1": "A,0,accepted,," + at.Format(time.RFC3339) + "," + at.Add(90*time.Second).Format(time.RFC3339) + ",,false",
		"o2": "A,0,accepted,," + at.Format(time.RFC3339) + ",,,false",
		"o3": "A,1,failed,,,," + at.Add(time.Hour).Format(time.RFC3339) + ",false",
		"o4": "A,1,failed,,,,,false",
		"o5": "A,,capped,capped,,,,false",
	} {
		if rows[o] != want {
			t.Errorf("%s: %q, want %q", o, rows[o], want)
		}
	}

	// jsonl to a file.
	file := filepath.Join(t.TempDir(), "b.jsonl")
	if _, errs, code := exportCmd(itoa(id), "--format", "jsonl", "--output", file); code != 0 {
		t.Fatalf("export --output: exit %d, %s", code, errs)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) != 5 {
		t.Fatalf("%d lines, want 5:\n%s", len(lines), data)
	}
	for _, l := range lines {
		var r struct {
			OpenID  string  `json:"openid"`
			Batch   *int    `json:"batch"`
			Outcome string  `json:"batch_outcome"`
			Click   *string `json:"first_click_at"`
		}
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatalf("%s: %v", l, err)
		}
		if (r.OpenID == "o5") != (r.Batch == nil) || (r.OpenID == "o1") != (r.Click != nil) {
			t.Errorf("line %s", l)
		}
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(file), ".b.jsonl.*")); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}

	// Errors: usage (2) and failures (1), each named.
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{nil, 2, "wxcast broadcasts export: missing ID"},
		{[]string{"twelve"}, 2, `wxcast broadcasts export: broadcast ID "twelve": want the broadcast's number`},
		{[]string{itoa(id), "--format", "xml"}, 2, `wxcast broadcasts export: --format "xml": want csv or jsonl`},
		{[]string{"999999"}, 1, "wxcast broadcasts export: no broadcast 999999 in this Redis"},
		{[]string{itoa(draft)}, 1, "has not begun sending (draft)"},
		{[]string{itoa(id), "--output", filepath.Join(t.TempDir(), "no", "such", "dir", "b.csv")}, 1, "--output "},
	} {
		out, errs, code := exportCmd(tc.args...)
		if code != tc.code || !strings.Contains(errs, tc.want) {
			t.Errorf("export %v: exit %d, stderr %q; want %d and %q", tc.args, code, errs, tc.code, tc.want)
		}
		if tc.code == 2 && out != "" {
			t.Errorf("export %v wrote %q", tc.args, out)
		}
	}
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}
