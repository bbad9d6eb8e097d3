package links_test

import (
	"context"
	"testing"
	"time"

	"github.com/wxcast/wxcast/bot/broadcast"
	"github.com/wxcast/wxcast/bot/links"
	"github.com/wxcast/wxcast/internal/redistest"
	"github.com/wxcast/wxcast/store"
)

// A follower who taps within seconds of receiving a broadcast whose later
// batches are still going out counts as its receiver, although the record
// cached at an earlier tap showed their batch unsent.
func TestReceiptOfABatchAcceptedSinceTheCachedRecord(t *testing.T) {
	ctx := context.Background()
	st := redistest.Open(t)
	records := broadcast.NewRecords(st.Broadcasts(), nil)
	b := &broadcast.Broadcast{Batches: []broadcast.Batch{
		{Size: 2, State: broadcast.BatchSent}, {Size: 2, State: broadcast.BatchPending, Variant: 1},
	}}
	if err := records.Create(ctx, b); err != nil {
		t.Fatal(err)
	}
	if err := st.Broadcasts().WriteMembers(ctx, b.ID, []string{follA, follB},
		[]string{broadcast.BatchMember(0).Encode(), broadcast.BatchMember(1).Encode()}, time.Hour); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	r := links.NewReceipts(st.Broadcasts(), records, func() time.Time { return now })
	if v, ok, err := r.Received(ctx, b.ID, follA); err != nil || !ok || v != 0 {
		t.Fatalf("batch 0's follower: %d %v %v", v, ok, err) // caches the record
	}
	if _, ok, err := r.Received(ctx, b.ID, follB); err != nil || ok {
		t.Fatalf("batch 1's follower before it was sent: %v %v", ok, err)
	}
	_, err := records.Update(ctx, b.ID, func(b *broadcast.Broadcast) (store.Change, error) {
		b.Batches[1].State, b.Batches[1].Accepted = broadcast.BatchSent, now
		return store.Change{}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if v, ok, err := r.Received(ctx, b.ID, follB); err != nil || !ok || v != 1 {
		t.Fatalf("batch 1's follower once it was accepted, within the cache's life: %d %v %v", v, ok, err)
	}
	if _, ok, err := r.Received(ctx, b.ID, follX); err != nil || ok {
		t.Fatalf("a follower outside the audience: %v %v", ok, err)
	}
}
