package adminclaim_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wxcast/wxcast/bot/adminclaim"
	"github.com/wxcast/wxcast/internal/redistest"
	"github.com/wxcast/wxcast/store"
)

// countingStore is the real store, counting the calls made to it.
type countingStore struct {
	adminclaim.Store
	calls atomic.Int64
}

func (c *countingStore) Claim(ctx context.Context, code, openid string) (store.ClaimResult, error) {
	c.calls.Add(1)
	return c.Store.Claim(ctx, code, openid)
}

func TestTakeIsSingleUse(t *testing.T) {
	t.Parallel()
	ac := redistest.Open(t).AdminClaims()
	cs := &countingStore{Store: ac}
	claims := adminclaim.New(cs)
	ctx := context.Background()
	code, err := adminclaim.NewCode()
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := ac.Offer(ctx, code, time.Minute); !ok || err != nil {
		t.Fatalf("offer: %v %v", ok, err)
	}

	// Texts without a code's shape never reach Redis.
	for _, text := range []string{"你好", "帮助", "价格多少", "123456789012", "wxcast", "wxcast-1-2-3"} {
		if reply, taken, err := claims.Take(ctx, "oFan", text); reply != "" || taken || err != nil {
			t.Fatalf("Take(%q) = %q %v %v", text, reply, taken, err)
		}
	}
	if n := cs.calls.Load(); n != 0 {
		t.Fatalf("texts that are not codes cost %d store calls", n)
	}
	// A code-shaped text that no one waits for: one call, no reply.
	wrong := "wxcast-0000-0000-0000"
	if wrong == code {
		wrong = "wxcast-0000-0000-0001"
	}
	if reply, taken, err := claims.Take(ctx, "oFan", wrong); reply != "" || taken || err != nil {
		t.Fatalf("a wrong code: %q %v %v", reply, taken, err)
	}
	if n := cs.calls.Load(); n != 1 {
		t.Fatalf("a wrong code cost %d store calls, want 1", n)
	}

	// The waiting code, typed the way a phone may type it.
	typed := "W" + code[1:]
	if reply, taken, err := claims.Take(ctx, "oNewAdmin", typed); reply != adminclaim.Reply || !taken || err != nil {
		t.Fatalf("the code: %q %v %v", reply, taken, err)
	}
	// The same sender again (WeChat's retry): the same reply, not taken twice.
	if reply, taken, err := claims.Take(ctx, "oNewAdmin", code); reply != adminclaim.Reply || taken || err != nil {
		t.Fatalf("the code again: %q %v %v", reply, taken, err)
	}
	// Anyone else now finds nothing.
	if reply, taken, err := claims.Take(ctx, "oFan", code); reply != "" || taken || err != nil {
		t.Fatalf("the code by another follower: %q %v %v", reply, taken, err)
	}
	if who, err := ac.Withdraw(ctx, code); who != "oNewAdmin" || err != nil {
		t.Fatalf("the command reads %q %v", who, err)
	}
}

func TestTakeRace(t *testing.T) {
	t.Parallel()
	ac := redistest.Open(t).AdminClaims()
	claims := adminclaim.New(ac)
	ctx := context.Background()
	code, err := adminclaim.NewCode()
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := ac.Offer(ctx, code, time.Minute); !ok || err != nil {
		t.Fatalf("offer: %v %v", ok, err)
	}
	var (
		wg      sync.WaitGroup
		winners atomic.Int64
	)
	for i := range 2 {
		wg.Go(func() {
			reply, taken, err := claims.Take(ctx, fmt.Sprintf("oTwin%d", i), code)
			if err != nil {
				t.Error(err)
			}
			if taken != (reply != "") {
				t.Errorf("oTwin%d: reply %q, taken %v", i, reply, taken)
			}
			if taken {
				winners.Add(1)
			}
		})
	}
	wg.Wait()
	if n := winners.Load(); n != 1 {
		t.Fatalf("%d of two concurrent claims won", n)
	}
}

func TestTakeExpired(t *testing.T) {
	t.Parallel()
	ac := redistest.Open(t).AdminClaims()
	claims := adminclaim.New(ac)
	ctx := context.Background()
	code, err := adminclaim.NewCode()
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := ac.Offer(ctx, code, 100*time.Millisecond); !ok || err != nil {
		t.Fatalf("offer: %v %v", ok, err)
	}
	// The embedded server counts TTLs down once a second.
	for deadline := time.Now().Add(3 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if _, exists, err := ac.Claimant(ctx, code); err == nil && !exists {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the code did not expire")
		}
	}
	if reply, taken, err := claims.Take(ctx, "oLate", code); reply != "" || taken || err != nil {
		t.Fatalf("an expired code: %q %v %v", reply, taken, err)
	}
}
