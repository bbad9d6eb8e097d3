package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/wxcast/wxcast/bot/segment"
	"github.com/wxcast/wxcast/store"
)

// fillAudience writes followers as `wxload followers` does until the
// segment selects want of them: a few percent of them unsubscribe, so
// each round writes the shortfall and counts again. It returns how many
// it wrote.
func fillAudience(ctx context.Context, f *store.Followers, count func() (segment.Tally, error), want int, stderr io.Writer) (int, error) {
	now := time.Now()
	n := 0
	for {
		t, err := count()
		if err != nil {
			return n, err
		}
		short := want - t.Matched
		if short <= 0 {
			return n, nil
		}
		if err := writeFollowers(ctx, f, n, n+short, now, stderr); err != nil {
			return n, err
		}
		n += short
	}
}

// writeFollowers writes followers [from, to) from 32 goroutines.
func writeFollowers(ctx context.Context, f *store.Followers, from, to int, now time.Time, stderr io.Writer) error {
	const workers = 32
	var next atomic.Int64
	next.Store(int64(from))
	var wg sync.WaitGroup
	errc := make(chan error, workers)
	start := time.Now()
	for range workers {
		wg.Go(func() {
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= to {
					return
				}
				if err := writeFollower(ctx, f, i, rand.New(rand.NewPCG(1, uint64(i))), now); err != nil {
					errc <- err
					return
				}
				if (i+1)%100000 == 0 {
					fmt.Fprintf(stderr, "broadcast: %d followers written, %.0fs\n", i+1, time.Since(start).Seconds())
				}
			}
		})
	}
	wg.Wait()
	close(errc)
	return errors.Join(<-errc, ctx.Err())
}

// keyBytes sums MEMORY USAGE over the keys under prefix; 0 where Redis
// cannot tell (the embedded server).
func keyBytes(ctx context.Context, rdb *redis.Client, prefix string) int64 {
	var sum int64
	_ = scanPrefix(ctx, rdb, prefix, func(keys []string) error {
		sizes, err := memoryUsage(ctx, rdb, keys)
		for _, n := range sizes {
			sum += n
		}
		return err
	})
	return sum
}

// redisCPUSeconds is the CPU time Redis used so far (INFO cpu), 0 where
// it cannot tell.
func redisCPUSeconds(ctx context.Context, rdb *redis.Client) float64 {
	info, err := rdb.Info(ctx, "cpu").Result()
	if err != nil {
		return 0
	}
	var sum float64
	for _, line := range strings.Split(info, "\n") {
		name, v, _ := strings.Cut(strings.TrimSpace(line), ":")
		if name == "used_cpu_sys" || name == "used_cpu_user" {
			f, _ := strconv.ParseFloat(v, 64)
			sum += f
		}
	}
	return sum
}

// procMB reads a kB figure of /proc/self/status (VmRSS, VmHWM) in MB; 0
// without /proc.
func procMB(field string) float64 {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for sc.Scan() {
		if v, ok := bytes.CutPrefix(sc.Bytes(), []byte(field)); ok {
			kb, _ := strconv.ParseFloat(string(bytes.TrimSuffix(bytes.TrimSpace(v), []byte(" kB"))), 64)
			return kb / 1024
		}
	}
	return 0
}
