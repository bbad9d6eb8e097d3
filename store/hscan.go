package store

import (
	"context"
	"fmt"
)

// scanHash calls fn with each field and value of the hash at key, a page
// of 1,000 at a time, in no particular order; an entry written during
// the scan may be seen or not, and rarely twice. A Redis error names
// what (e.g. "members of broadcast 7"); fn's errors come back as they are.
func (s *Store) scanHash(ctx context.Context, key, what string, fn func(field, value string) error) error {
	var cursor uint64
	for {
		kv, next, err := s.rdb.HScan(ctx, key, cursor, "", 1000).Result()
		if err != nil {
			return fmt.Errorf("store: scan %s: %w", what, err)
		}
		for i := 0; i+1 < len(kv); i += 2 {
			if err := fn(kv[i], kv[i+1]); err != nil {
				return err
			}
		}
		if next == 0 {
			return nil
		}
		cursor = next
	}
}
