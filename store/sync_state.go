package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// SyncState keeps what the follower sync needs between pages and runs:
// its checkpoint, the summary of the last finished run, the lease that
// lets one process sync at a time, and the account's WeChat tags as last
// read. The documents are opaque here (the sync encodes them). All keys
// share the {sync} tag, so the scripts touching several are Cluster-safe.
type SyncState struct {
	s     *Store
	lease *redis.Script
	save  *redis.Script
}

// SyncState returns the sync's state store.
func (s *Store) SyncState() *SyncState {
	return &SyncState{s: s, lease: redis.NewScript(leaseScript), save: redis.NewScript(leasedSetScript)}
}

func (k keys) syncCheckpoint() string { return k.prefix + "sync:{sync}:checkpoint" }
func (k keys) syncLast() string       { return k.prefix + "sync:{sync}:last" }
func (k keys) syncLease() string      { return k.prefix + "sync:{sync}:lease" }
func (k keys) accountTags() string    { return k.prefix + "sync:{sync}:wechat_tags" }

// leasedSetScript writes a value only while owner holds the lease, so a
// process that lost it (paused, then overtaken) cannot overwrite the
// checkpoint of the one that took over.
//
// KEYS: 1 lease, 2 key to set, 3 key to delete (may equal 2). ARGV: 1
// owner, 2 value.
const leasedSetScript = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if KEYS[3] ~= KEYS[2] then redis.call('DEL', KEYS[3]) end
redis.call('SET', KEYS[2], ARGV[2])
return 1
`

// ErrSyncLeaseLost means another process took the sync over.
var ErrSyncLeaseLost = errors.New("store: sync lease lost")

// Lease takes or extends the sync lease for owner; it reports whether
// owner holds it.
func (x *SyncState) Lease(ctx context.Context, owner string, ttl time.Duration) (bool, error) {
	n, err := x.lease.Run(ctx, x.s.rdb, []string{x.s.keys.syncLease()}, owner, ttl.Milliseconds()).Int()
	if err != nil {
		return false, fmt.Errorf("store: sync lease: %w", err)
	}
	return n == 1, nil
}

// LeaseHolder names the process holding the sync lease ("" if none).
func (x *SyncState) LeaseHolder(ctx context.Context) (string, error) {
	v, err := x.s.rdb.Get(ctx, x.s.keys.syncLease()).Result()
	if errors.Is(err, redis.Nil) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("store: sync lease: %w", err)
	}
	return v, nil
}

// Release gives the sync lease up if owner holds it.
func (x *SyncState) Release(ctx context.Context, owner string) error {
	if err := x.s.lease.Run(ctx, x.s.rdb, []string{x.s.keys.syncLease()}, owner).Err(); err != nil {
		return fmt.Errorf("store: release sync lease: %w", err)
	}
	return nil
}

// Checkpoint reads the unfinished run's checkpoint; ok is false when no
// run is unfinished.
func (x *SyncState) Checkpoint(ctx context.Context) (doc []byte, ok bool, err error) {
	return x.get(ctx, x.s.keys.syncCheckpoint())
}

// SaveCheckpoint replaces the checkpoint, while owner holds the lease.
func (x *SyncState) SaveCheckpoint(ctx context.Context, owner string, doc []byte) error {
	k := x.s.keys
	return x.leasedSet(ctx, owner, k.syncCheckpoint(), k.syncCheckpoint(), doc)
}

// Finish ends a run: the checkpoint goes, the summary stays as the last
// run's, in one step while owner holds the lease.
func (x *SyncState) Finish(ctx context.Context, owner string, summary []byte) error {
	k := x.s.keys
	return x.leasedSet(ctx, owner, k.syncLast(), k.syncCheckpoint(), summary)
}

// Discard deletes an unfinished run's checkpoint, so the next run starts
// from the first page.
func (x *SyncState) Discard(ctx context.Context) error {
	if err := x.s.rdb.Del(ctx, x.s.keys.syncCheckpoint()).Err(); err != nil {
		return fmt.Errorf("store: discard sync checkpoint: %w", err)
	}
	return nil
}

// Last reads the summary of the last finished run.
func (x *SyncState) Last(ctx context.Context) (doc []byte, ok bool, err error) {
	return x.get(ctx, x.s.keys.syncLast())
}

// SaveAccountTags keeps the account's WeChat tags as last read.
func (x *SyncState) SaveAccountTags(ctx context.Context, doc []byte) error {
	if err := x.s.rdb.Set(ctx, x.s.keys.accountTags(), doc, 0).Err(); err != nil {
		return fmt.Errorf("store: save WeChat tags: %w", err)
	}
	return nil
}

// AccountTags reads the account's WeChat tags as last saved.
func (x *SyncState) AccountTags(ctx context.Context) (doc []byte, ok bool, err error) {
	return x.get(ctx, x.s.keys.accountTags())
}

func (x *SyncState) leasedSet(ctx context.Context, owner, set, del string, doc []byte) error {
	n, err := x.save.Run(ctx, x.s.rdb, []string{x.s.keys.syncLease(), set, del}, owner, doc).Int()
	if err != nil {
		return fmt.Errorf("store: save sync state: %w", err)
	}
	if n == 0 {
		return ErrSyncLeaseLost
	}
	return nil
}

func (x *SyncState) get(ctx context.Context, key string) ([]byte, bool, error) {
	v, err := x.s.rdb.Get(ctx, key).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("store: read %s: %w", key, err)
	}
	return v, true, nil
}
