package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// Links keeps tracked links: which target each code leads to, frozen at
// preview, and per broadcast who clicked which version's links and how
// often links were tapped.
type Links struct {
	s *Store
}

// Links returns the tracked-link store.
func (s *Store) Links() *Links { return &Links{s: s} }

// LinkTarget is where one tracked link leads and what it belongs to.
type LinkTarget struct {
	Broadcast int64  `json:"b"`
	Version   int    `json:"v"`
	Link      int    `json:"i"`
	URL       string `json:"u"`
}

// linkTTL keeps a code's target long after its broadcast: a follower may
// tap a link in their chat history months later, and a dead link there
// is worse than a click nobody counts.
const linkTTL = 365 * 24 * time.Hour

// ErrCodeTaken means a link code is already frozen to a target.
var ErrCodeTaken = errors.New("store: link code already in use")

// lkCode is one code's target. Codes are random, so the keys spread over
// a Cluster's slots; each is written and read alone.
func (k keys) lkCode(code string) string { return k.prefix + "lk:" + code }

// Freeze stores code → target for each pair, refusing a code that already
// exists (ErrCodeTaken; the pairs before it are stored), kept a year.
func (l *Links) Freeze(ctx context.Context, codes []string, targets []LinkTarget) error {
	if len(codes) != len(targets) {
		return fmt.Errorf("store: %d link codes for %d targets", len(codes), len(targets))
	}
	cmds := make([]*redis.BoolCmd, len(codes))
	_, err := l.s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, c := range codes {
			v, err := json.Marshal(targets[i])
			if err != nil {
				return err
			}
			cmds[i] = p.SetNX(ctx, l.s.keys.lkCode(c), v, linkTTL)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: freeze %d links: %w", len(codes), err)
	}
	for i, c := range cmds {
		if !c.Val() {
			return fmt.Errorf("%w: %q", ErrCodeTaken, codes[i])
		}
	}
	return nil
}

// Resolve reads a code's target; ok is false for an unknown or expired
// code.
func (l *Links) Resolve(ctx context.Context, code string) (t LinkTarget, ok bool, err error) {
	v, err := l.s.rdb.Get(ctx, l.s.keys.lkCode(code)).Bytes()
	if errors.Is(err, redis.Nil) {
		return LinkTarget{}, false, nil
	}
	if err != nil {
		return LinkTarget{}, false, fmt.Errorf("store: resolve link: %w", err)
	}
	if err := json.Unmarshal(v, &t); err != nil {
		return LinkTarget{}, false, fmt.Errorf("store: link code %q holds %q: %w", code, v, err)
	}
	return t, true, nil
}
