package audit_test

import (
	"context"
	"testing"
	"time"

	"github.com/wxcast/wxcast/bot/audit"
	"github.com/wxcast/wxcast/internal/redistest"
)

func TestRecordAndReadNewestFirst(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := redistest.Open(t).Broadcasts()
	log := audit.New(st)
	at := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	for i, cmd := range []string{"新建 vip 文本 你好", "预览 1", "批准 1 强制 已核对"} {
		e := audit.Entry{At: at.Add(time.Duration(i) * time.Minute), By: "oOwner", Name: "老王", Command: cmd, ID: 1, Outcome: "ok"}
		if err := log.Record(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.AppendAudit(ctx, []byte("not json")); err != nil {
		t.Fatal(err)
	}
	got, err := log.Newest(ctx, 3)
	if err != nil {
		t.Fatal(err)
	}
	// The newest record does not decode: it is left out, not an error.
	if len(got) != 2 || got[0].Command != "批准 1 强制 已核对" || got[1].Command != "预览 1" || !got[0].At.Equal(at.Add(2*time.Minute)) {
		t.Fatalf("newest %+v", got)
	}
}
