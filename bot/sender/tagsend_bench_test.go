package sender_test

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/zap"

	"github.com/wxcast/wxcast/bot/broadcast"
	"github.com/wxcast/wxcast/bot/caps"
	"github.com/wxcast/wxcast/bot/sender"
	"github.com/wxcast/wxcast/bot/wxapi"
	"github.com/wxcast/wxcast/internal/redistest"
	"github.com/wxcast/wxcast/rules"
	"github.com/wxcast/wxcast/store"
)

// sendAllTimer is the WeChat client with the time of the first sendall,
// and the live Go heap then.
type sendAllTimer struct {
	*wxapi.Client
	at   atomic.Pointer[time.Time]
	live atomic.Uint64
}

func (c *sendAllTimer) MassSendAll(ctx context.Context, tagID int, content wxapi.Content, id string) (wxapi.Sent, error) {
	now := time.Now()
	if c.at.CompareAndSwap(nil, &now) {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		c.live.Store(m.HeapAlloc)
	}
	return c.Client.MassSendAll(ctx, tagID, content, id)
}

// BenchmarkTagSend1M measures a tag send to 1,000,000 followers against
// the simulator, from Send to the sendall call: the audience walked
// (unsubscribes, caps, 20-tag followers), 100 runs of 10,000 reserved
// against the monthly cap and tagged, 20,000 batchtagging calls of 50,
// the tag checked. Setting up the followers (the simulator's roster and
// a synced profile each in Redis) and the preview are not timed.
//
//	TEST_REDIS_URL=redis://127.0.0.1:6379/9 go test ./bot/sender -run '^$' -bench TagSend1M -benchtime 1x -benchmem
//
// It reports s-to-sendall; the peak Go heap during the send above the
// heap before it (MB-heap-peak: live data and garbage not yet collected,
// the simulator's included, which runs in the same process); and the
// live heap above that baseline when the sendall is called, after a
// collection (MB-live-at-sendall).
func BenchmarkTagSend1M(b *testing.B) { benchSend1M(b, 1) }

// BenchmarkOpenIDSend1M is the same send by openid batches of 10,000
// (the plan's channel before the tag channel), from Send to the last
// batch accepted: the path docs/performance.md's "Broadcast send" measures with
// wxload, with the followers set up the fast way.
func BenchmarkOpenIDSend1M(b *testing.B) { benchSend1M(b, 2_000_000) }

func benchSend1M(b *testing.B, tagAbove int) {
	const n = 1_000_000
	ctx := context.Background()
	for _, p := range []string{"/cgi-bin/tags/members/batchtagging", "/cgi-bin/tags/members/batchuntagging",
		"/cgi-bin/user/get", "/cgi-bin/message/mass/send"} {
		sim.SetDailyQuota(p, -1)
	}
	appID, secret := "wx_bench_send"+itoa(int64(tagAbove)), "s"+itoa(time.Now().UnixNano())
	sim.AddApp(appID, secret)
	sim.PopulateFollowers(appID, n, 1)
	st := redistest.Open(b)
	cal := store.Calendar{Loc: time.UTC}
	followers := st.Followers(cal, store.Limits{DedupTTL: time.Minute, HistoryMax: 5, HistoryDays: 1})
	log := zap.NewNop()
	tokens := wxapi.NewTokens(st.Tokens(appID), wxapi.StableFetcher(appID, secret), nil, log)
	api := &sendAllTimer{Client: wxapi.New(wxapi.Config{AppID: appID, AppSecret: secret}, tokens, st.SDKCache())}
	syncFollowers(b, ctx, api.Client, followers)

	rs, err := rules.Parse("rules.yaml", []byte("segments:\n  - name: everyone\n    rule: user.subscribed\n"), rules.Options{})
	if err != nil {
		b.Fatal(err)
	}
	live := func() *rules.Ruleset { return rs }
	records := broadcast.NewRecords(st.Broadcasts(), nil)
	wake := broadcast.NewWake()
	cp := caps.New(st.Caps(), 100, 0, time.UTC)
	svc := broadcast.New(broadcast.Options{Records: records, Store: st.Broadcasts(), Profiles: followers, Rules: live,
		Calendar: cal, API: api, Quotas: api.Client, Caps: cp, ApprovalsRequired: 1, TagSendAbove: tagAbove, Wake: wake, Log: log})
	editor := broadcast.Admin{OpenID: "oBenchEditor", Name: "e", Roles: []broadcast.Role{broadcast.RoleEditor}}
	approver := broadcast.Admin{OpenID: "oBenchApprover", Name: "a", Roles: []broadcast.Role{broadcast.RoleApprover}}
	byTag := tagAbove < n

	var total time.Duration
	var peak, liveHeap uint64
	for b.Loop() {
		b.StopTimer()
		bc, err := svc.Create(ctx, editor, "everyone", broadcast.Content{Type: "text", Text: "hello"})
		if err != nil {
			b.Fatal(err)
		}
		if bc, err = svc.Preview(ctx, editor, bc.ID); err != nil {
			b.Fatal(err)
		}
		if (bc.Plan.Channel == broadcast.ChannelTag) != byTag || bc.Plan.Audience != n {
			b.Fatalf("plan: %q of %d", bc.Plan.Channel, bc.Plan.Audience)
		}
		if _, err := svc.Approve(ctx, approver, bc.ID, "", ""); err != nil {
			b.Fatal(err)
		}
		api.at.Store(nil)
		s := sender.New(sender.Options{Records: records, Store: st.Broadcasts(), Profiles: followers, Rules: live,
			API: api, Caps: cp, Notices: nopNotices{}, Wake: wake, Owner: "bench", Log: log})
		runtime.GC()
		var base runtime.MemStats
		runtime.ReadMemStats(&base)
		sctx, stop := context.WithCancel(ctx)
		var wg sync.WaitGroup
		var top atomic.Uint64
		wg.Go(func() { top.Store(heapPeak(sctx, &api.at, base.HeapAlloc)) })
		b.StartTimer()
		start := time.Now()
		if _, err := svc.Send(ctx, editor, bc.ID, time.Time{}, broadcast.SendOptions{}); err != nil {
			b.Fatal(err)
		}
		wg.Go(func() { s.Run(sctx) })
		for {
			time.Sleep(10 * time.Millisecond)
			if !byTag {
				// As wxload does, without WeChat's 60 calls a minute:
				// 100 batches in seconds are far above it.
				sim.AgeMassSends(appID, time.Minute)
			}
			if byTag && api.at.Load() != nil {
				break
			}
			if got, _ := records.Get(ctx, bc.ID); !byTag && got != nil && len(got.Batches) > 0 && got.Progress().Done == len(got.Batches) {
				now := time.Now()
				api.at.Store(&now)
				break
			}
			if time.Since(start) > 10*time.Minute {
				b.Fatal("not sent within 10 minutes")
			}
		}
		b.StopTimer()
		total += api.at.Load().Sub(start)
		stop()
		wg.Wait()
		peak = max(peak, top.Load())
		liveHeap = max(liveHeap, api.live.Load()-min(api.live.Load(), base.HeapAlloc))
		got, _ := records.Get(ctx, bc.ID)
		if v := got.TagSend; byTag && (v.Versions[0].Tagged != n || v.Versions[0].Done != v.Versions[0].Runs) {
			b.Fatalf("tagged %d of %d", v.Versions[0].Tagged, n)
		}
		if p := got.Progress(); !byTag && p.Recipients != n {
			b.Fatalf("%d recipients", p.Recipients)
		}
		b.StartTimer()
	}
	unit := "s-to-sendall"
	if !byTag {
		unit = "s-to-last-batch"
	}
	b.ReportMetric(total.Seconds()/float64(b.N), unit)
	b.ReportMetric(float64(peak)/1e6, "MB-heap-peak")
	if byTag {
		b.ReportMetric(float64(liveHeap)/1e6, "MB-live-at-sendall")
	}
}

// heapPeak samples the Go heap until ctx ends or the sendall is called,
// and returns its peak above base.
func heapPeak(ctx context.Context, at *atomic.Pointer[time.Time], base uint64) uint64 {
	var peak uint64
	var m runtime.MemStats
	for {
		runtime.ReadMemStats(&m)
		if m.HeapAlloc > base {
			peak = max(peak, m.HeapAlloc-base)
		}
		if at.Load() != nil {
			return peak
		}
		select {
		case <-ctx.Done():
			return peak
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// syncFollowers writes a profile for every follower on the simulator's
// roster, as the follower sync does.
func syncFollowers(b *testing.B, ctx context.Context, api *wxapi.Client, f *store.Followers) {
	b.Helper()
	now := time.Now()
	var wg sync.WaitGroup
	errs := make(chan error, 200)
	for next := ""; ; {
		p, err := api.Followers(ctx, next)
		if err != nil {
			b.Fatal(err)
		}
		batch := make([]store.SyncedFollower, len(p.OpenIDs))
		for i, o := range p.OpenIDs {
			batch[i] = store.SyncedFollower{OpenID: o, SubscribeTime: now.Add(-time.Hour)}
		}
		wg.Go(func() {
			if _, err := f.ApplySync(ctx, now.Unix(), now, batch, false); err != nil {
				errs <- err
			}
		})
		if p.Next == "" || len(p.OpenIDs) == 0 {
			break
		}
		next = p.Next
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		b.Fatal(err)
	}
}

// nopNotices tells no one.
type nopNotices struct{}

func (nopNotices) Voided(context.Context, *broadcast.Broadcast)               {}
func (nopNotices) Late(context.Context, *broadcast.Broadcast)                 {}
func (nopNotices) StepsSkipped(context.Context, *broadcast.Broadcast, int)    {}
func (nopNotices) Failed(context.Context, *broadcast.Broadcast)               {}
func (nopNotices) Unknown(context.Context, *broadcast.Broadcast, int)         {}
func (nopNotices) QuotaWait(context.Context, *broadcast.Broadcast, time.Time) {}
func (nopNotices) Done(context.Context, *broadcast.Broadcast)                 {}
func (nopNotices) HighFailure(context.Context, *broadcast.Broadcast, float64) {}

func (nopNotices) DraftChanged(context.Context, *broadcast.Broadcast, string, []string) {}
