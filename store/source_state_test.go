package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/wxcast/wxcast/internal/redistest"
	"github.com/wxcast/wxcast/store"
)

// TestSourceStates checks the recorded state of a live file: absent at
// first, read back as written, bounded in problems and their length, and
// kept with a time to live.
func TestSourceStates(t *testing.T) {
	t.Parallel()
	s := redistest.Open(t)
	ctx := context.Background()
	x := s.SourceStates()
	if _, ok, err := x.Get(ctx, "rules"); ok || err != nil {
		t.Fatalf("a state in an empty store: %v %v", ok, err)
	}
	at := time.Now().Truncate(time.Second)
	problems := []string{strings.Repeat("规", 300)}
	for i := range 30 {
		problems = append(problems, fmt.Sprintf("rules.yaml:%d:1: bad", i+2))
	}
	if err := x.Put(ctx, "rules", store.SourceState{Running: "aaa", Refused: "bbb", RefusedAt: at, Problems: problems, At: at}); err != nil {
		t.Fatal(err)
	}
	got, ok, err := x.Get(ctx, "rules")
	if err != nil || !ok || got.Running != "aaa" || got.Refused != "bbb" || !got.RefusedAt.Equal(at) {
		t.Fatalf("got %+v %v %v", got, ok, err)
	}
	if len(got.Problems) != store.MaxSourceProblems || got.Problems[1] != "rules.yaml:2:1: bad" ||
		got.Problems[store.MaxSourceProblems-1] != "… and 12 more" {
		t.Fatalf("problems not bounded: %d %q", len(got.Problems), got.Problems[1:])
	}
	if first := got.Problems[0]; len(first) > 410 || !strings.HasSuffix(first, "规…") {
		t.Fatalf("a long problem kept %d bytes: %q", len(first), first)
	}
	if ttl := s.Redis().TTL(ctx, s.KeyPrefix()+"src:rules").Val(); ttl <= 0 {
		t.Fatalf("the state has no time to live: %v", ttl)
	}
	if _, ok, _ := x.Get(ctx, "words"); ok {
		t.Fatal("another source's state reads rules'")
	}
}
