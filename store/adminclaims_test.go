package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/wxcast/wxcast/internal/redistest"
	"github.com/wxcast/wxcast/store"
)

func TestAdminClaims(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		open func(testing.TB) *store.Store
	}{{"single", redistest.Open}, {"cluster", redistest.OpenCluster}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ac := tc.open(t).AdminClaims()
			ctx := context.Background()
			if ok, err := ac.Offer(ctx, "wxcast-1111-2222-3333", time.Minute); !ok || err != nil {
				t.Fatalf("offer: %v %v", ok, err)
			}
			if ok, err := ac.Offer(ctx, "wxcast-1111-2222-3333", time.Minute); ok || err != nil {
				t.Fatalf("a second offer of the same code: %v %v", ok, err)
			}
			if who, exists, err := ac.Claimant(ctx, "wxcast-1111-2222-3333"); who != "" || !exists || err != nil {
				t.Fatalf("waiting code: %q %v %v", who, exists, err)
			}
			if r, err := ac.Claim(ctx, "wxcast-9999-2222-3333", "oFan"); r != store.ClaimNone || err != nil {
				t.Fatalf("a code never offered: %v %v", r, err)
			}
			if r, err := ac.Claim(ctx, "wxcast-1111-2222-3333", "oNew"); r != store.ClaimTaken || err != nil {
				t.Fatalf("claim: %v %v", r, err)
			}
			// The same delivery again (WeChat's retry) repeats; anyone else
			// finds nothing.
			if r, err := ac.Claim(ctx, "wxcast-1111-2222-3333", "oNew"); r != store.ClaimRepeated || err != nil {
				t.Fatalf("claim again by the claimant: %v %v", r, err)
			}
			if r, err := ac.Claim(ctx, "wxcast-1111-2222-3333", "oOther"); r != store.ClaimNone || err != nil {
				t.Fatalf("claim by another: %v %v", r, err)
			}
			if who, exists, err := ac.Claimant(ctx, "wxcast-1111-2222-3333"); who != "oNew" || !exists || err != nil {
				t.Fatalf("claimed code: %q %v %v", who, exists, err)
			}
			if who, err := ac.Withdraw(ctx, "wxcast-1111-2222-3333"); who != "oNew" || err != nil {
				t.Fatalf("withdraw a claimed code: %q %v", who, err)
			}
			if _, exists, _ := ac.Claimant(ctx, "wxcast-1111-2222-3333"); exists {
				t.Fatal("the code outlived its withdrawal")
			}
			// A waiting code withdrawn cannot be claimed any more.
			if ok, err := ac.Offer(ctx, "wxcast-4444-5555-6666", time.Minute); !ok || err != nil {
				t.Fatalf("offer: %v %v", ok, err)
			}
			if who, err := ac.Withdraw(ctx, "wxcast-4444-5555-6666"); who != "" || err != nil {
				t.Fatalf("withdraw a waiting code: %q %v", who, err)
			}
			if r, _ := ac.Claim(ctx, "wxcast-4444-5555-6666", "oNew"); r != store.ClaimNone {
				t.Fatalf("claimed a withdrawn code: %v", r)
			}
		})
	}
}

func TestAdminClaimExpires(t *testing.T) {
	t.Parallel()
	s := redistest.Open(t)
	ac := s.AdminClaims()
	ctx := context.Background()
	if ok, err := ac.Offer(ctx, "wxcast-1234-1234-1234", 150*time.Millisecond); !ok || err != nil {
		t.Fatalf("offer: %v %v", ok, err)
	}
	// The embedded server counts TTLs down once a second: wait until the
	// code is gone rather than a fixed time.
	for deadline := time.Now().Add(3 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if _, exists, err := ac.Claimant(ctx, "wxcast-1234-1234-1234"); err != nil || !exists {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the code did not expire")
		}
	}
	if r, err := ac.Claim(ctx, "wxcast-1234-1234-1234", "oLate"); r != store.ClaimNone || err != nil {
		t.Fatalf("claimed an expired code: %v %v", r, err)
	}
	// A claim in a code's last moment keeps it long enough for the
	// waiting command to read.
	if ok, err := ac.Offer(ctx, "wxcast-5678-5678-5678", 200*time.Millisecond); !ok || err != nil {
		t.Fatalf("offer: %v %v", ok, err)
	}
	if r, err := ac.Claim(ctx, "wxcast-5678-5678-5678", "oJustInTime"); r != store.ClaimTaken || err != nil {
		t.Fatalf("claim: %v %v", r, err)
	}
	ttl, err := s.Redis().PTTL(ctx, s.KeyPrefix()+"adm:{adm}:claim:wxcast-5678-5678-5678").Result()
	if err != nil || ttl < store.ClaimKeep-5*time.Second {
		t.Fatalf("a claimed code lives %v more (%v), want about %v", ttl, err, store.ClaimKeep)
	}
}

// TestAdminClaimRace: many followers (or replicas) claim one code at
// once; exactly one takes it.
func TestAdminClaimRace(t *testing.T) {
	t.Parallel()
	ac := redistest.Open(t).AdminClaims()
	ctx := context.Background()
	for round := range 5 {
		code := fmt.Sprintf("wxcast-0000-0000-%04d", round)
		if ok, err := ac.Offer(ctx, code, time.Minute); !ok || err != nil {
			t.Fatalf("offer: %v %v", ok, err)
		}
		const claimers = 16
		var (
			wg    sync.WaitGroup
			mu    sync.Mutex
			taken []string
		)
		for i := range claimers {
			wg.Go(func() {
				openid := fmt.Sprintf("oRacer%02d", i)
				r, err := ac.Claim(ctx, code, openid)
				if err != nil {
					t.Error(err)
				}
				if r == store.ClaimTaken {
					mu.Lock()
					taken = append(taken, openid)
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if len(taken) != 1 {
			t.Fatalf("round %d: %d claims took the code: %v", round, len(taken), taken)
		}
		if who, err := ac.Withdraw(ctx, code); who != taken[0] || err != nil {
			t.Fatalf("round %d: the command reads %q (%v), the winner was %s", round, who, err, taken[0])
		}
	}
}
