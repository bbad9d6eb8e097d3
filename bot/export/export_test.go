package export_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wxcast/wxcast/bot/broadcast"
	"github.com/wxcast/wxcast/bot/export"
	"github.com/wxcast/wxcast/internal/bctest"
)

// sentWorld sends, to 30 followers, a broadcast with a version B and a
// 20% holdout, after three of them (tagged vip) reached the monthly cap
// through another broadcast and one unsubscribed since the preview; then
// a receiver clicks, a receiver and a holdout follower convert, and a
// receiver unsubscribes.
type sentWorld struct {
	w                              *bctest.World
	b                              *broadcast.Broadcast
	capped                         []string
	gone                           string
	clicker, buyer, holdBuyer, unf string
	clickAt, buyAt, holdBuyAt      time.Time
}

func newSentWorld(t *testing.T) *sentWorld {
	t.Helper()
	w := bctest.New(t, sim, bctest.Config{Followers: 30, BatchSize: 4, MonthlyCap: 1})
	w.Run()
	s := &sentWorld{w: w, capped: bctest.FollowerIDs(3)}
	for _, o := range s.capped {
		w.Act(o, w.Clock.Now(), "vip")
	}
	b, err := w.Lifecycle.Create(w.Ctx, bctest.Editor, "everyone", broadcast.Content{Type: "text", Text: "A"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Lifecycle.AddVariant(w.Ctx, bctest.Editor, b.ID, broadcast.Content{Type: "text", Text: "B"}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Lifecycle.SetHoldout(w.Ctx, bctest.Editor, b.ID, 20); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Lifecycle.Preview(w.Ctx, bctest.Editor, b.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Lifecycle.Approve(w.Ctx, bctest.Approver, b.ID, "", ""); err != nil {
		t.Fatal(err)
	}
	vip := w.Approved("vip") // reaches the cap of the three before b is sent
	w.SendNow(vip.ID)
	w.Wait(vip.ID, "vip sent", func(b *broadcast.Broadcast) bool { return b.State == broadcast.StateSent })
	s.gone = bctest.FollowerID(3)
	w.Unfollow(s.gone)
	w.SendNow(b.ID)
	s.b = w.Wait(b.ID, "sent", func(b *broadcast.Broadcast) bool { return b.State == broadcast.StateSent })

	// Pick the followers who act by where they went.
	var receivers, holdout []string
	for _, o := range bctest.FollowerIDs(30)[4:] {
		if broadcast.ArmOf(o, b.ID, s.b.Holdout, 2) < 0 {
			holdout = append(holdout, o)
		} else {
			receivers = append(receivers, o)
		}
	}
	if len(receivers) < 3 || len(holdout) < 1 {
		t.Fatalf("%d receivers, %d in the holdout: the world is too small", len(receivers), len(holdout))
	}
	s.clicker, s.buyer, s.unf, s.holdBuyer = receivers[0], receivers[1], receivers[2], holdout[0]
	now := w.Clock.Now()
	s.clickAt, s.buyAt, s.holdBuyAt = now.Add(3*time.Minute).Truncate(time.Second), now.Add(time.Hour).Truncate(time.Second), now.Add(2*time.Hour).Truncate(time.Second)
	links, conv := w.Store.Links(), w.Store.Conversions()
	v := broadcast.ArmOf(s.clicker, b.ID, s.b.Holdout, 2)
	for i, at := range []time.Time{s.clickAt, s.clickAt.Add(time.Minute)} { // the first tap is kept
		if _, err := links.RecordClick(w.Ctx, b.ID, v, i, s.clicker, at); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := conv.Record(w.Ctx, b.ID, s.buyer, s.buyAt); err != nil {
		t.Fatal(err)
	}
	if _, err := conv.Record(w.Ctx, b.ID, s.holdBuyer, s.holdBuyAt); err != nil {
		t.Fatal(err)
	}
	w.Unfollow(s.unf)
	if err := w.Results.Unsubscribed(w.Ctx, s.unf, now.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	return s
}

func (s *sentWorld) sources() export.Sources {
	st := s.w.Store
	return export.Sources{Members: st.Broadcasts(), Clicks: st.Links(), Conversions: st.Conversions(), Unsubscribes: st.Caps()}
}

// rows exports b in format and reads the output back, by openid.
func (s *sentWorld) rows(t *testing.T, format string, loc *time.Location) (map[string]map[string]string, []byte) {
	t.Helper()
	var buf bytes.Buffer
	ew, err := export.NewWriter(&buf, format, loc)
	if err != nil {
		t.Fatal(err)
	}
	n, err := export.Run(s.w.Ctx, s.b, s.sources(), ew.Write)
	if err != nil {
		t.Fatal(err)
	}
	if err := ew.Close(); err != nil {
		t.Fatal(err)
	}
	got := map[string]map[string]string{}
	switch format {
	case "csv":
		recs, err := csv.NewReader(bytes.NewReader(buf.Bytes())).ReadAll()
		if err != nil {
			t.Fatalf("the CSV does not read back: %v\n%s", err, buf.Bytes())
		}
		if strings.Join(recs[0], ",") != strings.Join(export.Columns, ",") {
			t.Fatalf("header %v, want %v", recs[0], export.Columns)
		}
		for _, r := range recs[1:] {
			m := map[string]string{}
			for i, c := range export.Columns {
				m[c] = r[i]
			}
			got[r[0]] = m
		}
	case "jsonl":
		for _, line := range bytes.Split(bytes.TrimSuffix(buf.Bytes(), []byte("\n")), []byte("\n")) {
			var raw map[string]any
			if err := json.Unmarshal(line, &raw); err != nil {
				t.Fatalf("line %s: %v", line, err)
			}
			if len(raw) != len(export.Columns) {
				t.Fatalf("line %s: %d fields, want %d", line, len(raw), len(export.Columns))
			}
			m := map[string]string{}
			for _, c := range export.Columns {
				switch v := raw[c].(type) {
				case nil:
					m[c] = ""
				case string:
					m[c] = v
				case float64:
					m[c] = strconv.Itoa(int(v))
				case bool:
					m[c] = strconv.FormatBool(v)
				default:
					t.Fatalf("line %s: %s is %T", line, c, v)
				}
			}
			got[m["openid"]] = m
		}
	}
	if n != len(got) {
		t.Errorf("Run counted %d rows, the %s holds %d", n, format, len(got))
	}
	return got, buf.Bytes()
}

func TestExportOfASentBroadcast(t *testing.T) {
	t.Parallel()
	s := newSentWorld(t)
	b := s.b
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	for _, format := range export.Formats {
		t.Run(format, func(t *testing.T) {
			got, raw := s.rows(t, format, shanghai)
			if len(got) != 30 {
				t.Fatalf("%d rows, want the 30 followers of the frozen audience:\n%s", len(got), raw)
			}
			delivered := s.w.Delivered()
			counts := map[string]int{}
			for _, o := range bctest.FollowerIDs(30) {
				r := got[o]
				if r == nil {
					t.Fatalf("no row for %s", o)
				}
				counts[r["batch_outcome"]]++
				arm := broadcast.ArmOf(o, b.ID, b.Holdout, 2)
				wantVersion := "holdout"
				if arm >= 0 {
					wantVersion = broadcast.VariantName(arm)
				}
				if r["version"] != wantVersion {
					t.Errorf("%s: version %q, want %q", o, r["version"], wantVersion)
				}
				switch {
				case o == s.gone:
					want(t, o, r, "batch_outcome", "left out", "left_reason", "unsubscribed", "batch", "", "accepted_at", "")
				case o == s.capped[0] || o == s.capped[1] || o == s.capped[2]:
					want(t, o, r, "batch_outcome", "capped", "left_reason", "capped", "batch", "", "accepted_at", "")
				case arm < 0:
					want(t, o, r, "batch_outcome", "left out", "left_reason", "holdout", "batch", "")
					if delivered[o] != 0 {
						t.Errorf("holdout %s was delivered %d", o, delivered[o])
					}
				default:
					i, err := strconv.Atoi(r["batch"])
					if err != nil || i < 0 || i >= len(b.Batches) || b.Batches[i].Variant != arm {
						t.Fatalf("%s: batch %q of %d, version %s", o, r["batch"], len(b.Batches), wantVersion)
					}
					want(t, o, r, "batch_outcome", "accepted", "left_reason", "",
						"accepted_at", b.Batches[i].Accepted.In(shanghai).Format(time.RFC3339))
					if delivered[o] == 0 {
						t.Errorf("%s: accepted, but the simulator delivered nothing", o)
					}
				}
				wantClick, wantConv, wantUnsub := "", "", "false"
				switch o {
				case s.clicker:
					wantClick = s.clickAt.In(shanghai).Format(time.RFC3339)
				case s.buyer:
					wantConv = s.buyAt.In(shanghai).Format(time.RFC3339)
				case s.holdBuyer:
					wantConv = s.holdBuyAt.In(shanghai).Format(time.RFC3339)
				case s.unf:
					wantUnsub = "true"
				}
				want(t, o, r, "first_click_at", wantClick, "converted_at", wantConv, "unsubscribed_24h", wantUnsub)
			}
			if counts["accepted"] != b.Arms[0]+b.Arms[1] || counts["left out"] != 1+b.Arms[2] || counts["capped"] != 3 {
				t.Errorf("outcomes %v, arms %v", counts, b.Arms)
			}
			if !strings.Contains(string(raw), "+08:00") {
				t.Errorf("times are not in the account's zone:\n%s", raw)
			}
		})
	}
}

// want checks pairs of column and value of row r of o.
func want(t *testing.T, o string, r map[string]string, pairs ...string) {
	t.Helper()
	for i := 0; i+1 < len(pairs); i += 2 {
		if r[pairs[i]] != pairs[i+1] {
			t.Errorf("%s: %s %q, want %q", o, pairs[i], r[pairs[i]], pairs[i+1])
		}
	}
}
