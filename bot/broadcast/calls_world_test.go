package broadcast_test

import (
	"testing"
	"time"

	"github.com/wxcast/wxcast/bot/broadcast"
	"github.com/wxcast/wxcast/bot/wxapi"
	"github.com/wxcast/wxcast/internal/bctest"
	"github.com/wxcast/wxcast/store"
)

// previewWithCallsLeft previews a text broadcast to everyone when left
// mass-send calls remain today (a reading every replica shares).
func previewWithCallsLeft(t *testing.T, w *bctest.World, left int) *broadcast.Broadcast {
	t.Helper()
	if err := w.Store.QuotaCounts(w.AppID).Put(w.Ctx, wxapi.PathMassSend, store.QuotaReading{Limit: 100, Remain: left}, time.Hour); err != nil {
		t.Fatal(err)
	}
	b, err := w.Lifecycle.Create(w.Ctx, bctest.Editor, "everyone", broadcast.Content{Type: "text", Text: "hello"})
	if err != nil {
		t.Fatal(err)
	}
	if b, err = w.Lifecycle.Preview(w.Ctx, bctest.Editor, b.ID); err != nil {
		t.Fatal(err)
	}
	if b.Plan.Calls == nil {
		t.Fatal("the plan has no calls")
	}
	return b
}

// morning is 10:00 in Beijing: the day has room for any tagging.
var morning = time.Date(2026, 12, 7, 2, 0, 0, 0, time.UTC)

// The outside report: 50 followers in batches of 10 with 3 calls left
// reached 30 and then drew refusals. Now the preview says the plan does
// not fit and what does; with a free tag the plan sends by tag instead.
func TestPreviewFiftyFollowersThreeCallsLeft(t *testing.T) {
	t.Parallel()
	t.Run("no free tag", func(t *testing.T) {
		t.Parallel()
		w := bctest.New(t, sim, bctest.Config{Followers: 50, BatchSize: 10, Start: morning})
		w.FillTags()
		b := previewWithCallsLeft(t, w, 3)
		c := b.Plan.Calls
		if b.Plan.Channel != "" || !c.Short || c.Fit != 30 || c.Mass != (broadcast.Quota{Need: 5, Left: 3, Limit: 100}) {
			t.Fatalf("channel %q calls %+v, want openid batches: 5 calls of 3 left, 30 reached today", b.Plan.Channel, c)
		}
		if c.NoTag == nil || *c.NoTag != (broadcast.NoTag{Reason: broadcast.NoTagTags, Need: 1, Have: 0}) {
			t.Errorf("no tag %+v, want 1 tag needed, none free", c.NoTag)
		}
		if c.Done.IsZero() {
			t.Error("no day the batches complete")
		}
	})
	t.Run("a free tag", func(t *testing.T) {
		t.Parallel()
		w := bctest.New(t, sim, bctest.Config{Followers: 50, BatchSize: 10, Start: morning})
		b := previewWithCallsLeft(t, w, 3)
		c := b.Plan.Calls
		if b.Plan.Channel != broadcast.ChannelTag || c.Short || c.NoTag != nil || c.Mass.Need != 1 || c.Tag.Need != 1 || c.Create.Need != 1 {
			t.Fatalf("channel %q calls %+v, want the tag channel: 1 sendall, 1 tagging call, 1 tag", b.Plan.Channel, c)
		}
	})
}

// A reminder series keeps its openid batches however short the quota.
func TestPreviewSeriesKeepsOpenidBatches(t *testing.T) {
	t.Parallel()
	// In the morning both steps spend today's quota.
	w := bctest.New(t, sim, bctest.Config{Followers: 12, BatchSize: 3, Start: morning})
	if err := w.Store.QuotaCounts(w.AppID).Put(w.Ctx, wxapi.PathMassSend, store.QuotaReading{Limit: 100, Remain: 1}, time.Hour); err != nil {
		t.Fatal(err)
	}
	b, err := w.Lifecycle.Create(w.Ctx, bctest.Editor, "everyone", broadcast.Content{Type: "text", Text: "hello"})
	if err != nil {
		t.Fatal(err)
	}
	deadline := w.Clock.Now().Add(3 * time.Hour)
	if _, err := w.Lifecycle.Remind(w.Ctx, bctest.Editor, b.ID, deadline, []time.Duration{2 * time.Hour, time.Hour}, "", false); err != nil {
		t.Fatal(err)
	}
	if b, err = w.Lifecycle.Preview(w.Ctx, bctest.Editor, b.ID); err != nil {
		t.Fatal(err)
	}
	c := b.Plan.Calls
	if b.Plan.Channel != "" || c.NoTag == nil || c.NoTag.Reason != broadcast.NoTagSeries || c.Mass.Need != 8 {
		t.Fatalf("channel %q calls %+v, want openid batches (8 calls for two steps), a series", b.Plan.Channel, c)
	}
}
