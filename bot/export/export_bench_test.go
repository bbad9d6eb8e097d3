package export_test

import (
	"context"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/wxcast/wxcast/bot/broadcast"
	"github.com/wxcast/wxcast/bot/export"
	"github.com/wxcast/wxcast/internal/redistest"
)

// BenchmarkExport100k exports a sent broadcast of 100,000 followers (ten
// batches of 10,000, two versions, a 10% holdout; one in ten clicked, one
// in twenty converted) as CSV: the figure in docs/performance.md.
func BenchmarkExport100k(b *testing.B) {
	const n = 100000
	st := redistest.Open(b)
	ctx := context.Background()
	at := time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC)
	bc := &broadcast.Broadcast{ID: 7, Holdout: 10, Variants: []broadcast.Content{{Type: "text", Text: "B"}},
		Plan: &broadcast.Plan{Audience: n}, Arms: []int{0, 0, 0}}
	for i := range 10 {
		bc.Batches = append(bc.Batches, broadcast.Batch{Size: 10000, State: broadcast.BatchSent, Accepted: at, Variant: i % 2})
	}
	openids, values := make([]string, n), make([]string, n)
	for i := range openids {
		openids[i] = fmt.Sprintf("oBench%07d", i)
		m := broadcast.BatchMember(i % 10)
		if i%10 == 9 {
			m = broadcast.LeftMember(broadcast.LeftHoldout)
		}
		values[i] = m.Encode()
		switch {
		case i%10 == 0:
			if _, err := st.Links().RecordClick(ctx, bc.ID, 0, 0, openids[i], at.Add(time.Minute)); err != nil {
				b.Fatal(err)
			}
		case i%20 == 1:
			if _, err := st.Conversions().Record(ctx, bc.ID, openids[i], at.Add(time.Hour)); err != nil {
				b.Fatal(err)
			}
		}
	}
	if err := st.Broadcasts().WriteMembers(ctx, bc.ID, openids, values, time.Hour); err != nil {
		b.Fatal(err)
	}
	src := export.Sources{Members: st.Broadcasts(), Clicks: st.Links(), Conversions: st.Conversions(), Unsubscribes: st.Caps()}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		w, err := export.NewWriter(io.Discard, "csv", time.UTC)
		if err != nil {
			b.Fatal(err)
		}
		got, err := export.Run(ctx, bc, src, w.Write)
		if err != nil || got != n {
			b.Fatalf("%d rows, %v", got, err)
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
