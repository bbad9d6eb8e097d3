package broadcast_test

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/wxcast/wxcast/bot/broadcast"
	"github.com/wxcast/wxcast/internal/redistest"
	"github.com/wxcast/wxcast/store"
)

// A record stored by an older wxcast is changed in place without losing
// anything; one stored by a newer wxcast is left alone.
func TestRecordsUpgradeOldAndRefuseNewer(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := redistest.Open(t).Broadcasts()
	recs := broadcast.NewRecords(st, func() time.Time { return time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC) })
	old, err := os.ReadFile("testdata/v1-news.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Create(ctx, 41, old); err != nil {
		t.Fatal(err)
	}
	before, err := recs.Get(ctx, 41)
	if err != nil {
		t.Fatal(err)
	}
	b, err := recs.Update(ctx, 41, func(b *broadcast.Broadcast) (store.Change, error) {
		b.Notices = append(b.Notices, broadcast.Notice{To: "oOwner", Text: "x", Via: "kept"})
		return store.Change{}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	after, err := recs.Get(ctx, 41)
	if err != nil {
		t.Fatal(err)
	}
	if after.Schema != broadcast.SchemaVersion || after.Content != before.Content || after.Content.MediaID != "MEDIA_news_41" ||
		len(after.Batches) != 6 || after.Batches[0].Sent != 4 || len(after.Retracted) != 1 || len(after.Notices) != 2 || after.Rev != b.Rev {
		t.Fatalf("upgraded record %+v", after)
	}

	newer := []byte(`{"schema":99,"id":42,"state":"sending","content":{"type":"text","text":"hi"},"future":[1,2,3],"rev":1}`)
	if err := st.Create(ctx, 42, newer); err != nil {
		t.Fatal(err)
	}
	_, err = recs.Update(ctx, 42, func(b *broadcast.Broadcast) (store.Change, error) {
		b.State = broadcast.StateCancelled
		return store.Change{}, nil
	})
	var ne *broadcast.NewerRecordError
	if !errors.As(err, &ne) || ne.ID != 42 || ne.Schema != 99 {
		t.Fatalf("update of a newer record: %v", err)
	}
	raw, rev, _, err := st.Load(ctx, 42)
	if err != nil || string(raw) != string(newer) || rev != 1 {
		t.Fatalf("the newer record changed: rev %d %s %v", rev, raw, err)
	}
}
