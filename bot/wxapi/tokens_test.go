package wxapi

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"

	"github.com/wxcast/wxcast/internal/clocktest"
	"github.com/wxcast/wxcast/store"
)

// Two replicas, twenty callers each, no token yet: WeChat must see one
// fetch, because every extra fetch is a chance to overwrite someone's token.
func TestTokensConcurrentReplicasFetchOnce(t *testing.T) {
	t.Parallel()
	appID, secret := newApp(t)
	ctx := testContext(t)
	stores := replicaStores(t, 2)
	replicas := []*Tokens{
		replica(t, stores[0], appID, StableFetcher(appID, secret), nil),
		replica(t, stores[1], appID, StableFetcher(appID, secret), nil),
	}

	const perReplica = 20
	type result struct {
		tok string
		err error
	}
	results := make(chan result, len(replicas)*perReplica)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for _, r := range replicas {
		for range perReplica {
			wg.Go(func() {
				<-start
				tok, err := r.GetAccessTokenContext(ctx)
				results <- result{tok, err}
			})
		}
	}
	close(start)
	wg.Wait()
	close(results)

	var first string
	for res := range results {
		if res.err != nil {
			t.Fatalf("GetAccessTokenContext: %v", res.err)
		}
		if first == "" {
			first = res.tok
		}
		if res.tok != first {
			t.Fatalf("callers got different tokens: %.12s… and %.12s…", first, res.tok)
		}
	}
	if !sim.ValidToken(appID, first) {
		t.Errorf("the shared token is not valid at WeChat")
	}
	wantCalls(t, appID, pathStable, 1)
	wantCalls(t, appID, pathToken, 0)
	if got := stableForces(t, appID); len(got) != 1 || got[0] {
		t.Errorf("stable_token force_refresh per call = %v, want [false]", got)
	}
	// Later callers read the shared token without asking WeChat.
	for _, r := range replicas {
		if tok, err := r.GetAccessToken(); err != nil || tok != first {
			t.Fatalf("GetAccessToken = %.12s…, %v; want the shared token", tok, err)
		}
	}
	wantCalls(t, appID, pathStable, 1)
}

// A replica that finds the lease taken waits for the holder's token rather
// than fetching its own.
func TestTokensWaiterUsesLeaseHoldersToken(t *testing.T) {
	t.Parallel()
	appID, secret := newApp(t)
	ctx := testContext(t)
	stores := replicaStores(t, 2)

	entered, release := make(chan struct{}), make(chan struct{})
	real := StableFetcher(appID, secret)
	holder := replica(t, stores[0], appID, func(ctx context.Context, force bool) (string, int64, error) {
		close(entered)
		<-release
		return real(ctx, force)
	}, nil)
	refused := leaseRefusals(stores[1].Tokens(appID))
	waiter := NewTokens(refused, func(context.Context, bool) (string, int64, error) {
		t.Error("the waiting replica fetched a token itself")
		return "", 0, errors.New("must not fetch")
	}, nil, zaptest.NewLogger(t))

	held := make(chan string, 1)
	go func() {
		tok, err := holder.GetAccessTokenContext(ctx)
		if err != nil {
			t.Errorf("holder: %v", err)
		}
		held <- tok
	}()
	<-entered // the holder has the lease and is fetching
	waited := make(chan string, 1)
	go func() {
		tok, err := waiter.GetAccessTokenContext(ctx)
		if err != nil {
			t.Errorf("waiter: %v", err)
		}
		waited <- tok
	}()
	// The waiter found the lease taken three times, looking for the
	// holder's token in between: it is waiting, not fetching.
	refused.wait(t, 3)
	close(release)
	h, w := <-held, <-waited
	if h == "" || h != w {
		t.Fatalf("holder got %.12s…, waiter %.12s…; want the same token", h, w)
	}
	wantCalls(t, appID, pathStable, 1)
}

// While another replica holds the lease, a waiter takes only a token that
// is good for it: not the one it reported refused, not one about to expire.
func TestTokensWaiterSkipsUnusableToken(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		left time.Duration // lifetime of the stored token
		call func(ctx context.Context, tokens *Tokens) (string, error)
	}{
		{"refused token still stored", time.Hour, func(ctx context.Context, tokens *Tokens) (string, error) {
			return tokens.Invalidate(ctx, "old")
		}},
		{"stored token about to expire", 10 * time.Second, func(ctx context.Context, tokens *Tokens) (string, error) {
			return tokens.GetAccessTokenContext(ctx)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := testContext(t)
			shared := replicaStores(t, 1)[0].Tokens("wx_waiter")
			now := time.Now()
			if err := shared.Set(ctx, store.Token{Value: "old", ExpiresAt: now.Add(tt.left)}, now); err != nil {
				t.Fatal(err)
			}
			if ok, err := shared.AcquireLease(ctx, "other-replica", time.Minute); !ok || err != nil {
				t.Fatalf("AcquireLease: %v %v", ok, err)
			}
			refused := leaseRefusals(shared)
			tokens := NewTokens(refused, func(context.Context, bool) (string, int64, error) {
				t.Error("the waiting replica fetched a token itself")
				return "", 0, errors.New("must not fetch")
			}, nil, zaptest.NewLogger(t))

			got := make(chan string, 1)
			go func() {
				tok, err := tt.call(ctx, tokens)
				if err != nil {
					t.Errorf("waiter: %v", err)
				}
				got <- tok
			}()
			// Asking for the lease a third time, the waiter has looked at
			// the stored token twice and passed it over.
			for range 3 {
				select {
				case tok := <-got:
					t.Fatalf("the waiter returned %q while the lease holder was still fetching", tok)
				case <-refused.c:
				case <-ctx.Done():
					t.Fatal("the waiter was not refused the lease three times")
				}
			}
			// The lease holder stores its new token and lets go.
			if err := shared.Set(ctx, store.Token{Value: "new", ExpiresAt: now.Add(2 * time.Hour)}, now); err != nil {
				t.Fatal(err)
			}
			if tok := <-got; tok != "new" {
				t.Fatalf("waiter got %q, want the lease holder's new token", tok)
			}
			_ = shared.ReleaseLease(ctx, "other-replica")
		})
	}
}

// A waiter gives up once a lease's worth of time has passed instead of
// hanging on a replica that died holding the lease.
func TestTokensWaiterGivesUpOnStuckLease(t *testing.T) {
	t.Parallel()
	appID, secret := newApp(t)
	ctx := testContext(t)
	st := replicaStores(t, 1)[0]
	if ok, err := st.Tokens(appID).AcquireLease(ctx, "dead-replica", time.Minute); !ok || err != nil {
		t.Fatalf("AcquireLease: %v %v", ok, err)
	}
	tokens := replica(t, st, appID, StableFetcher(appID, secret), nil)
	tokens.lease = 150 * time.Millisecond

	start := time.Now()
	_, err := tokens.GetAccessTokenContext(ctx)
	if err == nil || !strings.Contains(err.Error(), "timed out waiting") {
		t.Fatalf("err = %v, want a timeout waiting for another replica", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("gave up after %v, want about the lease (150ms)", d)
	}
	wantCalls(t, appID, pathStable, 0)
}

// A replica whose fetch fails gives the lease back, so the next replica
// can fetch at once instead of waiting out the lease (15 s).
func TestTokensFailedFetchReleasesLease(t *testing.T) {
	t.Parallel()
	appID, secret := newApp(t)
	ctx := testContext(t)
	stores := replicaStores(t, 2)
	broken := replica(t, stores[0], appID, StableFetcher(appID, "not-"+secret), nil)
	good := replica(t, stores[1], appID, StableFetcher(appID, secret), nil)

	_, err := broken.GetAccessTokenContext(ctx)
	if err == nil || !strings.Contains(err.Error(), "40125") {
		t.Fatalf("wrong secret: err = %v, want the fetch error (40125)", err)
	}
	if tok, ok, err := stores[0].Tokens(appID).Get(ctx); ok || err != nil {
		t.Fatalf("a failed fetch stored %+v (%v)", tok, err)
	}

	quick, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	tok, err := good.GetAccessTokenContext(quick)
	if err != nil {
		t.Fatalf("the next replica could not fetch: %v", err)
	}
	if !sim.ValidToken(appID, tok) {
		t.Fatal("token is not valid at WeChat")
	}
	if got := errCodes(appID, pathStable); len(got) != 2 || got[0] != 40125 || got[1] != 0 {
		t.Fatalf("stable_token errcodes = %v, want [40125 0]", got)
	}
}

// Invalidate is called by every replica that saw the token refused. Once
// one of them has replaced it, the others take the replacement.
func TestTokensInvalidateAfterAnotherReplicaReplacedIt(t *testing.T) {
	t.Parallel()
	appID, secret := newApp(t)
	ctx := testContext(t)
	stores := replicaStores(t, 2)
	a := replica(t, stores[0], appID, StableFetcher(appID, secret), nil)
	b := replica(t, stores[1], appID, StableFetcher(appID, secret), nil)

	old, err := a.GetAccessTokenContext(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sim.RevokeTokens(appID) // both replicas now get 40001 with old

	fresh, err := b.Invalidate(ctx, old)
	if err != nil {
		t.Fatalf("b.Invalidate: %v", err)
	}
	if fresh == old || !sim.ValidToken(appID, fresh) {
		t.Fatalf("b.Invalidate returned the old or an invalid token")
	}
	wantCalls(t, appID, pathStable, 2)

	again, err := a.Invalidate(ctx, old)
	if err != nil {
		t.Fatalf("a.Invalidate: %v", err)
	}
	if again != fresh {
		t.Fatalf("a.Invalidate = %.12s…, want b's replacement %.12s…", again, fresh)
	}
	wantCalls(t, appID, pathStable, 2)
	if !sim.ValidToken(appID, fresh) {
		t.Fatal("a's Invalidate broke the replacement")
	}
}

// When WeChat refuses a token that normal-mode stable_token still hands
// out, Invalidate must force a new one: asking normally would return the
// refused token forever.
func TestTokensInvalidateForcesRefreshWhenWeChatReturnsSameToken(t *testing.T) {
	t.Parallel()
	appID, secret := newApp(t)
	ctx := testContext(t)
	st := replicaStores(t, 1)[0]
	tokens := replica(t, st, appID, StableFetcher(appID, secret), nil)

	refused, err := tokens.GetAccessTokenContext(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// The simulator still accepts refused, so normal mode returns it again.
	fresh, err := tokens.Invalidate(ctx, refused)
	if err != nil {
		t.Fatalf("Invalidate: %v", err)
	}
	if fresh == refused {
		t.Fatal("Invalidate returned the refused token")
	}
	if got := stableForces(t, appID); len(got) != 3 || got[0] || got[1] || !got[2] {
		t.Fatalf("stable_token force_refresh per call = %v, want [false false true]", got)
	}
	if !sim.ValidToken(appID, fresh) || sim.ValidToken(appID, refused) {
		t.Fatal("after a forced refresh the new token must be valid and the refused one not")
	}
	if stored, ok, _ := st.Tokens(appID).Get(ctx); !ok || stored.Value != fresh {
		t.Fatal("the forced token was not shared through the store")
	}

	// force_refresh is limited to one per 30 s: if the replacement is
	// refused too, Invalidate reports the failure instead of handing the
	// refused token back.
	if tok, err := tokens.Invalidate(ctx, fresh); err == nil || !strings.Contains(err.Error(), "45011") {
		t.Fatalf("second forced refresh within 30 s = %.12s…, %v; want the quota error", tok, err)
	}
}

// The stored token expires a minute before WeChat's, and a caller asks
// for a new one when 30 s or less remain.
func TestTokensLifetime(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		expiresIn int64
		want      time.Duration // stored lifetime
	}{
		{"normal", 7200, 7140 * time.Second},
		{"rotated soon", 300, 240 * time.Second},
		{"short", 80, 40 * time.Second}, // minus a minute leaves < 30 s: keep half
		{"very short", 20, 10 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := testContext(t)
			st := replicaStores(t, 1)[0]
			clk := clocktest.New(time.Now().Truncate(time.Second))
			var fetches atomic.Int32
			tokens := replica(t, st, "wx_lifetime", func(context.Context, bool) (string, int64, error) {
				n := fetches.Add(1)
				return "tok" + string(rune('0'+n)), tt.expiresIn, nil
			}, clk.Now)

			if _, err := tokens.GetAccessTokenContext(ctx); err != nil {
				t.Fatal(err)
			}
			stored, ok, err := st.Tokens("wx_lifetime").Get(ctx)
			if err != nil || !ok {
				t.Fatalf("nothing stored: %v", err)
			}
			if got := stored.ExpiresAt.Sub(clk.Now()); got != tt.want {
				t.Fatalf("stored lifetime %v, want %v", got, tt.want)
			}
			if tt.want <= 30*time.Second {
				return // every call refetches; nothing more to see
			}
			clk.Set(stored.ExpiresAt.Add(-31 * time.Second))
			if tok, err := tokens.GetAccessTokenContext(ctx); err != nil || tok != "tok1" || fetches.Load() != 1 {
				t.Fatalf("31 s before expiry: %q, %v after %d fetches; want the stored token", tok, err, fetches.Load())
			}
			clk.Set(stored.ExpiresAt.Add(-30 * time.Second))
			if tok, err := tokens.GetAccessTokenContext(ctx); err != nil || tok != "tok2" || fetches.Load() != 2 {
				t.Fatalf("30 s before expiry: %q, %v after %d fetches; want a new token", tok, err, fetches.Load())
			}
		})
	}
}

// Keep fetches ahead of expiry so callers never wait, does nothing while
// the token is fresh, and returns when its context ends.
func TestTokensKeep(t *testing.T) {
	t.Parallel()
	appID, secret := newApp(t)
	ctx := testContext(t)
	st := replicaStores(t, 1)[0]
	clk := clocktest.NewManual(time.Now().Truncate(time.Second))
	tokens := replica(t, st, appID, StableFetcher(appID, secret), clk.Now)
	tokens.ticker = clk.Ticker
	const every, ahead = 30 * time.Second, 10 * time.Minute

	keepCtx, stop := context.WithCancel(ctx)
	defer stop()
	done := make(chan struct{})
	go func() {
		defer close(done)
		tokens.Keep(keepCtx, every, ahead)
	}()
	// rounds returns once Keep has run n more rounds. Keep takes a tick
	// only between two rounds and Add returns once it was taken, so the
	// tick after the nth proves the nth round over.
	rounds := func(n int) {
		for range n + 1 {
			clk.Add(every)
		}
	}
	stored := func() store.Token {
		tok, _, err := st.Tokens(appID).Get(ctx)
		if err != nil {
			t.Error(err)
		}
		return tok
	}

	waitFor(t, "Keep's first fetch", func() bool { return sim.CountCalls(appID, pathStable) == 1 && stored().Value != "" })
	first := stored()
	rounds(12) // six minutes with a fresh token
	wantCalls(t, appID, pathStable, 1)

	// Move to five minutes before the stored expiry: inside ahead, but far
	// outside the 30 s at which callers would fetch for themselves.
	clk.Set(first.ExpiresAt.Add(-5 * time.Minute))
	waitFor(t, "Keep's refresh ahead of expiry", func() bool { return stored().ExpiresAt.After(first.ExpiresAt) })
	if left := stored().ExpiresAt.Sub(clk.Now()); left <= ahead {
		t.Fatalf("after Keep's refresh %v remain, want more than %v", left, ahead)
	}
	rounds(12)
	wantCalls(t, appID, pathStable, 2)
	if got := stableForces(t, appID); len(got) != 2 || got[0] || got[1] {
		t.Errorf("Keep used force_refresh: %v", got)
	}

	stop()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		t.Fatal("Keep did not return after its context was cancelled")
	}
}

// refusals is a TokenStore that reports every time it refuses the lease,
// so a test knows a replica has found another one fetching and is
// waiting for it.
type refusals struct {
	TokenStore
	c chan struct{}
}

func leaseRefusals(s TokenStore) *refusals {
	return &refusals{TokenStore: s, c: make(chan struct{}, 1000)}
}

func (r *refusals) AcquireLease(ctx context.Context, owner string, ttl time.Duration) (bool, error) {
	got, err := r.TokenStore.AcquireLease(ctx, owner, ttl)
	if err == nil && !got {
		select {
		case r.c <- struct{}{}:
		default:
		}
	}
	return got, err
}

// wait returns once the lease was refused n times, or after 5 s with an
// error, so that the caller still lets go of what it holds.
func (r *refusals) wait(t *testing.T, n int) {
	t.Helper()
	for i := range n {
		select {
		case <-r.c:
		case <-time.After(5 * time.Second):
			t.Errorf("the lease was refused %d times within 5 s, want %d", i, n)
			return
		}
	}
}
