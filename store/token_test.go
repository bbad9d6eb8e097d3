package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/wxcast/wxcast/internal/redistest"
	"github.com/wxcast/wxcast/store"
)

func TestTokens(t *testing.T) {
	t.Parallel()
	s := redistest.Open(t)
	ctx := context.Background()
	tok := s.Tokens("wxapp")
	if _, ok, err := tok.Get(ctx); ok || err != nil {
		t.Fatalf("empty store has a token: %v %v", ok, err)
	}
	now := time.Now()
	want := store.Token{Value: "T0K:EN", ExpiresAt: now.Add(time.Hour).Truncate(time.Second)}
	if err := tok.Set(ctx, want, now); err != nil {
		t.Fatal(err)
	}
	got, ok, err := tok.Get(ctx)
	if err != nil || !ok || got.Value != want.Value || !got.ExpiresAt.Equal(want.ExpiresAt) {
		t.Fatalf("got %+v %v %v, want %+v", got, ok, err, want)
	}
	if other, ok, _ := s.Tokens("wxother").Get(ctx); ok {
		t.Fatalf("another account sees %+v", other)
	}
	if err := tok.Set(ctx, store.Token{Value: "x", ExpiresAt: now.Add(-time.Second)}, now); err == nil {
		t.Fatal("storing an expired token should fail")
	}
}

func TestTokenLease(t *testing.T) {
	t.Parallel()
	s := redistest.Open(t)
	ctx := context.Background()
	tok := s.Tokens("wxapp")
	if ok, err := tok.AcquireLease(ctx, "a", time.Minute); !ok || err != nil {
		t.Fatalf("a: %v %v", ok, err)
	}
	if ok, _ := tok.AcquireLease(ctx, "b", time.Minute); ok {
		t.Fatal("b got a lease a holds")
	}
	// b cannot release a's lease.
	_ = tok.ReleaseLease(ctx, "b")
	if ok, _ := tok.AcquireLease(ctx, "b", time.Minute); ok {
		t.Fatal("b's release freed a's lease")
	}
	_ = tok.ReleaseLease(ctx, "a")
	if ok, _ := tok.AcquireLease(ctx, "b", time.Minute); !ok {
		t.Fatal("lease not free after a released it")
	}
}
