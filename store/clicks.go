package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// Kinds of taps.
const (
	// TapReceiver: a follower who received the link's version.
	TapReceiver = "r"
	// TapOther: an identified follower who did not receive that version
	// (a forwarded link).
	TapOther = "o"
	// TapAnonymous: a tap outside WeChat, or whose authorization failed.
	TapAnonymous = "a"
)

// TapKey names one counter of taps.
type TapKey struct {
	Kind          string
	Version, Link int
}

func (t TapKey) field() string {
	return t.Kind + ":" + strconv.Itoa(t.Version) + ":" + strconv.Itoa(t.Link)
}

func parseTapKey(f string) (TapKey, bool) {
	parts := strings.Split(f, ":")
	if len(parts) != 3 {
		return TapKey{}, false
	}
	v, err1 := strconv.Atoi(parts[1])
	i, err2 := strconv.Atoi(parts[2])
	if err1 != nil || err2 != nil {
		return TapKey{}, false
	}
	return TapKey{Kind: parts[0], Version: v, Link: i}, true
}

// ClickCounts are a broadcast's taps by kind, version and link, and its
// clickers per version (each follower once).
type ClickCounts struct {
	Taps     map[TapKey]int64
	Clickers []int64
}

// Click keys live in the broadcast's audience slot, with its lists and
// member index, and expire with them.
func (k keys) lkClickers(id int64, version int) string { return k.bcList(id, "clk", version) }
func (k keys) lkTaps(id int64) string                  { return k.bcList(id, "taps", 0) }

// clickTTL keeps click records as long as the broadcast's lists.
const clickTTL = 30 * 24 * time.Hour

// RecordClick counts one tap of receiver openid on link of version: the
// tap always, the clicker once per version (first is true the first
// time; the first tap's time is kept).
func (l *Links) RecordClick(ctx context.Context, id int64, version, link int, openid string, at time.Time) (first bool, err error) {
	ck, tk := l.s.keys.lkClickers(id, version), l.s.keys.lkTaps(id)
	var set *redis.BoolCmd
	_, err = l.s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		set = p.HSetNX(ctx, ck, openid, at.UnixMilli())
		p.Expire(ctx, ck, clickTTL)
		p.HIncrBy(ctx, tk, TapKey{TapReceiver, version, link}.field(), 1)
		p.Expire(ctx, tk, clickTTL)
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("store: record click on broadcast %d: %w", id, err)
	}
	return set.Val(), nil
}

// RecordTap counts a tap that is not a receiver's: kind TapOther or
// TapAnonymous.
func (l *Links) RecordTap(ctx context.Context, id int64, version, link int, kind string) error {
	tk := l.s.keys.lkTaps(id)
	_, err := l.s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.HIncrBy(ctx, tk, TapKey{kind, version, link}.field(), 1)
		p.Expire(ctx, tk, clickTTL)
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: record tap on broadcast %d: %w", id, err)
	}
	return nil
}

// ClickCounts reads broadcast id's taps and its clickers of versions
// 0…versions-1.
func (l *Links) ClickCounts(ctx context.Context, id int64, versions int) (ClickCounts, error) {
	var taps *redis.MapStringStringCmd
	lens := make([]*redis.IntCmd, versions)
	_, err := l.s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		taps = p.HGetAll(ctx, l.s.keys.lkTaps(id))
		for v := range lens {
			lens[v] = p.HLen(ctx, l.s.keys.lkClickers(id, v))
		}
		return nil
	})
	if err != nil {
		return ClickCounts{}, fmt.Errorf("store: read clicks of broadcast %d: %w", id, err)
	}
	out := ClickCounts{Taps: map[TapKey]int64{}, Clickers: make([]int64, versions)}
	for f, v := range taps.Val() {
		k, ok := parseTapKey(f)
		n, err := strconv.ParseInt(v, 10, 64)
		if ok && err == nil {
			out.Taps[k] = n
		}
	}
	for v, c := range lens {
		out.Clickers[v] = c.Val()
	}
	return out, nil
}

// FirstClicks reads each openid's first click on version's links (the
// zero time when none).
func (l *Links) FirstClicks(ctx context.Context, id int64, version int, openids []string) ([]time.Time, error) {
	out := make([]time.Time, len(openids))
	if len(openids) == 0 {
		return out, nil
	}
	vs, err := l.s.rdb.HMGet(ctx, l.s.keys.lkClickers(id, version), openids...).Result()
	if err != nil {
		return nil, fmt.Errorf("store: read clickers of broadcast %d: %w", id, err)
	}
	for i, v := range vs {
		if s, ok := v.(string); ok {
			out[i] = parseMillis(s)
		}
	}
	return out, nil
}

// ScanClickers calls fn for each clicker of version, in no particular
// order.
func (l *Links) ScanClickers(ctx context.Context, id int64, version int, fn func(openid string, first time.Time) error) error {
	return l.s.scanHash(ctx, l.s.keys.lkClickers(id, version), fmt.Sprintf("clickers of broadcast %d", id),
		func(openid, ms string) error {
			if _, err := strconv.ParseInt(ms, 10, 64); err != nil {
				return nil // not a time this version wrote
			}
			return fn(openid, parseMillis(ms))
		})
}
