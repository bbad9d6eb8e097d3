package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
	"go.uber.org/zap"

	"github.com/wxcast/wxcast/bot"
	"github.com/wxcast/wxcast/store"
)

// profilesConfig is the profiles subcommand's flags.
type profilesConfig struct {
	redisURL, prefix, timezone string
	followers, concurrency     int
	weeks                      int
	sample, extrapolate        int
	limits                     store.Limits
	seed                       uint64
	keep, json                 bool
}

func parseProfilesFlags(args []string, stderr io.Writer) (profilesConfig, error) {
	var c profilesConfig
	fs := flag.NewFlagSet("profiles", flag.ContinueOnError)
	fs.SetOutput(stderr)
	redisURL := redisURLFlag(fs)
	fs.StringVar(&c.prefix, "prefix", "bench:mem:", "key prefix; must hold no keys yet, and everything under it is deleted at the end")
	fs.StringVar(&c.timezone, "timezone", "Asia/Shanghai", "the account's time zone, for day and hour buckets")
	fs.IntVar(&c.followers, "followers", 100000, "followers to write")
	fs.IntVar(&c.concurrency, "concurrency", 16, "followers written at once")
	fs.IntVar(&c.sample, "sample", 5000, "followers whose keys are measured with MEMORY USAGE")
	fs.IntVar(&c.extrapolate, "extrapolate", 2000000, "follower count to extrapolate to")
	fs.IntVar(&c.limits.HistoryMax, "history-max", 50, "profile.history_max")
	fs.IntVar(&c.limits.HistoryDays, "history-days", 8, "profile.history_days")
	fs.IntVar(&c.weeks, "weeks", 1, "weeks of activity per follower (4 fills the 30-day windows)")
	fs.DurationVar(&c.limits.DedupTTL, "dedup-ttl", 10*time.Minute, "callback.dedup_ttl")
	fs.Uint64Var(&c.seed, "seed", 1, "random seed of the followers' weeks")
	fs.BoolVar(&c.keep, "keep", false, "keep the profiles and histories (dedup keys are always deleted)")
	fs.BoolVar(&c.json, "json", false, "print the report as JSON")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	c.redisURL = *redisURL
	switch {
	case fs.NArg() > 0:
		return c, fmt.Errorf("profiles: unexpected argument %q", fs.Arg(0))
	case c.prefix == "":
		return c, errors.New("profiles: --prefix must not be empty")
	case c.followers < 1 || c.concurrency < 1 || c.sample < 1 || c.weeks < 1:
		return c, errors.New("profiles: --followers, --concurrency, --sample and --weeks must be > 0")
	}
	return c, nil
}

// cmdProfiles writes --followers profiles through the store, measures
// them, and deletes every key it wrote.
func cmdProfiles(ctx context.Context, args []string, stdout, stderr io.Writer) (err error) {
	c, err := parseProfilesFlags(args, stderr)
	if err != nil {
		return err
	}
	loc, err := time.LoadLocation(c.timezone)
	if err != nil {
		return err
	}
	st, rdb, closeStore, err := openSingle(ctx, c.redisURL, c.prefix)
	if err != nil {
		return err
	}
	defer func() { _ = closeStore() }()
	if busy, err := anyKey(ctx, rdb, c.prefix); err != nil || busy {
		return errors.Join(err, fmt.Errorf("profiles: keys under %q exist already; pick another --prefix", c.prefix))
	}
	// From here on the prefix is ours: delete what we wrote whatever happens.
	defer func() {
		if c.keep {
			return
		}
		n, derr := deletePrefix(context.WithoutCancel(ctx), rdb, c.prefix)
		fmt.Fprintf(stderr, "profiles: deleted %d keys under %s\n", n, c.prefix)
		err = errors.Join(err, derr)
	}()

	r := memReport{Followers: c.followers, Prefix: c.prefix, Extrapolate: c.extrapolate}
	if r.UsedBefore, err = usedMemory(ctx, rdb); err != nil {
		return err
	}
	followers := st.Followers(store.Calendar{Loc: loc}, c.limits)
	if err := writeProfiles(ctx, c, followers, &r, stderr); err != nil {
		return err
	}
	if r.UsedAfterWrite, err = usedMemory(ctx, rdb); err != nil {
		return err
	}
	if err := measureDedup(ctx, rdb, c.prefix+"d:", c.sample, &r); err != nil {
		return err
	}
	if r.UsedAfterDedup, err = usedMemory(ctx, rdb); err != nil {
		return err
	}
	if err := measureProfiles(ctx, st, rdb, c, &r); err != nil {
		return err
	}
	r.finish()
	if c.json {
		return writeJSON(stdout, r)
	}
	return r.writeText(stdout)
}

// writeProfiles records a week of callbacks for every follower through
// the bot and the store, as wxcast would have on receiving them.
func writeProfiles(ctx context.Context, c profilesConfig, f *store.Followers, r *memReport, stderr io.Writer) error {
	b := bot.New(bot.Options{Followers: arrival{f}, Log: zap.NewNop()})
	var (
		next, callbacks, dups atomic.Int64
		msgIDs                atomic.Int64
		wg                    sync.WaitGroup
		errOnce               sync.Once
		firstErr              error
	)
	msgIDs.Store(time.Now().UnixMicro() << 8)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	end := time.Now()
	start := time.Now()
	for range c.concurrency {
		wg.Go(func() {
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= c.followers {
					return
				}
				rng := rand.New(rand.NewPCG(c.seed, uint64(i)))
				for _, m := range weeks(rng, openID(i), "gh_0123456789ab", end, &msgIDs, c.weeks) {
					res, err := b.Handle(ctx, botMessage(m))
					if err != nil {
						errOnce.Do(func() { firstErr = err; cancel() })
						return
					}
					callbacks.Add(1)
					if res.Duplicate {
						dups.Add(1)
					}
				}
			}
		})
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	tick := time.NewTicker(10 * time.Second)
	defer tick.Stop()
	for waiting := true; waiting; {
		select {
		case <-done:
			waiting = false
		case <-tick.C:
			fmt.Fprintf(stderr, "profiles: %d/%d followers, %d callbacks\n", min(next.Load(), int64(c.followers)), c.followers, callbacks.Load())
		}
	}
	if firstErr != nil {
		return firstErr
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	r.WriteSeconds = time.Since(start).Seconds()
	r.Callbacks, r.Duplicates = callbacks.Load(), dups.Load()
	return nil
}

// measureDedup counts the dedup marks, samples their size and deletes
// them: they expire after dedup_ttl, so they are reported apart from the
// per-follower figures, which exclude them.
func measureDedup(ctx context.Context, rdb *redis.Client, prefix string, sample int, r *memReport) error {
	var sizes []int64
	err := scanPrefix(ctx, rdb, prefix, func(keys []string) error {
		// Sample before deleting: MEMORY USAGE of a deleted key is nothing.
		if n := sample - len(sizes); n > 0 {
			s, err := memoryUsage(ctx, rdb, keys[:min(n, len(keys))])
			if err != nil {
				return err
			}
			sizes = append(sizes, s...)
		}
		d, err := rdb.Del(ctx, keys...).Result()
		r.DedupKeys += d
		return err
	})
	if err != nil {
		return err
	}
	r.DedupKeyBytes = mean(sizes)
	return nil
}

// measureProfiles measures the profile shards whole (MEMORY USAGE of every
// shard hash, divided by the followers in them) and samples the history
// lists of followers spread evenly over the written ones.
func measureProfiles(ctx context.Context, st *store.Store, rdb *redis.Client, c profilesConfig, r *memReport) error {
	shards := make([]string, store.Shards)
	for i := range shards {
		shards[i] = st.ShardKey(i)
	}
	sizes, err := memoryUsage(ctx, rdb, shards)
	if err != nil {
		return err
	}
	var total int64
	for _, n := range sizes {
		total += n
	}
	r.ProfileBytes = float64(total) / float64(c.followers)
	n := min(c.sample, c.followers)
	hist := make([]string, n)
	pipe := rdb.Pipeline()
	llen := make([]*redis.IntCmd, n)
	for j := range n {
		_, hist[j] = st.FollowerKeys(openID(j * c.followers / n))
		llen[j] = pipe.LLen(ctx, hist[j])
	}
	penc, henc := pipe.ObjectEncoding(ctx, st.ShardKey(0)), pipe.ObjectEncoding(ctx, hist[0])
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
		return fmt.Errorf("sample histories: %w", err)
	}
	hs, err := memoryUsage(ctx, rdb, hist)
	if err != nil {
		return err
	}
	var entries int64
	for j := range n {
		entries += llen[j].Val()
	}
	r.Sampled = n
	r.HistoryBytes = mean(hs)
	r.ProfileFields = float64(c.followers) / float64(store.Shards) // followers per shard
	r.HistoryEntries = float64(entries) / float64(n)
	r.ProfileEncoding, r.HistoryEncoding = penc.Val(), henc.Val()
	return nil
}

func mean(v []int64) float64 {
	if len(v) == 0 {
		return 0
	}
	var s int64
	for _, x := range v {
		s += x
	}
	return float64(s) / float64(len(v))
}
