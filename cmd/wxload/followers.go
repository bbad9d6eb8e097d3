package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wxcast/wxcast/store"
)

// cmdFollowers fills a key prefix with followers for segment benchmarks:
// each one subscribes, sends a few messages and clicks over 30 days, and
// some carry tags and business attributes. Everything goes through the
// store's own scripts, so the layout is exactly what wxcast writes.
func cmdFollowers(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("followers", flag.ContinueOnError)
	fs.SetOutput(stderr)
	redisURL := redisURLFlag(fs)
	prefix := fs.String("prefix", "bench:seg:", "key prefix to fill; must hold no keys yet")
	n := fs.Int("n", 1000000, "followers to write")
	workers := fs.Int("concurrency", 32, "followers written at once")
	seed := fs.Uint64("seed", 1, "random seed")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *prefix == "" || *n < 1 || *workers < 1 {
		return errors.New("followers: --prefix must not be empty; --n and --concurrency > 0")
	}
	st, closeStore, err := openStore(ctx, *redisURL, *prefix)
	if err != nil {
		return err
	}
	defer func() { _ = closeStore() }()
	if rdb, err := singleNode(st.Redis()); err == nil {
		if busy, err := anyKey(ctx, rdb, *prefix); err != nil || busy {
			return errors.Join(err, fmt.Errorf("followers: keys under %q exist already; clean them or pick another --prefix", *prefix))
		}
	}
	loc, _ := time.LoadLocation("Asia/Shanghai")
	f := st.Followers(store.Calendar{Loc: loc}, store.Limits{})
	now := time.Now()
	var next, done atomic.Int64
	var wg sync.WaitGroup
	errc := make(chan error, *workers)
	start := time.Now()
	for range *workers {
		wg.Go(func() {
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= *n {
					return
				}
				if err := writeFollower(ctx, f, i, rand.New(rand.NewPCG(*seed, uint64(i))), now); err != nil {
					errc <- err
					return
				}
				if d := done.Add(1); d%100000 == 0 {
					fmt.Fprintf(stderr, "followers: %d/%d in %.0fs\n", d, *n, time.Since(start).Seconds())
				}
			}
		})
	}
	wg.Wait()
	close(errc)
	if err := <-errc; err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "wrote %d followers under %s in %.1fs\n", done.Load(), *prefix, time.Since(start).Seconds())
	return err
}

// writeFollower writes follower i: a subscribe within the last 30 days,
// 0 to 3 texts and 0 to 2 menu clicks after it, an unsubscribe for one in
// ten; tags for about half, vip_level and total_spend for one in three.
func writeFollower(ctx context.Context, f *store.Followers, i int, rng *rand.Rand, now time.Time) error {
	id := openID(i)
	subAt := now.Add(-time.Duration(rng.IntN(30*24*3600)) * time.Second)
	after := func() time.Time { return subAt.Add(time.Duration(rng.Int64N(int64(now.Sub(subAt)) + 1))) }
	scenes := qrScenes()
	evs := []store.Event{{OpenID: id, DedupID: "s", At: subAt, Kind: "subscribe", Class: store.ClassEvent,
		Sub: store.SubSubscribe, Scene: scenes[rng.IntN(len(scenes))]}}
	for j := range rng.IntN(4) {
		evs = append(evs, store.Event{OpenID: id, DedupID: "m" + strconv.Itoa(j), At: after(), Kind: "text", Class: store.ClassMessage, Content: "你好"})
	}
	keys := menuKeys()
	for j := range rng.IntN(3) {
		k := keys[rng.IntN(len(keys))]
		evs = append(evs, store.Event{OpenID: id, DedupID: "c" + strconv.Itoa(j), At: after(), Kind: "click", Class: store.ClassEvent, ClickKey: k, Key: k})
	}
	if rng.IntN(10) == 0 {
		evs = append(evs, store.Event{OpenID: id, DedupID: "u", At: after(), Kind: "unsubscribe", Class: store.ClassPassive, Sub: store.SubUnsubscribe})
	}
	for k, ev := range evs {
		mark := store.MarkFinal
		if k == 0 {
			mark = store.MarkNoAnswer // tags may follow
		}
		if _, err := f.Record(ctx, ev, now, mark); err != nil {
			return err
		}
	}
	var tags []store.TagChange
	for _, t := range []string{"vip", "clicked_promo", "engaged"} {
		if rng.IntN(4) == 0 {
			tags = append(tags, store.TagChange{Tag: t, Rule: "seed"})
		}
	}
	if len(tags) > 0 {
		if _, err := f.Finish(ctx, id, "s", "", tags, now); err != nil {
			return err
		}
	}
	if rng.IntN(3) == 0 {
		_, err := f.SetAttributes(ctx, id, map[string]string{
			"vip_level":   strconv.Itoa(rng.IntN(6)),
			"total_spend": strconv.FormatFloat(float64(rng.IntN(500000))/100, 'f', 2, 64),
		})
		return err
	}
	return nil
}
