package results_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/wxcast/wxcast/bot/broadcast"
	"github.com/wxcast/wxcast/bot/results"
	"github.com/wxcast/wxcast/internal/redistest"
	"github.com/wxcast/wxcast/store"
)

// benchWorld is recentN broadcasts sent in the last day, each with a
// member index of members followers in batches of 10,000 (a version and a
// 10% holdout), and results on them. The followers oBench… are in the
// first inN; the others' audiences are other followers.
func benchWorld(b *testing.B, recentN, inN, members int) (*results.Service, []*broadcast.Broadcast) {
	b.Helper()
	ctx := context.Background()
	st := redistest.Open(b)
	bs := st.Broadcasts()
	records := broadcast.NewRecords(bs, nil)
	at := time.Now().Add(-time.Hour)
	var out []*broadcast.Broadcast
	for k := range recentN {
		prefix := "oBench"
		if k >= inN {
			prefix = "oOther"
		}
		bc := &broadcast.Broadcast{State: broadcast.StateSent, Holdout: 10, Arms: []int{0, 0}}
		if err := records.Create(ctx, bc); err != nil {
			b.Fatal(err)
		}
		var openids, values []string
		for i := range members {
			o := fmt.Sprintf("%s%07d", prefix, i)
			m := broadcast.LeftMember(broadcast.LeftHoldout)
			if broadcast.ArmOf(o, bc.ID, 10, 1) >= 0 {
				m = broadcast.BatchMember(bc.Arms[0] / 10000)
				bc.Arms[0]++
			} else {
				bc.Arms[1]++
			}
			openids, values = append(openids, o), append(values, m.Encode())
		}
		for n := bc.Arms[0]; n > 0; n -= 10000 {
			bc.Batches = append(bc.Batches, broadcast.Batch{Size: min(n, 10000), State: broadcast.BatchSent, Accepted: at})
		}
		if err := records.Save(ctx, bc, store.Change{}); err != nil {
			b.Fatal(err)
		}
		if err := bs.WriteMembers(ctx, bc.ID, openids, values, time.Hour); err != nil {
			b.Fatal(err)
		}
		if err := bs.MarkAccepted(ctx, bc.ID, at); err != nil {
			b.Fatal(err)
		}
		out = append(out, bc)
	}
	return results.New(results.Options{Records: records, Store: bs, Conversions: st.Conversions(), Clicks: st.Links()}), out
}

// BenchmarkConverted is one conversion of a follower who is in the
// audience of 3 of the 20 broadcasts sent in the last day.
func BenchmarkConverted(b *testing.B) {
	s, _ := benchWorld(b, 20, 3, 1000)
	ctx := context.Background()
	at := time.Now()
	i := 0
	for b.Loop() {
		if err := s.Converted(ctx, fmt.Sprintf("oBench%07d", i%1000), nil, at); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkConversionResults counts the conversions of a broadcast of
// 1,000,000 followers of whom 50,000 converted.
func BenchmarkConversionResults(b *testing.B) {
	s, bcs := benchWorld(b, 1, 1, 1_000_000)
	ctx := context.Background()
	at := time.Now()
	for i := range 50_000 {
		if err := s.Converted(ctx, fmt.Sprintf("oBench%07d", i*20), nil, at); err != nil {
			b.Fatal(err)
		}
	}
	bc := bcs[0]
	for b.Loop() {
		res, err := s.Conversions(ctx, bc, 0)
		if err != nil || res.Arms[0].Interacted+res.Arms[1].Interacted != 50_000 {
			b.Fatalf("%+v %v", res, err)
		}
	}
}
