package wxapi

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/silenceper/wechat/v2/util"

	"github.com/wxcast/wxcast/internal/wxsim"
	"github.com/wxcast/wxcast/store"
)

func newClient(t *testing.T, st *store.Store, appID, secret string) (*Client, *Tokens) {
	t.Helper()
	tokens := replica(t, st, appID, StableFetcher(appID, secret), nil)
	return New(Config{AppID: appID, AppSecret: secret}, tokens, st.SDKCache()), tokens
}

// When WeChat refuses the shared token as stale, CallbackIPs gets a new
// one and succeeds on its one retry, whichever of the three codes it was.
func TestClientRetriesOnceOnStaleToken(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		code  int
		spoil func(ctx context.Context, t *testing.T, appID string, st *store.Store)
	}{
		{"revoked 40001", 40001, func(_ context.Context, _ *testing.T, appID string, _ *store.Store) {
			sim.RevokeTokens(appID)
		}},
		{"expired 42001", 42001, func(_ context.Context, _ *testing.T, appID string, _ *store.Store) {
			sim.ExpireTokens(appID)
		}},
		{"malformed 40014", 40014, func(ctx context.Context, t *testing.T, appID string, st *store.Store) {
			now := time.Now()
			err := st.Tokens(appID).Set(ctx, store.Token{Value: garbled(appID), ExpiresAt: now.Add(time.Hour)}, now)
			if err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			appID, secret := newApp(t)
			ctx := testContext(t)
			st := replicaStores(t, 1)[0]
			client, tokens := newClient(t, st, appID, secret)

			if _, err := client.CallbackIPs(ctx); err != nil {
				t.Fatalf("first CallbackIPs: %v", err)
			}
			before, err := tokens.GetAccessTokenContext(ctx)
			if err != nil {
				t.Fatal(err)
			}
			tt.spoil(ctx, t, appID, st)

			ips, err := client.CallbackIPs(ctx)
			if err != nil {
				t.Fatalf("CallbackIPs after the token went stale: %v", err)
			}
			if !slices.Equal(ips, []string{"127.0.0.1"}) {
				t.Errorf("ips = %v", ips)
			}
			if got, want := callbackIPCodes(appID), []int{0, tt.code, 0}; !slices.Equal(got, want) {
				t.Errorf("getcallbackip errcodes = %v, want %v", got, want)
			}
			wantCalls(t, appID, pathStable, 2) // the first token and one replacement
			if got := stableForces(t, appID); slices.Contains(got, true) {
				t.Errorf("force_refresh used although normal mode gave a new token: %v", got)
			}
			after, err := tokens.GetAccessTokenContext(ctx)
			if err != nil || !sim.ValidToken(appID, after) {
				t.Fatalf("shared token after the retry is not valid (%v)", err)
			}
			if tt.code != 40014 && after == before {
				t.Error("the stale token is still the shared one")
			}
		})
	}
}

// garbled is a malformed token unique to appID. WeChat cannot tell whose
// it is, so the simulator records its calls under AppID "".
func garbled(appID string) string { return "garbled:" + appID }

// callbackIPCodes returns the errcodes of appID's getcallbackip calls in
// order, including those made with garbled(appID).
func callbackIPCodes(appID string) []int {
	calls := append(sim.Calls(appID), sim.Calls("")...)
	calls = slices.DeleteFunc(calls, func(c wxsim.Call) bool {
		return c.Path != pathCallbackIP || c.AppID == "" && c.Query.Get("access_token") != garbled(appID)
	})
	slices.SortStableFunc(calls, func(a, b wxsim.Call) int { return a.Time.Compare(b.Time) })
	out := make([]int, len(calls))
	for i, c := range calls {
		out[i] = c.ErrCode
	}
	return out
}

// Call retries exactly once, and only for the three stale-token codes.
func TestClientCallRetriesOnlyStaleOnce(t *testing.T) {
	t.Parallel()
	plain := errors.New("network down")
	tests := []struct {
		name      string
		err       error
		wantCalls int
	}{
		{"ok", nil, 1},
		{"40001 every time", &util.CommonError{ErrCode: 40001, ErrMsg: "invalid credential"}, 2},
		{"40014 every time", &util.CommonError{ErrCode: 40014, ErrMsg: "invalid access_token"}, 2},
		{"42001 every time", &util.CommonError{ErrCode: 42001, ErrMsg: "access_token expired"}, 2},
		{"40001 wrapped", errors.Join(errors.New("send"), &util.CommonError{ErrCode: 40001}), 2},
		{"quota 45009", &util.CommonError{ErrCode: 45009, ErrMsg: "reach max api daily quota limit"}, 1},
		{"ip not allowed 40164", &util.CommonError{ErrCode: 40164}, 1},
		{"not a WeChat error", plain, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			appID, secret := newApp(t)
			ctx := testContext(t)
			st := replicaStores(t, 1)[0]
			client, tokens := newClient(t, st, appID, secret)

			var used []string
			err := client.Call(ctx, func() error {
				tok, err := tokens.GetAccessToken() // what the SDK call would send
				if err != nil {
					t.Fatal(err)
				}
				used = append(used, tok)
				return tt.err
			})
			if !errors.Is(err, tt.err) {
				t.Errorf("Call = %v, want the call's error %v", err, tt.err)
			}
			if len(used) != tt.wantCalls {
				t.Fatalf("call ran %d times, want %d", len(used), tt.wantCalls)
			}
			if tt.wantCalls == 1 {
				wantCalls(t, appID, pathStable, 1) // no token replaced
				return
			}
			if used[1] == used[0] {
				t.Error("the retry used the refused token again")
			}
			if !sim.ValidToken(appID, used[1]) {
				t.Error("the retry's token is not valid")
			}
		})
	}
}

// Failures that a new token cannot fix end the call at once.
func TestClientFailuresAreNotRetried(t *testing.T) {
	t.Parallel()

	t.Run("wrong secret", func(t *testing.T) {
		t.Parallel()
		appID, secret := newApp(t)
		ctx := testContext(t)
		st := replicaStores(t, 1)[0]
		client, _ := newClient(t, st, appID, "not-"+secret)

		_, err := client.CallbackIPs(ctx)
		if err == nil || !strings.Contains(err.Error(), "40125") {
			t.Fatalf("err = %v, want the fetch error (40125)", err)
		}
		wantCalls(t, appID, pathStable, 1)
		wantCalls(t, appID, pathCallbackIP, 0)
	})

	// The token went stale and meanwhile the secret was reset: the one
	// retry fails to fetch, and Call reports both errors without looping.
	t.Run("stale then fetch fails", func(t *testing.T) {
		t.Parallel()
		appID, secret := newApp(t)
		ctx := testContext(t)
		st := replicaStores(t, 1)[0]
		client, _ := newClient(t, st, appID, secret)
		if _, err := client.CallbackIPs(ctx); err != nil {
			t.Fatal(err)
		}
		sim.RevokeTokens(appID)
		sim.AddApp(appID, "reset-"+secret)

		_, err := client.CallbackIPs(ctx)
		var ce *util.CommonError
		if !errors.As(err, &ce) || ce.ErrCode != 40001 || !strings.Contains(err.Error(), "40125") {
			t.Fatalf("err = %v, want 40001 joined with the fetch error 40125", err)
		}
		if got := errCodes(appID, pathCallbackIP); !slices.Equal(got, []int{0, 40001}) {
			t.Errorf("getcallbackip errcodes = %v, want [0 40001]", got)
		}
		if got := errCodes(appID, pathStable); !slices.Equal(got, []int{0, 40125}) {
			t.Errorf("stable_token errcodes = %v, want [0 40125]", got)
		}
	})
}
