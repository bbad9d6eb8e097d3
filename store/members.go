package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// The member index of a broadcast: for each follower of its frozen
// audience, where they ended up when sending began (the value is the
// broadcast package's business: a batch, a tag run, or why they were left
// out). Tracked links ask it whether a clicker received the version the
// link belongs to, conversions which arm a buyer was in, and the export
// walks it. It lives beside the broadcast's audience lists, in their hash
// slot {bca:<id>}, and expires with them.

// bcMembers is broadcast id's member index (a hash openid → value).
func (k keys) bcMembers(id int64) string { return k.bcList(id, "who", 0) }

// membersPerCall bounds the fields of one HSET, so a batch of 10,000
// followers is a few round trips, none of them long for Redis.
const membersPerCall = 2000

// WriteMembers sets the member index of broadcast id: openids[i] gets
// values[i] (a later write of a follower replaces the earlier one), kept
// for ttl from now.
func (b *Broadcasts) WriteMembers(ctx context.Context, id int64, openids, values []string, ttl time.Duration) error {
	if len(openids) != len(values) {
		return fmt.Errorf("store: %d openids for %d member values", len(openids), len(values))
	}
	if len(openids) == 0 {
		return nil
	}
	key := b.s.keys.bcMembers(id)
	_, err := b.s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for start := 0; start < len(openids); start += membersPerCall {
			end := min(start+membersPerCall, len(openids))
			args := make([]any, 0, 2*(end-start))
			for i := start; i < end; i++ {
				args = append(args, openids[i], values[i])
			}
			p.HSet(ctx, key, args...)
		}
		p.Expire(ctx, key, ttl)
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: write %d members of broadcast %d: %w", len(openids), id, err)
	}
	return nil
}

// Member reads openid's value in broadcast id's member index; ok is
// false when they are not in it (not in the audience, or the index
// expired).
func (b *Broadcasts) Member(ctx context.Context, id int64, openid string) (value string, ok bool, err error) {
	v, err := b.s.rdb.HGet(ctx, b.s.keys.bcMembers(id), openid).Result()
	if errors.Is(err, redis.Nil) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("store: read member of broadcast %d: %w", id, err)
	}
	return v, true, nil
}

// Members reads the values of openids in broadcast id's member index, ""
// for those not in it.
func (b *Broadcasts) Members(ctx context.Context, id int64, openids []string) ([]string, error) {
	if len(openids) == 0 {
		return nil, nil
	}
	vs, err := b.s.rdb.HMGet(ctx, b.s.keys.bcMembers(id), openids...).Result()
	if err != nil {
		return nil, fmt.Errorf("store: read %d members of broadcast %d: %w", len(openids), id, err)
	}
	out := make([]string, len(vs))
	for i, v := range vs {
		if s, ok := v.(string); ok {
			out[i] = s
		}
	}
	return out, nil
}

// ScanMembers calls fn with every entry of broadcast id's member index,
// in no particular order, a page at a time; an entry written during the
// scan may be seen or not, and rarely twice.
func (b *Broadcasts) ScanMembers(ctx context.Context, id int64, fn func(openid, value string) error) error {
	return b.s.scanHash(ctx, b.s.keys.bcMembers(id), fmt.Sprintf("members of broadcast %d", id), fn)
}
